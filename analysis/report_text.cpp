#include "analysis/report_text.h"

#include <cstdio>

#include "analysis/format.h"
#include "analysis/pairing.h"
#include "analysis/similarity.h"
#include "analysis/text_table.h"

namespace sweep {
namespace {

std::string counts_line(const SweepSummary& s) {
  std::string line =
      s.name + ": " + std::to_string(s.done) + " of " + std::to_string(s.total) + " trials done";
  if (s.failed) line += ", " + std::to_string(s.failed) + " failed";
  if (s.diverged) line += ", " + std::to_string(s.diverged) + " diverged";
  if (s.stopped) line += ", " + std::to_string(s.stopped) + " stopped early by successive halving";
  if (s.running) line += ", " + std::to_string(s.running) + " running";
  if (s.pending) line += ", " + std::to_string(s.pending) + " pending";
  line += "; " + format_seconds(s.device_seconds) + " of device time";
  if (s.price_per_device_hour) {
    line += " (" + format_money(s.device_seconds / 3600.0 * *s.price_per_device_hour) + ")";
  }
  return line + (s.partial() ? "  [partial]" : "");
}

// " *" beside the recommended depth, " ?" beside the two an undecided verdict
// lies between.
std::string verdict_mark(const Verdict& verdict, size_t depth) {
  if (verdict.kind == VerdictKind::kUndecided)
    return depth == verdict.unsure || depth == verdict.recommended ? " ?" : "";
  return depth == verdict.recommended ? " *" : "";
}

// With three or more measured targets: how the answer follows the distance.
std::string similarity_text(const SweepSummary& summary) {
  std::string out;
  for (const SimilarityTrend& trend : similarity_trends(summary)) {
    if (trend.points.size() < 3) continue;
    std::vector<std::vector<std::string>> rows;
    for (const SimilarityPoint& p : trend.points) {
      rows.push_back({p.target, format_frechet(p.frechet), printf_string("%.3f", p.logme),
                      gap_text(p), required_depth_text(p)});
    }
    out += "\n  the answer against the measured distance, backbone " + trend.backbone +
           ", nearest first\n" +
           format_table({"target", "Frechet distance", "LogME", "head-only gap, points (95% CI)",
                         "blocks opened"},
                        rows, 4) +
           "  " + trend_sentence(trend) + "\n";
  }
  return out;
}

}  // namespace

std::string render_text_report(const SweepSummary& summary) {
  std::string out = counts_line(summary) + "\n";
  for (const BackboneNote& backbone : summary.backbones) {
    out += "  backbone " + describe_backbone(backbone) + "\n";
  }
  if (const std::string frozen = frozen_blocks_sentence(summary); !frozen.empty()) {
    out += "  " + frozen + "\n";
  }
  for (const TargetSummary& target : summary.targets) {
    out += "\n  " + verdict_sentence(target, summary.tolerance) + "\n";
    out += "  " + prediction_line(target, summary.tolerance) + "\n";
    if (const std::string paired = seed_pairing_sentence(seed_pairing(target.depths));
        !paired.empty()) {
      out += "  " + paired + "\n";
    }
    if (target.measure) {
      out += "  measured before training: Frechet distance to the source " +
             format_frechet(target.measure->frechet) + ", LogME " +
             printf_string("%.3f", target.measure->logme) + "\n";
      const size_t skipped = target.measure->skipped_images.size();
      if (skipped > 0) {
        out += "  " + skipped_images_phrase(skipped) +
               " (listed in the HTML report and the skipped_images table)\n";
      }
    }
    if (target.depths.empty()) continue;
    out +=
        "  backbone " + target.backbone + ", best learning rate per depth chosen on validation\n";
    std::vector<std::string> header = {
        "unfrozen",  "lr",    "test acc (95% CI)", "val acc",    "val gap to best (95% bounds)",
        "trainable", "seeds", "compute",           "device time"};
    if (summary.price_per_device_hour) header.push_back("cost");
    std::vector<std::vector<std::string>> rows;
    for (size_t i = 0; i < target.depths.size(); ++i) {
      const DepthRow& row = target.depths[i];
      std::vector<std::string> cells = {
          depth_label(row.unfrozen, row.blocks) + verdict_mark(target.verdict, i),
          format_lr(row.lr),
          format_accuracy(row),
          percent(row.val_mean),
          format_gap(target.verdict.gaps[i], target.verdict.best == i),
          format_count(row.trainable_params),
          std::to_string(row.seeds),
          format_flops(row.train_flops),
          format_seconds(row.device_seconds)};
      if (row.cost) cells.push_back(format_money(*row.cost));
      if (row.diverged) cells[2] += " (" + std::to_string(row.diverged) + " diverged)";
      rows.push_back(cells);
    }
    out += format_table(header, rows, 4);
    const CellTable strategies = strategy_table(target);
    if (!strategies.rows.empty()) {
      out += "  other strategies, best learning rate each chosen on validation\n" +
             format_table(strategies.header, strategies.rows, 4);
    }
  }
  out += similarity_text(summary);
  if (!summary.targets.empty()) {
    out += "\n  * recommended; ? undecided between. " +
           verdict_rule_note(summary.tolerance, summary.looks) + "\n";
  }
  if (!summary.failures.empty()) {
    out += "\n  failed trials:\n";
    std::vector<std::vector<std::string>> rows;
    for (const UnfinishedTrial& f : summary.failures) {
      rows.push_back({f.trial_id, f.target, std::to_string(f.unfrozen), format_lr(f.lr),
                      std::to_string(f.seed), std::to_string(f.attempts), f.cause});
    }
    out +=
        format_table({"trial", "target", "unfrozen", "lr", "seed", "attempts", "error"}, rows, 4);
  }
  return out;
}

}  // namespace sweep
