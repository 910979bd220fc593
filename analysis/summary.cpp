#include "analysis/summary.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "analysis/format.h"
#include "analysis/stats.h"

namespace sweep {
namespace {

struct Cell {
  std::vector<double> val, test, seconds;
  std::vector<std::string> ids;
  int diverged = 0;
  int blocks = 0;
  int64_t trainable = 0;
};

DepthRow best_lr_row(int unfrozen, const std::map<double, Cell>& by_lr,
                     std::optional<double> price) {
  const Cell* best = nullptr;
  double best_lr = 0.0;
  for (const auto& [lr, cell] : by_lr) {
    if (!best || mean(cell.val) > mean(best->val)) {
      best = &cell;
      best_lr = lr;
    }
  }
  DepthRow row;
  row.unfrozen = unfrozen;
  row.blocks = best->blocks;
  row.lr = best_lr;
  row.seeds = static_cast<int>(best->val.size());
  row.diverged = best->diverged;
  row.val_mean = mean(best->val);
  row.test_mean = mean(best->test);
  row.test_ci95 = ci95_half_width(best->test);
  row.device_seconds = mean(best->seconds);
  if (price) row.cost = row.device_seconds / 3600.0 * *price;
  row.trainable_params = best->trainable;
  row.trial_ids = best->ids;
  return row;
}

template <typename T>
void add_unique(std::vector<T>& values, const T& value) {
  if (std::find(values.begin(), values.end(), value) == values.end()) values.push_back(value);
}

}  // namespace

SweepSummary summarize(const std::string& name, const std::vector<TrialRecord>& trials,
                       std::optional<double> price) {
  SweepSummary summary;
  summary.name = name;
  summary.price_per_device_hour = price;
  summary.total = static_cast<int>(trials.size());
  // (backbone, target) in grid order -> depth -> lr -> finished trials.
  std::vector<std::pair<std::string, std::string>> order;
  std::map<std::pair<std::string, std::string>, std::map<int, std::map<double, Cell>>> cells;
  std::map<std::pair<std::string, std::string>, TargetSummary> targets;
  for (const TrialRecord& record : trials) {
    const TrialSpec& spec = record.spec;
    const auto key = std::make_pair(spec.backbone.name, spec.target.name);
    if (!targets.count(key)) {
      order.push_back(key);
      targets[key] =
          TargetSummary{spec.backbone.name, spec.target.name, spec.target.similarity, {}, {}, {}};
    }
    switch (record.state) {
      case TrialState::kPending:
        ++summary.pending;
        continue;
      case TrialState::kRunning:
        ++summary.running;
        continue;
      case TrialState::kFailed:
        ++summary.failed;
        summary.failures.push_back({spec.id, spec.backbone.name, spec.target.name, record.error,
                                    spec.unfrozen, spec.lr, spec.seed, record.attempts});
        continue;
      case TrialState::kDone:
        break;
    }
    ++summary.done;
    const TrialResult& r = *record.result;
    summary.diverged += r.diverged ? 1 : 0;
    summary.device_seconds += r.device_seconds;
    summary.wall_seconds += r.train_seconds;
    add_unique(summary.environments, r.environment);
    add_unique(summary.devices, r.device_name.empty() ? r.device : r.device_name);
    Cell& cell = cells[key][spec.unfrozen][spec.lr];
    cell.val.push_back(r.val_accuracy);
    cell.test.push_back(r.test_accuracy);
    cell.seconds.push_back(r.device_seconds);
    cell.ids.push_back(spec.id);
    cell.diverged += r.diverged ? 1 : 0;
    cell.blocks = spec.blocks;
    cell.trainable = r.trainable_params;
  }
  for (const auto& key : order) {
    TargetSummary target = targets[key];
    for (const auto& [unfrozen, by_lr] : cells[key]) {
      target.depths.push_back(best_lr_row(unfrozen, by_lr, price));
    }
    for (size_t i = 0; i < target.depths.size(); ++i) {
      const DepthRow& row = target.depths[i];
      if (row.unfrozen == 0) {
        target.head_only = i;
      } else if (!target.best_deeper ||
                 row.val_mean > target.depths[*target.best_deeper].val_mean) {
        target.best_deeper = i;
      }
    }
    summary.targets.push_back(std::move(target));
  }
  return summary;
}

std::string verdict_sentence(const TargetSummary& target) {
  const std::string who =
      target.target + (target.similarity.empty() ? "" : " (" + target.similarity + ")");
  if (!target.head_only && !target.best_deeper) return who + ": no finished trials yet.";
  if (!target.head_only) {
    const DepthRow& best = target.depths[*target.best_deeper];
    return who + ": no head-only trial has finished; the best deeper setting reaches " +
           percent(best.test_mean) + " at " + depth_label(best.unfrozen, best.blocks) +
           " unfrozen blocks.";
  }
  const DepthRow& head = target.depths[*target.head_only];
  if (!target.best_deeper) {
    return who + ": head-only reaches " + percent(head.test_mean) +
           "; no deeper setting has finished yet.";
  }
  const DepthRow& best = target.depths[*target.best_deeper];
  const double points = 100.0 * (best.test_mean - head.test_mean);
  const double ratio = head.device_seconds > 0 ? best.device_seconds / head.device_seconds : 0.0;
  const std::string blocks = best.unfrozen == 1 ? " unfrozen block" : " unfrozen blocks";
  return who + ": head-only reaches " + percent(head.test_mean) + " against " +
         percent(best.test_mean) + " at " + depth_label(best.unfrozen, best.blocks) + blocks +
         "; " + printf_string("%+.1f", points) + " points for " + printf_string("%.1f", ratio) +
         "x the cost.";
}

}  // namespace sweep
