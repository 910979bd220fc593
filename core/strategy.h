// A strategy: which of a backbone's blocks a trial trains, and at what rates.
// The plain kind trains the trailing `unfrozen` blocks (a depth); beside the
// depths a grid may hold a block range (Lee et al., "Surgical fine-tuning",
// ICLR 2023), a linear probe first and then fine-tuning (LP-FT; Kumar et al.,
// ICLR 2022), and layer-wise learning-rate decay (BEiT, timm). Frozen blocks
// follow the same rules in each.
//
// Everything that depends on the kind is decided here, each time by a switch
// without default, so that a new kind does not compile until every decision is
// made for it: its name, its JSON form both ways, the blocks it trains, their
// learning rates, and the name every report and progress line gives a setting.
// Pure functions over plain values; thread-safe.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <array>
#include <string>
#include <vector>

namespace sweep {

class Diagnostics;
struct TrialSpec;

// A number of trailing blocks to train; `all` is resolved per backbone.
struct Depth {
  int blocks = 0;
  bool all = false;
  bool operator==(const Depth& o) const { return blocks == o.blocks && all == o.all; }
};

enum class StrategyKind { kTrailing, kRange, kLpFt, kLayerDecay };
// Every kind, for tests that loop over them; strategy_test checks that no kind
// with a name is missing.
constexpr std::array<StrategyKind, 4> kStrategyKinds = {
    StrategyKind::kTrailing, StrategyKind::kRange, StrategyKind::kLpFt, StrategyKind::kLayerDecay};

struct Strategy {
  StrategyKind kind = StrategyKind::kTrailing;
  // kRange: the blocks trained, counted from the input from 1, both included;
  // every other block stays frozen. With `from_probe` the head starts from the
  // converged probe, as in LP-FT: a new head trained for a fine-tune's few
  // epochs behind one early block learns little.
  int first = 0, last = 0;
  bool from_probe = false;
  // kTrailing, kLpFt, kLayerDecay: the trailing blocks trained.
  Depth depth{0, true};
  // kLayerDecay: each trained block learns at this times the rate of the block
  // above it; the head at the trial's rate.
  double decay = 1.0;

  // Whether the head starts from the probe: LP-FT, or a range that asks.
  bool starts_from_probe() const;
};

// "trailing", "range", "lp-ft", "layer-decay"; "?" for a value that is no kind.
const char* strategy_name(StrategyKind kind);

// One of a grid's strategies: {"blocks": [first, last]} (or one block),
// {"lp_ft": depth}, {"layer_decay": factor, "unfrozen": depth}. On bad input it
// reports through `diag` and returns what it could read.
Strategy read_strategy(const nlohmann::json& value, const std::string& path, Diagnostics& diag);
// Each strategy against a backbone of `blocks` blocks (`backbone` names it in
// messages); the paths are /grid/strategies/N.
void check_strategies(const std::vector<Strategy>& strategies, int blocks,
                      const std::string& backbone, Diagnostics& diag);
// The sweep file's form, which read_strategy reads back. A trial's identity
// hashes it, so it never changes for an existing strategy.
nlohmann::json to_json(const Strategy& strategy);
// Whether a trial's identity carries its strategy: every kind but the trailing
// blocks, whose trials were hashed before strategies existed and keep their ids.
bool in_trial_identity(const Strategy& strategy);

// The blocks a trial trains, counted from 0 at the input, [first, end): its
// trailing `unfrozen` blocks, or its range.
int first_trained_block(const TrialSpec& trial);
int end_trained_block(const TrialSpec& trial);

// Whether the trained blocks learn at rates of their own (block_lr_scale), or
// all at the trial's rate with the head.
bool scales_block_rates(const Strategy& strategy);
// The rate of trained block `block`, of trained blocks ending before `end`, as a
// multiple of the head's: 1, or with layer decay `decay` once per block from
// the head down to it.
double block_lr_scale(const Strategy& strategy, int block, int end);

// The one name of a setting, in the run's and the status's lines and in the
// reports' sentences: "head-only", "1 block", "3 blocks", "5 (all) blocks" for
// the trailing blocks; "block 1 only", "blocks 2-3 only, from the probe",
// "LP-FT, 5 (all) blocks", "layer decay 0.7, 2 blocks" for the other kinds.
// `unfrozen` is the trial's, `blocks` the backbone's block count.
std::string setting_name(const Strategy& strategy, int unfrozen, int blocks);
// setting_name of the trailing `unfrozen` blocks: a depth.
std::string depth_name(int unfrozen, int blocks);
// A depth in a table cell under a heading that says "unfrozen blocks": "2", or
// "5 (all)" for full fine-tuning.
std::string depth_label(int unfrozen, int blocks);

}  // namespace sweep
