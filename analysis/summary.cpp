#include "analysis/summary.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "analysis/format.h"
#include "analysis/prediction.h"
#include "analysis/stats.h"

namespace sweep {
namespace {

struct Cell {
  std::vector<double> val, test, seconds, flops;
  std::map<int, double> val_by_seed, test_by_seed;
  std::vector<std::string> ids;
  int diverged = 0;
  int stopped = 0;  // seeds where successive halving judged this learning rate worse
  int blocks = 0;
  int64_t trainable = 0;
};

// The learning rate that successive halving stopped in the fewest seeds, then
// the best mean validation accuracy: a rate that finished only the seeds where
// it was lucky is not chosen over one that finished them all.
DepthRow best_lr_row(int unfrozen, const std::map<double, Cell>& by_lr, std::optional<double> price,
                     const std::string& strategy = "") {
  const Cell* best = nullptr;
  double best_lr = 0.0;
  for (const auto& [lr, cell] : by_lr) {
    if (cell.val.empty()) continue;
    if (!best || cell.stopped < best->stopped ||
        (cell.stopped == best->stopped && mean(cell.val) > mean(best->val))) {
      best = &cell;
      best_lr = lr;
    }
  }
  DepthRow row;
  row.strategy = strategy;
  row.unfrozen = unfrozen;
  row.blocks = best->blocks;
  row.lr = best_lr;
  row.seeds = static_cast<int>(best->val.size());
  row.diverged = best->diverged;
  row.val_mean = mean(best->val);
  row.test_mean = mean(best->test);
  row.test_ci95 = ci95_half_width(best->test);
  row.device_seconds = mean(best->seconds);
  row.train_flops = mean(best->flops);
  if (price) row.cost = row.device_seconds / 3600.0 * *price;
  row.trainable_params = best->trainable;
  row.val_by_seed = best->val_by_seed;
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

TrialPoint point_of(const TrialRecord& record) {
  const TrialSpec& spec = record.spec;
  const TrialResult& r = *record.result;
  TrialPoint point;
  point.trial_id = spec.id;
  point.backbone = spec.backbone.name;
  point.target = spec.target.name;
  point.similarity = spec.target.similarity;
  point.unfrozen = spec.unfrozen;
  point.blocks = spec.blocks;
  point.setting = setting_name(spec.strategy, spec.unfrozen, spec.blocks);
  point.lr = spec.lr;
  point.seed = spec.seed;
  point.diverged = r.diverged;
  point.val = r.val_accuracy;
  point.test = r.test_accuracy;
  point.device_seconds = r.device_seconds;
  point.trainable_params = r.trainable_params;
  point.stopped_epoch = r.stopped_epoch;
  point.epochs = spec.recipe.epochs;
  return point;
}

// Stopped by successive halving: shown with its partial curve and its cost,
// never a candidate for a depth's learning rate.
void add_stopped(SweepSummary& summary, const TrialRecord& record) {
  const TrialSpec& spec = record.spec;
  const TrialResult& r = *record.result;
  ++summary.stopped;
  summary.device_seconds += r.device_seconds;
  summary.wall_seconds += r.train_seconds;
  summary.stopped_trials.push_back(point_of(record));
  if (!r.epochs.empty()) summary.curves[spec.id] = r.epochs;
}

void choose_rows(TargetSummary& target, double tolerance, const SeedLooks& looks) {
  for (size_t i = 0; i < target.depths.size(); ++i) {
    const DepthRow& row = target.depths[i];
    if (row.unfrozen == 0) {
      target.head_only = i;
    } else if (!target.best_deeper || row.val_mean > target.depths[*target.best_deeper].val_mean) {
      target.best_deeper = i;
    }
  }
  target.verdict = decide(target.depths, tolerance, looks);
}

std::string blocks_phrase(const DepthRow& row) { return depth_name(row.unfrozen, row.blocks); }

// "+13.7 points (95% CI 12.1 to 15.3)", or with one seed "+13.7 points (one seed, no interval)".
std::string difference_phrase(const PairedDifference& d) {
  std::string text = printf_string("%+.1f points", 100.0 * d.mean);
  if (d.pairs < 2)
    return text + " (" + (d.pairs == 1 ? "one seed" : "no paired seeds") + ", no interval)";
  return text + printf_string(" (95%% CI %.1f", 100.0 * (d.mean - d.ci95)) +
         printf_string(" to %.1f)", 100.0 * (d.mean + d.ci95));
}

// From the estimated training FLOPs, which do not move with the machine's load.
std::string compute_ratio(const DepthRow& deeper, const DepthRow& shallower) {
  if (shallower.train_flops <= 0 || deeper.train_flops <= 0) return "an unknown compute ratio";
  return printf_string("%.1fx the compute", deeper.train_flops / shallower.train_flops);
}

std::string points_phrase(double fraction) {
  const std::string number = printf_string("%.1f", 100.0 * fraction);
  return number + (number == "1.0" ? " point" : " points");
}

std::string seeds_phrase(int n) { return std::to_string(n) + (n == 1 ? " seed" : " seeds"); }

// "over 3 seeds", and with adaptive seeds ", across the looks at 2 to 8 seeds":
// what the 95% of a bound holds over.
std::string over_seeds(int pairs, const SeedLooks& looks) {
  std::string text = "over " + seeds_phrase(pairs);
  if (looks.adaptive()) {
    text +=
        ", across the looks at " + std::to_string(looks.first) + " to " + seeds_phrase(looks.last);
  }
  return text;
}

// "2 blocks, is ahead by 1.0", or for a negative gap "2 blocks, is behind by 0.5".
std::string lead_phrase(const DepthRow& other, const GapToBest& gap) {
  return blocks_phrase(other) + (gap.mean >= 0.0 ? ", is ahead by " : ", is behind by ") +
         printf_string("%.1f", 100.0 * std::fabs(gap.mean));
}

std::string head_only_enough(const TargetSummary& t, double tolerance) {
  const DepthRow& head = t.depths[*t.head_only];
  const DepthRow& best = t.depths[*t.verdict.best];
  const DepthRow& deeper = t.depths[*t.best_deeper];
  const GapToBest& gap = t.verdict.gaps[*t.head_only];
  std::string text = "head-only is enough at " + percent(head.test_mean) + ": on validation ";
  text += best.unfrozen == 0
              ? "it does best; the runner-up, " + lead_phrase(t.depths[gap.against], gap)
              : "the best setting, " + lead_phrase(best, gap);
  text += printf_string(" (at most %.1f", 100.0 * gap.upper) + " at 95% " +
          over_seeds(gap.pairs, t.verdict.looks) + "), within the " + points_phrase(tolerance) +
          " tolerance";
  return text + "; on test " + blocks_phrase(deeper) + " reaches " + percent(deeper.test_mean) +
         ", " + difference_phrase(paired_difference(deeper, head)) + ", for " +
         compute_ratio(deeper, head) + ".";
}

std::string open_blocks(const TargetSummary& t, double tolerance) {
  const DepthRow& chosen = t.depths[*t.verdict.recommended];
  const DepthRow& best = t.depths[*t.verdict.best];
  std::string text = "open " + blocks_phrase(chosen) + ": " + percent(chosen.test_mean);
  if (t.head_only) {
    const DepthRow& head = t.depths[*t.head_only];
    text += " against " + percent(head.test_mean) + " head-only, " +
            difference_phrase(paired_difference(chosen, head)) + ", for " +
            compute_ratio(chosen, head);
  }
  text += "; on validation every shallower depth is credibly more than " +
          points_phrase(tolerance) + " behind the best";
  if (&chosen != &best) text += " (" + blocks_phrase(best) + "), and this one is within it";
  if (t.verdict.looks.adaptive()) {
    text += " (95% bounds " +
            over_seeds(t.verdict.gaps[*t.verdict.recommended].pairs, t.verdict.looks) + ")";
  }
  return text + ".";
}

// What would settle an undecided verdict: more seeds within the looks planned,
// or past the last of them a new study.
std::string settle_phrase(const Verdict& v, const GapToBest& gap) {
  if (v.more_seeds) {
    return "about " + std::to_string(*v.more_seeds) + " more " +
           (*v.more_seeds == 1 ? "seed" : "seeds") + " per cell would decide it" +
           (v.looks.adaptive() ? ", within the maximum of " + seeds_phrase(v.looks.last) : "");
  }
  if (gap.pairs < 2) return "two seeds per cell at least are needed to measure the spread";
  std::string text = v.looks.adaptive() ? "more seeds than the maximum of " +
                                              seeds_phrase(v.looks.last) + " would be needed; "
                                        : "";
  if (v.study_seeds) {
    return text + "a new study with a fixed " + seeds_phrase(*v.study_seeds) +
           " per cell would likely decide it, if the gaps and spreads hold";
  }
  return text + "the gap sits so close to the tolerance that no likely number of seeds decides it";
}

std::string undecided(const TargetSummary& t, double tolerance) {
  const Verdict& v = t.verdict;
  const DepthRow& a = t.depths[*v.unsure];
  const DepthRow& b = t.depths[*v.recommended];
  const GapToBest& gap = v.gaps[*v.unsure];
  const DepthRow& other = t.depths[gap.against];
  std::string text = "undecided between " + blocks_phrase(a) + " and " + blocks_phrase(b) + ": " +
                     percent(a.test_mean) + " and " + percent(b.test_mean) + " on test, " +
                     difference_phrase(paired_difference(b, a)) + ", for " + compute_ratio(b, a) +
                     "; on validation " + blocks_phrase(a) +
                     (gap.mean >= 0.0 ? " trails " : " leads ") +
                     (gap.against == *v.best ? "the best (" + blocks_phrase(other) + ")"
                                             : "the runner-up (" + blocks_phrase(other) + ")") +
                     " by " + printf_string("%.1f points", 100.0 * std::fabs(gap.mean));
  if (gap.pairs >= 2) {
    text += printf_string(" (95%% bounds %.1f", 100.0 * gap.lower) +
            printf_string(" to %.1f ", 100.0 * gap.upper) + over_seeds(gap.pairs, v.looks) + ")";
  }
  return text + ", which does not settle a " + points_phrase(tolerance) + " tolerance; " +
         settle_phrase(v, gap) + ".";
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
                       std::optional<double> price, double tolerance, const SeedLooks& looks) {
  SweepSummary summary;
  summary.name = name;
  summary.tolerance = tolerance;
  summary.looks = looks;
  summary.price_per_device_hour = price;
  summary.total = static_cast<int>(trials.size());
  // (backbone, target) in grid order -> depth -> lr -> finished trials.
  std::vector<std::pair<std::string, std::string>> order;
  std::map<std::pair<std::string, std::string>, std::map<int, std::map<double, Cell>>> cells;
  // Other strategies, by label in grid order: (label, unfrozen) -> lr -> trials.
  std::map<std::pair<std::string, std::string>,
           std::vector<std::pair<std::pair<std::string, int>, std::map<double, Cell>>>>
      strategy_cells;
  // The cell of a trial: its depth's, or its strategy's.
  const auto cell_of = [&](const std::pair<std::string, std::string>& key,
                           const TrialSpec& spec) -> Cell& {
    switch (spec.strategy.kind) {
      case StrategyKind::kTrailing:
        return cells[key][spec.unfrozen][spec.lr];
      case StrategyKind::kRange:
      case StrategyKind::kLpFt:
      case StrategyKind::kLayerDecay:
        break;
    }
    const auto label =
        std::make_pair(setting_name(spec.strategy, spec.unfrozen, spec.blocks), spec.unfrozen);
    auto& list = strategy_cells[key];
    auto it = std::find_if(list.begin(), list.end(),
                           [&](const auto& entry) { return entry.first == label; });
    if (it == list.end()) it = list.insert(list.end(), {label, {}});
    return it->second[spec.lr];
  };
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
    if (record.result) targets[key].device_seconds += record.result->device_seconds;
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
      case TrialState::kStopped:
        add_stopped(summary, record);
        ++cell_of(key, spec).stopped;
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
    if (r.frozen_input != FrozenInput::kNone) ++summary.frozen_inputs[r.frozen_input];
    if (spec.recipe.augment != AugmentKind::kNone) {
      summary.augment = spec.recipe.augment;
      summary.augment_views = spec.recipe.augment_views;
      const bool froze = r.frozen_input != FrozenInput::kNone;
      if (spec.recipe.augment_views > 0 && froze && spec.unfrozen > 0) ++summary.trained_on_views;
    }
    const TrialPoint point = point_of(record);
    summary.points.push_back(point);
    if (r.diverged) summary.diverged_trials.push_back(point);
    Cell& cell = cell_of(key, spec);
    cell.val.push_back(r.val_accuracy);
    cell.test.push_back(r.test_accuracy);
    cell.seconds.push_back(r.device_seconds);
    cell.flops.push_back(r.train_flops);
    cell.val_by_seed[spec.seed] = r.val_accuracy;
    cell.test_by_seed[spec.seed] = r.test_accuracy;
    cell.ids.push_back(spec.id);
    cell.diverged += r.diverged ? 1 : 0;
    cell.blocks = spec.blocks;
    cell.trainable = r.trainable_params;
  }
  for (const auto& key : order) {
    TargetSummary target = targets[key];
    for (const auto& [unfrozen, by_lr] : cells[key]) {
      const bool finished = std::any_of(by_lr.begin(), by_lr.end(), [](const auto& lr_cell) {
        return !lr_cell.second.val.empty();
      });
      if (!finished) continue;  // every trial of the depth stopped or not done yet
      target.depths.push_back(best_lr_row(unfrozen, by_lr, price));
      for (const auto& [lr, cell] : by_lr) {
        if (cell.val.empty()) continue;
        summary.cells.push_back({key.first, key.second, unfrozen, cell.blocks, lr,
                                 static_cast<int>(cell.val.size()), mean(cell.val),
                                 mean(cell.test)});
      }
    }
    for (const auto& [label, by_lr] : strategy_cells[key]) {
      const bool finished = std::any_of(by_lr.begin(), by_lr.end(), [](const auto& lr_cell) {
        return !lr_cell.second.val.empty();
      });
      if (finished)
        target.strategies.push_back(best_lr_row(label.second, by_lr, price, label.first));
    }
    choose_rows(target, tolerance, looks);
    const auto keep_curves = [&](const DepthRow& row) {
      for (const auto& id : row.trial_ids) {
        const auto& epochs = by_id[id]->result->epochs;
        if (!epochs.empty()) summary.curves[id] = epochs;
      }
    };
    for (const auto& index : {target.head_only, target.best_deeper, target.verdict.recommended,
                              target.verdict.unsure}) {
      if (index) keep_curves(target.depths[*index]);
    }
    for (const DepthRow& row : target.strategies) keep_curves(row);
    summary.targets.push_back(std::move(target));
  }
  return summary;
}

std::string frozen_blocks_sentence(const SweepSummary& summary) {
  const auto count = [&](FrozenInput source) {
    const auto it = summary.frozen_inputs.find(source);
    return it == summary.frozen_inputs.end() ? 0 : it->second;
  };
  const auto trials = [](int n) { return std::to_string(n) + (n == 1 ? " trial" : " trials"); };
  const int reused = count(FrozenInput::kMemory) + count(FrozenInput::kDisk),
            computed = count(FrozenInput::kComputed);
  std::vector<std::string> parts;
  if (reused + computed > 0) {
    parts.push_back("the frozen-feature cache ran the frozen blocks once per target and depth: " +
                    trials(reused) + " reused their output, " + trials(computed) + " computed it");
  }
  if (const int augmented = count(FrozenInput::kAugmentation)) {
    parts.push_back("random augmentation (" + std::string(augment_name(summary.augment)) +
                    ") changes the pixels every step, so " + trials(augmented) +
                    " ran their frozen blocks in every step instead (head-only probes train on "
                    "features of the images as they are)");
  }
  if (summary.trained_on_views > 0) {
    parts.push_back(
        "random augmentation (" + std::string(augment_name(summary.augment)) + ") made " +
        std::to_string(summary.augment_views) +
        " fixed views of each training image, run through the frozen blocks once: " +
        trials(summary.trained_on_views) +
        " that trained blocks walked through them, one view per image per epoch "
        "(full fine-tunes augment every step; head-only probes train on features of the images as "
        "they are)");
  }
  if (const int off = count(FrozenInput::kOff))
    parts.push_back(trials(off) + " ran with the cache turned off");
  if (const int large = count(FrozenInput::kTooLarge)) {
    parts.push_back(trials(large) + " had frozen outputs too large for the cache's budgets");
  }
  std::string text;
  for (size_t i = 0; i < parts.size(); ++i) text += (i == 0 ? "" : "; ") + parts[i];
  if (!text.empty()) text[0] = static_cast<char>(std::toupper(text[0]));
  return text.empty() ? text : text + ".";
}

std::string verdict_sentence(const TargetSummary& target, double tolerance) {
  const std::string who =
      target.target + (target.similarity.empty() ? "" : " (" + target.similarity + ")") + ": ";
  if (target.verdict.kind == VerdictKind::kNoData) return who + "no finished trials yet.";
  if (!target.best_deeper) {
    return who + "head-only reaches " + percent(target.depths[*target.head_only].test_mean) +
           "; no deeper setting has finished yet.";
  }
  switch (target.verdict.kind) {
    case VerdictKind::kHeadOnly:
      return who + head_only_enough(target, tolerance);
    case VerdictKind::kOpenBlocks:
      return who + (target.head_only ? "" : "no head-only trial has finished; ") +
             open_blocks(target, tolerance);
    case VerdictKind::kUndecided:
      return who + undecided(target, tolerance);
    case VerdictKind::kNoData:
      break;
  }
  return who;
}

CellTable strategy_table(const TargetSummary& target) {
  CellTable table;
  if (target.strategies.empty()) return table;
  const DepthRow* head = target.head_only ? &target.depths[*target.head_only] : nullptr;
  const DepthRow* best = target.verdict.best ? &target.depths[*target.verdict.best] : nullptr;
  table.header = {"strategy",
                  "lr",
                  "test acc (95% CI)",
                  "val acc",
                  "test vs head-only, points",
                  best ? "test vs best depth (" + depth_label(best->unfrozen, best->blocks) + ")"
                       : "test vs best depth",
                  "trainable",
                  "seeds",
                  "compute",
                  "device time"};
  for (const DepthRow& row : target.strategies) {
    table.rows.push_back(
        {row.strategy, format_lr(row.lr),
         format_accuracy(row) +
             (row.diverged ? " (" + std::to_string(row.diverged) + " diverged)" : ""),
         percent(row.val_mean), head ? format_difference(paired_difference(row, *head)) : "",
         best ? format_difference(paired_difference(row, *best)) : "",
         format_count(row.trainable_params), std::to_string(row.seeds),
         format_flops(row.train_flops), format_seconds(row.device_seconds)});
  }
  return table;
}

std::string prediction_line(const TargetSummary& target, double tolerance) {
  const std::vector<BoundaryProbe> curve =
      target.measure ? target.measure->curve : std::vector<BoundaryProbe>{};
  const Prediction prediction = predict_verdict(curve, tolerance);
  if (prediction.kind == VerdictKind::kNoData) return prediction_sentence(prediction, curve) + ".";
  return prediction_sentence(prediction, curve) + "; " +
         prediction_check_phrase(prediction, target.verdict, target.depths, tolerance,
                                 target.device_seconds) +
         " (" + format_seconds(target.device_seconds) + " of device time).";
}

std::string verdict_rule_note(double tolerance, const SeedLooks& looks) {
  const std::string tol = points_phrase(tolerance);
  const std::string error =
      looks.adaptive()
          ? " Adaptive seeds look at each verdict after every added seed, from " +
                std::to_string(looks.first) + " to " + seeds_phrase(looks.last) +
                ", and stop at the first decision; the bounds are group-sequential "
                "(O'Brien-Fleming shape), so each claim (within, or more than " +
                tol + " behind) is wrong at most 5% of the time when the true gap is " + tol +
                ", across all the looks together."
          : " The seeds are a fixed list, looked at once: each claim (within, or more than " + tol +
                " behind) is wrong at most 5% of the time when the true gap is " + tol + ".";
  return "The verdict is decided on validation accuracy, paired by seed, each depth at its best "
         "learning rate: the shallowest depth whose gap to the best depth is credibly below " +
         tol +
         " (for the best depth, its gap to the runner-up; one-sided 95% bounds), provided every "
         "shallower depth is credibly more than " +
         tol +
         " behind; when a shallower depth is neither, the target is undecided between the two." +
         error +
         " Test accuracy is only quoted; compute ratios come from estimated training FLOPs.";
}

}  // namespace sweep
