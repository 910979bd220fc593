#include "analysis/summary.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "analysis/format.h"
#include "analysis/stats.h"

namespace sweep {
namespace {

struct Cell {
  std::vector<double> val, test, seconds;
  std::map<int, double> test_by_seed;
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
  row.test_by_seed = best->test_by_seed;
  row.trial_ids = best->ids;
  return row;
}

template <typename T>
void add_unique(std::vector<T>& values, const T& value) {
  if (std::find(values.begin(), values.end(), value) == values.end()) values.push_back(value);
}

UnfinishedTrial unfinished(const TrialRecord& record, const std::string& cause) {
  const TrialSpec& s = record.spec;
  return {s.id, s.backbone.name, s.target.name,  trial_state_name(record.state), cause, s.unfrozen,
          s.lr, s.seed,          record.attempts};
}

void choose_rows(TargetSummary& target, double tolerance) {
  double best_val = -1.0;
  for (size_t i = 0; i < target.depths.size(); ++i) {
    const DepthRow& row = target.depths[i];
    best_val = std::max(best_val, row.val_mean);
    if (row.unfrozen == 0) {
      target.head_only = i;
    } else if (!target.best_deeper || row.val_mean > target.depths[*target.best_deeper].val_mean) {
      target.best_deeper = i;
    }
  }
  for (size_t i = 0; i < target.depths.size(); ++i) {
    if (target.depths[i].val_mean >= best_val - tolerance - 1e-12) {
      target.recommended = i;
      break;
    }
  }
}

std::string blocks_phrase(const DepthRow& row) {
  return depth_label(row.unfrozen, row.blocks) +
         (row.unfrozen == 1 ? " unfrozen block" : " unfrozen blocks");
}

// "+13.7 points (95% CI 12.1 to 15.3)", or with one seed "+13.7 points (one seed, no interval)".
std::string difference_phrase(const PairedDifference& d) {
  std::string text = printf_string("%+.1f points", 100.0 * d.mean);
  if (d.pairs < 2)
    return text + " (" + (d.pairs == 1 ? "one seed" : "no paired seeds") + ", no interval)";
  return text + printf_string(" (95%% CI %.1f", 100.0 * (d.mean - d.ci95)) +
         printf_string(" to %.1f)", 100.0 * (d.mean + d.ci95));
}

std::string cost_ratio(const DepthRow& deeper, const DepthRow& head) {
  if (head.device_seconds <= 0) return "an unknown cost ratio";
  return printf_string("%.1fx the cost", deeper.device_seconds / head.device_seconds);
}

}  // namespace

PairedDifference paired_difference(const DepthRow& deeper, const DepthRow& head) {
  std::vector<double> differences;
  for (const auto& [seed, test] : deeper.test_by_seed) {
    auto it = head.test_by_seed.find(seed);
    if (it != head.test_by_seed.end()) differences.push_back(test - it->second);
  }
  return {static_cast<int>(differences.size()), mean(differences), ci95_half_width(differences)};
}

SweepSummary summarize(const std::string& name, const std::vector<TrialRecord>& trials,
                       std::optional<double> price, double tolerance) {
  SweepSummary summary;
  summary.name = name;
  summary.tolerance = tolerance;
  summary.price_per_device_hour = price;
  summary.total = static_cast<int>(trials.size());
  // (backbone, target) in grid order -> depth -> lr -> finished trials.
  std::vector<std::pair<std::string, std::string>> order;
  std::map<std::pair<std::string, std::string>, std::map<int, std::map<double, Cell>>> cells;
  std::map<std::pair<std::string, std::string>, TargetSummary> targets;
  std::map<std::string, const TrialRecord*> by_id;
  for (const TrialRecord& record : trials) {
    const TrialSpec& spec = record.spec;
    by_id[spec.id] = &record;
    const auto key = std::make_pair(spec.backbone.name, spec.target.name);
    if (!targets.count(key)) {
      order.push_back(key);
      TargetSummary target;
      target.backbone = spec.backbone.name;
      target.target = spec.target.name;
      target.similarity = spec.target.similarity;
      targets[key] = target;
    }
    switch (record.state) {
      case TrialState::kPending:
        ++summary.pending;
        summary.unfinished.push_back(unfinished(record, record.error));
        continue;
      case TrialState::kRunning:
        ++summary.running;
        summary.unfinished.push_back(unfinished(record, "running on " + record.device));
        continue;
      case TrialState::kFailed:
        ++summary.failed;
        summary.failures.push_back(unfinished(record, record.error));
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
    if (!r.feature_cache.empty()) ++summary.frozen_inputs[r.feature_cache];
    if (spec.recipe.augment != AugmentKind::kNone) summary.augment = spec.recipe.augment;
    const TrialPoint point{
        spec.id,           spec.backbone.name, spec.target.name, spec.target.similarity,
        spec.unfrozen,     spec.blocks,        spec.lr,          spec.seed,
        r.diverged,        r.val_accuracy,     r.test_accuracy,  r.device_seconds,
        r.trainable_params};
    summary.points.push_back(point);
    if (r.diverged) summary.diverged_trials.push_back(point);
    Cell& cell = cells[key][spec.unfrozen][spec.lr];
    cell.val.push_back(r.val_accuracy);
    cell.test.push_back(r.test_accuracy);
    cell.seconds.push_back(r.device_seconds);
    cell.test_by_seed[spec.seed] = r.test_accuracy;
    cell.ids.push_back(spec.id);
    cell.diverged += r.diverged ? 1 : 0;
    cell.blocks = spec.blocks;
    cell.trainable = r.trainable_params;
  }
  for (const auto& key : order) {
    TargetSummary target = targets[key];
    for (const auto& [unfrozen, by_lr] : cells[key]) {
      target.depths.push_back(best_lr_row(unfrozen, by_lr, price));
      for (const auto& [lr, cell] : by_lr) {
        summary.cells.push_back({key.first, key.second, unfrozen, cell.blocks, lr,
                                 static_cast<int>(cell.val.size()), mean(cell.val),
                                 mean(cell.test)});
      }
    }
    choose_rows(target, tolerance);
    for (const auto& index : {target.head_only, target.best_deeper, target.recommended}) {
      if (!index) continue;
      for (const auto& id : target.depths[*index].trial_ids) {
        const auto& epochs = by_id[id]->result->epochs;
        if (!epochs.empty()) summary.curves[id] = epochs;
      }
    }
    summary.targets.push_back(std::move(target));
  }
  return summary;
}

std::string frozen_blocks_sentence(const SweepSummary& summary) {
  const auto count = [&](const char* source) {
    const auto it = summary.frozen_inputs.find(source);
    return it == summary.frozen_inputs.end() ? 0 : it->second;
  };
  const auto trials = [](int n) { return std::to_string(n) + (n == 1 ? " trial" : " trials"); };
  const int reused = count("memory") + count("disk"), computed = count("computed");
  std::vector<std::string> parts;
  if (reused + computed > 0) {
    parts.push_back("the frozen-feature cache ran the frozen blocks once per target and depth: " +
                    trials(reused) + " reused their output, " + trials(computed) + " computed it");
  }
  if (const int augmented = count("augmentation")) {
    parts.push_back("random augmentation (" + std::string(augment_name(summary.augment)) +
                    ") changes the pixels every step, so " + trials(augmented) +
                    " ran their frozen blocks in every step instead (head-only probes train on "
                    "features of the images as they are)");
  }
  if (const int off = count("off")) parts.push_back(trials(off) + " ran with the cache turned off");
  if (const int large = count("too large")) {
    parts.push_back(trials(large) + " had frozen outputs too large for the cache's budgets");
  }
  std::string text;
  for (size_t i = 0; i < parts.size(); ++i) text += (i == 0 ? "" : "; ") + parts[i];
  if (!text.empty()) text[0] = static_cast<char>(std::toupper(text[0]));
  return text.empty() ? text : text + ".";
}

std::string verdict_sentence(const TargetSummary& target, double tolerance) {
  const std::string who =
      target.target + (target.similarity.empty() ? "" : " (" + target.similarity + ")");
  if (!target.head_only && !target.best_deeper) return who + ": no finished trials yet.";
  if (!target.head_only) {
    const DepthRow& best = target.depths[*target.best_deeper];
    return who + ": no head-only trial has finished; the best deeper setting reaches " +
           percent(best.test_mean) + " at " + blocks_phrase(best) + ".";
  }
  const DepthRow& head = target.depths[*target.head_only];
  if (!target.best_deeper) {
    return who + ": head-only reaches " + percent(head.test_mean) +
           "; no deeper setting has finished yet.";
  }
  const DepthRow& recommended = target.depths[*target.recommended];
  if (recommended.unfrozen == 0) {
    const DepthRow& best = target.depths[*target.best_deeper];
    const std::string why = best.val_mean > head.val_mean
                                ? "no deeper setting is " +
                                      printf_string("%.1f", 100.0 * tolerance) +
                                      " points better on validation"
                                : "no deeper setting does better on validation";
    return who + ": head-only reaches " + percent(head.test_mean) + " and is recommended, as " +
           why + "; the best, " + blocks_phrase(best) + ", reaches " + percent(best.test_mean) +
           ", " + difference_phrase(paired_difference(best, head)) + ", for " +
           cost_ratio(best, head) + ".";
  }
  return who + ": head-only reaches " + percent(head.test_mean) +
         "; recommended: " + blocks_phrase(recommended) + " at " + percent(recommended.test_mean) +
         ", " + difference_phrase(paired_difference(recommended, head)) + ", for " +
         cost_ratio(recommended, head) + ".";
}

}  // namespace sweep
