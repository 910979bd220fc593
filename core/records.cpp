#include "core/records.h"

namespace sweep {
namespace {

// Every value of an enum that runs from its first to its last, by name.
template <typename Enum>
std::optional<Enum> parse_name(const std::string& name, Enum first, Enum last,
                               const char* (*name_of)(Enum)) {
  for (int i = static_cast<int>(first); i <= static_cast<int>(last); ++i) {
    if (name == name_of(static_cast<Enum>(i))) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

}  // namespace

const char* frozen_input_name(FrozenInput input) {
  switch (input) {
    case FrozenInput::kNone:
      return "";
    case FrozenInput::kMemory:
      return "memory";
    case FrozenInput::kDisk:
      return "disk";
    case FrozenInput::kComputed:
      return "computed";
    case FrozenInput::kAugmentation:
      return "augmentation";
    case FrozenInput::kOff:
      return "off";
    case FrozenInput::kTooLarge:
      return "too large";
  }
  return "?";
}

std::optional<FrozenInput> parse_frozen_input(const std::string& name) {
  return parse_name(name, FrozenInput::kNone, FrozenInput::kTooLarge, frozen_input_name);
}

const char* trial_state_name(TrialState state) {
  switch (state) {
    case TrialState::kPending:
      return "pending";
    case TrialState::kRunning:
      return "running";
    case TrialState::kDone:
      return "done";
    case TrialState::kFailed:
      return "failed";
    case TrialState::kStopped:
      return "stopped";
  }
  return "?";
}

std::optional<TrialState> parse_trial_state(const std::string& name) {
  return parse_name(name, TrialState::kPending, TrialState::kStopped, trial_state_name);
}

}  // namespace sweep
