// The files of a Slurm submission's folder, named in one place.
#include "cluster/submission_layout.h"

#include <gtest/gtest.h>

namespace sweep {
namespace {

TEST(SubmissionLayout, NamesEveryFileOfTheFolder) {
  const SubmissionLayout layout("/shared/sweep.db.shards/20250101-120000-smoke");
  EXPECT_EQ(layout.name(), "20250101-120000-smoke");
  EXPECT_EQ(layout.script(), "/shared/sweep.db.shards/20250101-120000-smoke/submit.sh");
  EXPECT_EQ(layout.manifest(3), "/shared/sweep.db.shards/20250101-120000-smoke/task-3.json");
  EXPECT_EQ(layout.shard(3), "/shared/sweep.db.shards/20250101-120000-smoke/task-3.db");
  EXPECT_EQ(layout.logs(), "/shared/sweep.db.shards/20250101-120000-smoke/logs");
  EXPECT_EQ(layout.log(3), "/shared/sweep.db.shards/20250101-120000-smoke/logs/task-3.log");
  EXPECT_EQ(layout.log_pattern(), "/shared/sweep.db.shards/20250101-120000-smoke/logs/task-%a.log");
  EXPECT_EQ(layout.manifest_prefix() + "7" + SubmissionLayout::manifest_suffix(),
            layout.manifest(7));
  EXPECT_EQ(layout.shard_label(3), "20250101-120000-smoke/task-3.db");
}

TEST(SubmissionLayout, ReadsTheTaskOfAShardFileName) {
  const std::pair<const char*, std::optional<int>> cases[] = {
      {"task-0.db", 0},
      {"task-12.db", 12},
      {"task-.db", std::nullopt},
      {"task-1.json", std::nullopt},
      {"task-1.db-journal", std::nullopt},
      {"task-x.db", std::nullopt},
      {"task-1.2.db", std::nullopt},
      {"results.db", std::nullopt},
      {"task-1234567890.db", std::nullopt},
  };
  for (const auto& [name, task] : cases)
    EXPECT_EQ(SubmissionLayout::shard_task(name), task) << name;
}

}  // namespace
}  // namespace sweep
