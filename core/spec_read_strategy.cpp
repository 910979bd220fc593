// Reading a grid's strategies and checking them against a backbone. See
// spec_json.h.
#include <string>

#include "core/spec_json.h"

namespace sweep {

using nlohmann::json;

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
  if (strategy.kind != StrategyKind::kRange && !strategy.depth.all && strategy.depth.blocks < 1) {
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
    const int highest = s.kind == StrategyKind::kRange ? s.last : s.depth.all ? 0 : s.depth.blocks;
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

}  // namespace sweep
