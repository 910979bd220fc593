// From stored trials to answers: per (backbone, target), the accuracy at each
// unfrozen depth with its learning rate chosen on validation, and a one-sentence
// verdict on head-only against the best deeper setting. Test accuracy is only
// ever reported, never used to choose. Pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/records.h"

namespace sweep {

// The learning rate of one depth that did best on validation (mean over seeds).
struct DepthRow {
  int unfrozen = 0;
  int blocks = 0;
  double lr = 0.0;
  int seeds = 0;  // finished trials behind the means
  int diverged = 0;
  double val_mean = 0.0;
  double test_mean = 0.0;
  double test_ci95 = 0.0;       // half-width of the 95% interval over seeds
  double device_seconds = 0.0;  // mean per trial
  std::optional<double> cost;   // mean per trial, when a price is set
  int64_t trainable_params = 0;
  std::vector<std::string> trial_ids;  // of the chosen learning rate
};

struct TargetSummary {
  std::string backbone;
  std::string target;
  std::string similarity;
  std::vector<DepthRow> depths;       // ascending depth; depths with finished trials only
  std::optional<size_t> head_only;    // index into depths of unfrozen == 0
  std::optional<size_t> best_deeper;  // the deeper row with the best validation mean
};

struct FailedTrial {
  std::string trial_id, backbone, target, error;
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
  std::vector<BackboneNote> backbones;
  int total = 0, done = 0, failed = 0, running = 0, pending = 0, diverged = 0;
  std::optional<double> price_per_device_hour;
  double device_seconds = 0.0;         // all finished trials together
  double wall_seconds = 0.0;           // all finished trials together
  std::vector<TargetSummary> targets;  // in grid order
  std::vector<FailedTrial> failures;
  std::vector<Environment> environments;  // distinct
  std::vector<std::string> devices;       // distinct device names trials ran on
  bool partial() const { return done + failed < total; }
};

SweepSummary summarize(const std::string& name, const std::vector<TrialRecord>& trials,
                       std::optional<double> price_per_device_hour);

// "near: head-only reaches 91.0% against 92.1% at 2 unfrozen blocks; +1.1 points
// for 3.4x the cost." Names what is missing when a side has no finished trial.
std::string verdict_sentence(const TargetSummary& target);

}  // namespace sweep
