#include "analysis/format.h"

#include <cmath>
#include <cstdio>

#include "analysis/summary.h"
#include "analysis/verdict.h"

namespace sweep {

std::string printf_string(const char* pattern, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, pattern, value);
  return buffer;
}

std::string percent(double fraction) { return printf_string("%.1f%%", 100.0 * fraction); }

std::string format_points(double fraction) { return printf_string("%+.1f", 100.0 * fraction); }

std::string format_seconds(double seconds) {
  if (seconds < 60) return printf_string("%.1f s", seconds);
  const auto whole = static_cast<long>(seconds + 0.5);
  char buffer[32];
  if (whole < 3600) {
    std::snprintf(buffer, sizeof buffer, "%ldm%02lds", whole / 60, whole % 60);
  } else {
    std::snprintf(buffer, sizeof buffer, "%ldh%02ldm", whole / 3600, whole % 3600 / 60);
  }
  return buffer;
}

std::string format_count(int64_t count) {
  if (count < 1000) return std::to_string(count);
  if (count < 1000000) return printf_string("%.1fk", static_cast<double>(count) / 1e3);
  return printf_string("%.1fM", static_cast<double>(count) / 1e6);
}

std::string format_lr(double lr) { return printf_string("%g", lr); }

std::string format_money(double amount) { return printf_string("%.4f", amount); }

std::string format_accuracy(const DepthRow& row) {
  std::string text = percent(row.test_mean);
  if (row.seeds > 1) text += printf_string(" ± %.1f", 100.0 * row.test_ci95);
  return text;
}

namespace {

// "830 M" + unit, "1.2 T" + unit: decimal prefixes, one decimal below 10.
std::string with_prefix(double value, const char* unit) {
  const char* prefixes[] = {"", "k", "M", "G", "T", "P"};
  size_t prefix = 0;
  while (value >= 1000.0 && prefix + 1 < std::size(prefixes)) {
    value /= 1000.0;
    ++prefix;
  }
  return printf_string(value < 10.0 ? "%.1f " : "%.0f ", value) + prefixes[prefix] + unit;
}

}  // namespace

std::string format_flops(double flops) { return with_prefix(flops, "FLOP"); }

std::string format_bytes(double bytes) { return with_prefix(bytes, "B"); }

std::string format_gap(const GapToBest& gap, bool is_best) {
  // The best depth's gap is the runner-up's lead over it: shown when it is not credibly within.
  if (is_best && (gap.judgement == Judgement::kWithin || gap.pairs == 0)) return "best";
  if (gap.pairs == 0) return "no paired seeds";
  std::string text = (is_best ? "best; runner-up " : "") + format_points(gap.mean);
  if (gap.pairs >= 2) {
    text +=
        printf_string(" (%.1f", 100.0 * gap.lower) + printf_string(" to %.1f)", 100.0 * gap.upper);
  }
  switch (gap.judgement) {
    case Judgement::kWithin:
      return text + ": within";
    case Judgement::kWorse:
      return text + ": worse";
    case Judgement::kUnclear:
      break;
  }
  return text + ": unclear";
}

std::string format_frechet(double distance) {
  return std::isfinite(distance) ? printf_string("%.2f", distance) : "not measured";
}

std::string skipped_images_phrase(size_t skipped) {
  return std::to_string(skipped) +
         (skipped == 1 ? " image did not decode and was" : " images did not decode and were") +
         " left out";
}

std::string format_difference(const PairedDifference& d) {
  if (d.pairs == 0) return "";
  std::string text = format_points(d.mean);
  if (d.pairs >= 2) {
    text += " (" + format_points(d.mean - d.ci95) + " to " + format_points(d.mean + d.ci95) + ")";
  }
  return text;
}

std::string describe_backbone(const BackboneNote& backbone) {
  if (!backbone.pretrained) return backbone.name + ": not pretrained yet";
  const PretrainedRecord& p = *backbone.pretrained;
  if (!std::isfinite(p.source_accuracy)) return backbone.name + ": " + p.arch + " from " + p.source;
  return backbone.name + ": " + p.arch + " pretrained on " + p.source + " in " +
         format_seconds(p.train_seconds) + ", source accuracy " + percent(p.source_accuracy);
}

}  // namespace sweep
