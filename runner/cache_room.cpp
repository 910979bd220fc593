#include "runner/cache_room.h"

#include "analysis/format.h"

namespace sweep {

std::string describe_cache_plan(const CachePlan& plan) {
  std::string out;
  if (plan.feature_bytes > 0) {
    out = "about " + format_bytes(static_cast<double>(plan.feature_bytes)) +
          " of frozen features (" + std::to_string(plan.feature_entries) +
          (plan.feature_entries == 1 ? " entry)" : " entries)");
  }
  if (plan.image_bytes > 0) {
    out += (out.empty() ? "about " : " and ") +
           format_bytes(static_cast<double>(plan.image_bytes)) + " of decoded images";
  }
  return out.empty() ? "nothing" : out;
}

std::optional<std::string> cache_room_problem(const CachePlan& plan, const std::string& cache_dir,
                                              int64_t available, int64_t held) {
  const int64_t need = plan.feature_bytes + plan.image_bytes;
  const int64_t room = available + held;
  if (need + need / 20 <= room) return std::nullopt;
  return "the cache needs " + describe_cache_plan(plan) + " in " + cache_dir +
         ", but its disk has " + format_bytes(static_cast<double>(available)) + " free" +
         (held > 0 ? " (and the cache holds " + format_bytes(static_cast<double>(held)) + ")"
                   : "") +
         "; free some space or give --cache a folder on a larger disk" +
         (plan.feature_bytes > 0
              ? std::string(", or run with --feature-memory 0 (no frozen-feature "
                            "cache: every trial runs its frozen blocks)")
              : std::string());
}

}  // namespace sweep
