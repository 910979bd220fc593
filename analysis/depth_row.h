// One unfrozen depth of a (backbone, target): the trials of its best learning
// rate (chosen on validation), summarised over seeds. Pure data.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sweep {

struct DepthRow {
  std::string strategy;  // empty for a depth; else the strategy's setting_name() (strategy.h)
  int unfrozen = 0;
  int blocks = 0;
  double lr = 0.0;
  int seeds = 0;  // finished trials behind the means
  int diverged = 0;
  double val_mean = 0.0;
  double test_mean = 0.0;
  double test_ci95 = 0.0;       // half-width of the 95% interval over seeds
  double device_seconds = 0.0;  // mean per trial; moves with the machine's load
  double train_flops = 0.0;     // mean per trial: the estimated arithmetic, stable across runs
  std::optional<double> cost;   // mean per trial, when a price is set
  int64_t trainable_params = 0;
  std::map<int, double> val_by_seed;   // at the chosen learning rate
  std::map<int, double> test_by_seed;  // at the chosen learning rate
  std::vector<std::string> trial_ids;  // of the chosen learning rate
};

}  // namespace sweep
