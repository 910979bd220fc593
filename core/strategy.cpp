#include "core/strategy.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>

#include "core/spec_json.h"

namespace sweep {
namespace {

using nlohmann::json;

// A strategy that trains no block: head-only, which a grid writes as unfrozen 0.
bool trains_no_block(const Strategy& s) {
  switch (s.kind) {
    case StrategyKind::kRange:
      return false;  // read_strategy checks the range itself
    case StrategyKind::kTrailing:
    case StrategyKind::kLpFt:
    case StrategyKind::kLayerDecay:
      return !s.depth.all && s.depth.blocks < 1;
  }
  return false;
}

// The highest block a strategy names, counted from the input from 1; 0 for "all".
int highest_named_block(const Strategy& s) {
  switch (s.kind) {
    case StrategyKind::kRange:
      return s.last;
    case StrategyKind::kTrailing:
    case StrategyKind::kLpFt:
    case StrategyKind::kLayerDecay:
      return s.depth.all ? 0 : s.depth.blocks;
  }
  return 0;
}

std::string decay_text(double decay) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", decay);
  return text;
}

}  // namespace

bool Strategy::starts_from_probe() const {
  switch (kind) {
    case StrategyKind::kLpFt:
      return true;
    case StrategyKind::kRange:
      return from_probe;
    case StrategyKind::kTrailing:
    case StrategyKind::kLayerDecay:
      return false;
  }
  return false;
}

const char* strategy_name(StrategyKind kind) {
  switch (kind) {
    case StrategyKind::kTrailing:
      return "trailing";
    case StrategyKind::kRange:
      return "range";
    case StrategyKind::kLpFt:
      return "lp-ft";
    case StrategyKind::kLayerDecay:
      return "layer-decay";
  }
  return "?";
}

Strategy read_strategy(const json& value, const std::string& path, Diagnostics& diag) {
  ObjectReader in(value, path, diag);
  Strategy strategy;
  const json* blocks = in.find("blocks");
  const json* lp_ft = in.find("lp_ft");
  const json* decay = in.find("layer_decay");
  const int named = (blocks ? 1 : 0) + (lp_ft ? 1 : 0) + (decay ? 1 : 0);
  if (value.is_object() && named != 1) {
    diag.error(path,
               "a strategy is one of {\"blocks\": [first, last]} (train only those, "
               "counted from the input from 1; \"from_probe\": true starts the head from "
               "the probe), {\"lp_ft\": blocks} (a linear probe, then "
               "fine-tune the last blocks from it), {\"layer_decay\": factor, "
               "\"unfrozen\": blocks} (each block at factor x the rate of the one above)");
  }
  if (blocks && named == 1) {
    strategy.kind = StrategyKind::kRange;
    const std::string p = in.path_of("blocks");
    const bool pair = blocks->is_array() && blocks->size() == 2;
    const json& first = pair ? (*blocks)[0] : *blocks;
    const json& last = pair ? (*blocks)[1] : *blocks;
    if (blocks->is_array() && !pair) {
      diag.error(p, "expected one block or [first, last], got " + std::to_string(blocks->size()) +
                        " numbers");
    } else {
      strategy.first = static_cast<int>(read_integer(first, p, diag, 1, 1000).value_or(1));
      strategy.last = static_cast<int>(read_integer(last, p, diag, 1, 1000).value_or(1));
      if (strategy.last < strategy.first) {
        diag.error(p, "the range ends at block " + std::to_string(strategy.last) +
                          ", before it starts at " + std::to_string(strategy.first));
      }
    }
    strategy.from_probe = in.bool_or("from_probe", false);
  } else if (in.find("from_probe")) {
    diag.error(in.path_of("from_probe"),
               "only a \"blocks\" range takes \"from_probe\" (LP-FT always starts from the probe)");
  }
  if (lp_ft && named == 1) {
    strategy.kind = StrategyKind::kLpFt;
    strategy.depth = read_depth(*lp_ft, in.path_of("lp_ft"), diag).value_or(Depth{0, true});
  }
  if (decay && named == 1) {
    strategy.kind = StrategyKind::kLayerDecay;
    strategy.decay = read_number(*decay, in.path_of("layer_decay"), diag, 0.0, true).value_or(1.0);
    if (strategy.decay >= 1.0) {
      diag.error(in.path_of("layer_decay"),
                 "expected a factor below 1 (each block learns slower than the one above it), "
                 "got " +
                     decay->dump());
    }
    if (const json* unfrozen = in.find("unfrozen")) {
      strategy.depth = read_depth(*unfrozen, in.path_of("unfrozen"), diag).value_or(Depth{0, true});
    }
  } else if (in.find("unfrozen")) {
    diag.error(in.path_of("unfrozen"), "only a \"layer_decay\" strategy takes \"unfrozen\"");
  }
  if (trains_no_block(strategy)) {
    diag.error(path, "a strategy trains at least one block; head-only is unfrozen 0");
  }
  in.finish();
  return strategy;
}

void check_strategies(const std::vector<Strategy>& strategies, int blocks,
                      const std::string& backbone, Diagnostics& diag) {
  for (size_t i = 0; i < strategies.size(); ++i) {
    const Strategy& s = strategies[i];
    const std::string path = json_pointer_child("/grid/strategies", i);
    const int highest = highest_named_block(s);
    if (highest > blocks) {
      diag.error(path, "block " + std::to_string(highest) + ", but backbone " + backbone + " has " +
                           std::to_string(blocks) + "; use at most " + std::to_string(blocks));
    }
    for (size_t j = 0; j < i; ++j) {
      if (to_json(strategies[j]) == to_json(s)) {
        diag.error(path, "duplicate of " + json_pointer_child("/grid/strategies", j));
      }
    }
  }
}

json to_json(const Strategy& strategy) {
  const json depth = strategy.depth.all ? json("all") : json(strategy.depth.blocks);
  switch (strategy.kind) {
    case StrategyKind::kTrailing:
      return {{"unfrozen", depth}};
    case StrategyKind::kRange: {
      json out = {{"blocks", {strategy.first, strategy.last}}};
      if (strategy.from_probe) out["from_probe"] = true;  // else left out, as it was
      return out;
    }
    case StrategyKind::kLpFt:
      return {{"lp_ft", depth}};
    case StrategyKind::kLayerDecay:
      return {{"layer_decay", strategy.decay}, {"unfrozen", depth}};
  }
  return nullptr;
}

bool in_trial_identity(const Strategy& strategy) {
  switch (strategy.kind) {
    case StrategyKind::kTrailing:
      return false;
    case StrategyKind::kRange:
    case StrategyKind::kLpFt:
    case StrategyKind::kLayerDecay:
      return true;
  }
  return true;
}

int first_trained_block(const TrialSpec& trial) {
  switch (trial.strategy.kind) {
    case StrategyKind::kRange:
      return trial.strategy.first - 1;
    case StrategyKind::kTrailing:
    case StrategyKind::kLpFt:
    case StrategyKind::kLayerDecay:
      return trial.blocks - trial.unfrozen;
  }
  return trial.blocks;
}

int end_trained_block(const TrialSpec& trial) {
  switch (trial.strategy.kind) {
    case StrategyKind::kRange:
      return trial.strategy.last;
    case StrategyKind::kTrailing:
    case StrategyKind::kLpFt:
    case StrategyKind::kLayerDecay:
      return trial.blocks;
  }
  return trial.blocks;
}

bool scales_block_rates(const Strategy& strategy) {
  switch (strategy.kind) {
    case StrategyKind::kLayerDecay:
      return true;
    case StrategyKind::kTrailing:
    case StrategyKind::kRange:
    case StrategyKind::kLpFt:
      return false;
  }
  return false;
}

double block_lr_scale(const Strategy& strategy, int block, int end) {
  if (!scales_block_rates(strategy)) return 1.0;
  // Multiplied out one block at a time, as the rates always were, to the bit.
  double scale = 1.0;
  for (int b = end - 1; b >= block; --b) scale *= strategy.decay;
  return scale;
}

std::string setting_name(const Strategy& strategy, int unfrozen, int blocks) {
  switch (strategy.kind) {
    case StrategyKind::kTrailing:
      return depth_name(unfrozen, blocks);
    case StrategyKind::kRange:
      return (strategy.first == strategy.last ? "block " + std::to_string(strategy.first) + " only"
                                              : "blocks " + std::to_string(strategy.first) + "-" +
                                                    std::to_string(strategy.last) + " only") +
             (strategy.from_probe ? ", from the probe" : "");
    case StrategyKind::kLpFt:
      return "LP-FT, " + depth_name(unfrozen, blocks);
    case StrategyKind::kLayerDecay:
      return "layer decay " + decay_text(strategy.decay) + ", " + depth_name(unfrozen, blocks);
  }
  return "?";
}

std::string depth_name(int unfrozen, int blocks) {
  if (unfrozen == 0) return "head-only";
  return depth_label(unfrozen, blocks) + (unfrozen == 1 ? " block" : " blocks");
}

std::string depth_label(int unfrozen, int blocks) {
  return unfrozen == blocks ? std::to_string(unfrozen) + " (all)" : std::to_string(unfrozen);
}

}  // namespace sweep
