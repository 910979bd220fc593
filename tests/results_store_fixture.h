// A fresh results database path and the spec fixture's sweep and grid, for the
// tests of the store's pieces.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/grid.h"
#include "core/sweep_file.h"
#include "spec_fixture.h"
#include "storage/results_store.h"
#include "temp_dir.h"

namespace sweep {

using testing::sample_result;
using testing::ScopedTempDir;

inline std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline std::string open_error(const std::string& path, Access access) {
  try {
    ResultsStore store(path, access);
  } catch (const InputError& e) {
    return e.lines().at(0);
  }
  return "";
}

inline const Claimant w1{"host", 1}, w2{"host", 2}, w9{"host", 9};

class ResultsStoreTest : public ::testing::Test {
 protected:
  ResultsStoreTest()
      : spec_(parse_sweep_text(testing::valid_sweep_json().dump(), "s.json")),
        trials_(expand_grid(spec_)),
        path_(dir_.file("results.db")) {}

  // A copy of a database of an older schema from tests/data: read-only
  // commands refuse it with advice and leave it alone; opening it to write
  // upgrades it in place. Its path.
  std::string upgraded_copy(const std::string& fixture, int version) {
    const std::string path = dir_.file(fixture);
    std::filesystem::copy_file(std::string(SWEEP_TEST_DATA_DIR) + "/" + fixture, path);
    EXPECT_EQ(open_error(path, Access::kReadOnly),
              path + ": results database schema version " + std::to_string(version) +
                  " is older than this sweep reads (4); `sweep run FILE --db " + path +
                  "` upgrades it in place (and runs nothing that is done)");
    ResultsStore store(path, Access::kReadWrite);
    Statement user_version = store.database().prepare("PRAGMA user_version");
    user_version.step();
    EXPECT_EQ(user_version.int64(0), 4);
    return path;
  }

  ScopedTempDir dir_;
  SweepSpec spec_;
  std::vector<TrialSpec> trials_;
  std::string path_;
};

}  // namespace sweep
