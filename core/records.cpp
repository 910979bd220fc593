#include "core/records.h"

#include <cstdio>

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

std::string one_decimal(double fraction) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", 100.0 * fraction);
  return text;
}

}  // namespace

std::string undecided_phrase(const SeedReason& why) {
  return "undecided between " + why.shallower + " and " + why.deeper + " (gap " +
         one_decimal(why.gap) + " points, 95% bounds " + one_decimal(why.lower) + " to " +
         one_decimal(why.upper) + " over " + std::to_string(why.pairs) +
         (why.pairs == 1 ? " seed)" : " seeds)");
}

std::string added_seed_reason(const SeedReason& why) {
  return "added seed " + std::to_string(why.seed) + ": " + why.target + " " + undecided_phrase(why);
}

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
