// The manifest that tells an array task what to run.
#include "cluster/shard_manifest.h"

#include <gtest/gtest.h>

#include <fstream>

#include "core/errors.h"
#include "core/spec_json.h"
#include "core/sweep_file.h"
#include "spec_fixture.h"
#include "temp_dir.h"

namespace sweep {
namespace {

ShardManifest sample() {
  ShardManifest m;
  m.sweep = parse_sweep_text(testing::valid_sweep_json().dump(), "s.json");
  m.submission = "20250101-120000-unit";
  m.task = 3;
  m.backbone = "tiny";
  m.target = "far";
  m.trial_ids = {"b", "a"};
  m.attempts = {{"a", 2}, {"b", 0}};
  m.shard_path = "/shared/r.db.shards/20250101-120000-unit/task-3.db";
  m.cache_dir = "/home/u/.cache/sweep";
  return m;
}

std::string load_error(const std::string& path) {
  try {
    load_manifest(path);
  } catch (const InputError& e) {
    return e.lines().at(0);
  }
  return "(no error)";
}

TEST(ShardManifest, RoundTripsThroughItsFile) {
  testing::ScopedTempDir dir;
  const ShardManifest m = sample();
  save_manifest(m, dir.file("task-3.json"));
  const ShardManifest back = load_manifest(dir.file("task-3.json"));
  EXPECT_EQ(to_json(back), to_json(m));
  EXPECT_EQ(to_json(back.sweep), to_json(m.sweep));
  EXPECT_EQ(back.trial_ids, (std::vector<std::string>{"b", "a"})) << "grid order kept";
}

TEST(ShardManifest, RefusesWhatItCannotRead) {
  testing::ScopedTempDir dir;
  const std::string path = dir.file("m.json");
  EXPECT_EQ(load_error(dir.file("absent.json")),
            dir.file("absent.json") + ": cannot read the shard manifest");

  nlohmann::json newer = to_json(sample());
  newer["format"] = 2;
  std::ofstream(path) << newer.dump();
  EXPECT_EQ(load_error(path), path +
                                  ": shard manifest format 2, but this sweep reads format 1; "
                                  "submit the sweep again with this sweep");

  nlohmann::json partial = to_json(sample());
  partial.erase("trials");
  std::ofstream(path) << partial.dump();
  EXPECT_EQ(load_error(path).rfind(path + ": not a shard manifest written by `sweep submit` (", 0),
            0u)
      << load_error(path);

  nlohmann::json bad_sweep = to_json(sample());
  bad_sweep["sweep"]["grid"]["lr"] = "fast";
  std::ofstream(path) << bad_sweep.dump();
  EXPECT_EQ(load_error(path).rfind(path + ": /grid/lr: ", 0), 0u) << load_error(path);
}

}  // namespace
}  // namespace sweep
