// From stored trials to answers: per (backbone, target), the accuracy at each
// unfrozen depth with its learning rate chosen on validation, the verdict
// (verdict.h), and the difference to head-only with its interval, paired over
// seeds.
// Test accuracy is only ever reported, never used to choose. Pure.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analysis/depth_row.h"
#include "analysis/verdict.h"
#include "core/records.h"

namespace sweep {

// The test-accuracy difference of two depths (each at its own chosen learning
// rate), paired by seed: mean and 95% t-interval of the per-seed differences.
struct PairedDifference {
  int pairs = 0;
  double mean = 0.0;  // a fraction: 0.011 is 1.1 points
  double ci95 = 0.0;  // half-width; 0 with fewer than two pairs
};

PairedDifference paired_difference(const DepthRow& deeper, const DepthRow& head);

struct TargetSummary {
  std::string backbone;
  std::string target;
  std::string similarity;
  std::vector<DepthRow> depths;  // ascending depth; depths with finished trials only
  // The grid's other strategies (a block range, LP-FT, layer decay), each at
  // its best learning rate, in grid order; never part of the verdict.
  std::vector<DepthRow> strategies;
  std::optional<size_t> head_only;         // index into depths of unfrozen == 0
  std::optional<size_t> best_deeper;       // the deeper row with the best validation mean
  Verdict verdict;                         // which depth to open, decided on validation
  double device_seconds = 0.0;             // of all its finished (and stopped) trials
  std::optional<TransferMeasure> measure;  // set by whoever reads the store
};

// One (depth, learning rate) cell of a target: what the learning rate was chosen from.
struct GridCell {
  std::string backbone, target;
  int unfrozen = 0;
  int blocks = 0;
  double lr = 0.0;
  int seeds = 0;
  double val_mean = 0.0;
  double test_mean = 0.0;
};

// A finished trial, for charts over all of them.
struct TrialPoint {
  std::string trial_id, backbone, target, similarity;
  std::string setting;  // setting_name() of strategy.h
  int unfrozen = 0;
  int blocks = 0;
  double lr = 0.0;
  int seed = 0;
  bool diverged = false;
  double val = 0.0;
  double test = 0.0;
  double device_seconds = 0.0;
  int64_t trainable_params = 0;
  std::optional<int> stopped_epoch;  // stopped there by successive halving
  int epochs = 0;                    // of its recipe
};

// A trial that has no result: failed (with its cause), or not run yet.
struct UnfinishedTrial {
  std::string trial_id, backbone, target, state, cause;
  int unfrozen = 0;
  double lr = 0.0;
  int seed = 0;
  int attempts = 0;
};

// A backbone of the sweep and, for built-in ones, how it was pretrained.
struct BackboneNote {
  std::string name;
  std::optional<PretrainedRecord> pretrained;  // absent until pretraining has run
};

struct SweepSummary {
  std::string name;
  double tolerance = 0.01;  // of the verdict rule, as a fraction
  SeedLooks looks;          // the seed counts its verdicts' bounds hold across
  std::vector<BackboneNote> backbones;
  int total = 0, done = 0, failed = 0, running = 0, pending = 0, diverged = 0;
  int stopped = 0;  // by successive halving: partial results, never a depth's best
  std::optional<double> price_per_device_hour;
  double device_seconds = 0.0;         // all finished trials together
  double wall_seconds = 0.0;           // all finished trials together
  std::vector<TargetSummary> targets;  // in grid order
  std::vector<GridCell> cells;
  std::vector<TrialPoint> points;
  std::map<std::string, std::vector<EpochMetrics>> curves;  // trials behind the verdicts
  std::vector<UnfinishedTrial> failures;                    // failed trials and their causes
  std::vector<UnfinishedTrial> unfinished;                  // pending and running trials
  std::vector<TrialPoint> diverged_trials;
  std::vector<TrialPoint> stopped_trials;  // with their partial curves in `curves`
  std::vector<Environment> environments;   // distinct
  std::vector<std::string> devices;        // distinct device names trials ran on
  // Finished trials by where their frozen blocks' output came from
  // (TrialResult::frozen_input); trials that froze nothing are left out.
  std::map<FrozenInput, int> frozen_inputs;
  AugmentKind augment = AugmentKind::kNone;  // of the training recipe
  int augment_views = 0;                     // of the training recipe, when it augments
  int trained_on_views = 0;  // finished trials that trained blocks on those fixed views
  bool partial() const { return done + failed + stopped < total; }
};

// `tolerance`: how far below the best depth (in validation accuracy, a fraction)
// a shallower depth may credibly be and still be recommended; `looks`: those of
// the sweep's seeds (seed_looks() of its grid); see verdict.h.
SweepSummary summarize(const std::string& name, const std::vector<TrialRecord>& trials,
                       std::optional<double> price_per_device_hour, double tolerance = 0.01,
                       const SeedLooks& looks = {});

// How the frozen blocks were run: the feature cache's reuse, and, when the recipe
// augments, that augmenting trials bypassed it or drew from fixed views. Empty
// when no trial froze blocks.
std::string frozen_blocks_sentence(const SweepSummary& summary);

// The answer for one target in one sentence: the verdict, the test accuracies it
// rests on, the difference with its 95% interval and the compute ratio (from the
// estimated training FLOPs, which do not move with the machine's load); for an
// undecided target, what the gap is and how many more seeds would settle it.
std::string verdict_sentence(const TargetSummary& target, double tolerance);

// The strategies beside the depths as table cells (the same in the terminal
// and in HTML): each at its best learning rate, its test accuracy, and its
// test difference to head-only and to the best depth, paired by seed, with
// their 95% intervals; what it trains and costs. No rows without strategies.
struct CellTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};
CellTable strategy_table(const TargetSummary& target);

// The verdict predicted before training beside the measured one, with the
// seconds each took.
std::string prediction_line(const TargetSummary& target, double tolerance);

// The verdict rule, and the error its claims carry across the looks, for the
// foot of a report.
std::string verdict_rule_note(double tolerance, const SeedLooks& looks);

}  // namespace sweep
