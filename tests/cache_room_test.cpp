#include "runner/cache_room.h"

#include <gtest/gtest.h>

namespace sweep {
namespace {

constexpr int64_t kMB = int64_t{1000} * 1000;

TEST(CacheRoom, SaysWhatItWrites) {
  EXPECT_EQ(describe_cache_plan({}), "nothing");
  EXPECT_EQ(describe_cache_plan({1200 * kMB, 4, 150 * kMB}),
            "about 1.2 GB of frozen features (4 entries) and 150 MB of decoded images");
  EXPECT_EQ(describe_cache_plan({2 * kMB, 1, 0}), "about 2.0 MB of frozen features (1 entry)");
  EXPECT_EQ(describe_cache_plan({0, 0, 150 * kMB}), "about 150 MB of decoded images");
}

TEST(CacheRoom, FitsWithAMarginOfATwentieth) {
  const CachePlan plan{1000 * kMB, 3, 0};
  EXPECT_FALSE(cache_room_problem(plan, "/c", 1050 * kMB, 0));
  EXPECT_TRUE(cache_room_problem(plan, "/c", 1049 * kMB, 0));
  EXPECT_FALSE(cache_room_problem(plan, "/c", 50 * kMB, 1000 * kMB))
      << "what the cache holds already makes room (and may be what this run reuses)";
}

TEST(CacheRoom, TheStopSaysWhatToDo) {
  EXPECT_EQ(cache_room_problem({6000 * kMB, 4, 150 * kMB}, "/data/cache", 900 * kMB, 100 * kMB),
            "the cache needs about 6.0 GB of frozen features (4 entries) and 150 MB of decoded "
            "images in /data/cache, but its disk has 900 MB free (and the cache holds 100 MB); "
            "free some space or give --cache a folder on a larger disk, or run with "
            "--feature-memory 0 (no frozen-feature cache: every trial runs its frozen blocks)");
  EXPECT_EQ(cache_room_problem({0, 0, 150 * kMB}, "/c", 10 * kMB, 0),
            "the cache needs about 150 MB of decoded images in /c, but its disk has 10 MB free; "
            "free some space or give --cache a folder on a larger disk")
      << "no frozen features to turn off";
}

}  // namespace
}  // namespace sweep
