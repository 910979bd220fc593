#include "storage/read_only_query.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/grid.h"
#include "core/sweep_file.h"
#include "spec_fixture.h"
#include "storage/results_store.h"
#include "temp_dir.h"

namespace sweep {
namespace {

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

class ReadOnlyQueryTest : public ::testing::Test {
 protected:
  ReadOnlyQueryTest() : path_(dir_.file("r.db")) {
    ResultsStore store(path_, Access::kReadWrite);
    const SweepSpec spec = parse_sweep_text(testing::valid_sweep_json().dump(), "s.json");
    store.register_sweep(spec, expand_grid(spec), "s.json");
  }

  std::string refusal(const std::string& sql) {
    Database db = open_results_database(path_, Access::kReadOnly);
    try {
      run_read_only_query(db, sql);
    } catch (const InputError& e) {
      return e.lines().at(0);
    }
    return "";
  }

  testing::ScopedTempDir dir_;
  std::string path_;
};

TEST_F(ReadOnlyQueryTest, ReadsRowsWithTypes) {
  Database db = open_results_database(path_, Access::kReadOnly);
  const QueryTable table = run_read_only_query(
      db, "SELECT target, unfrozen, lr, test_accuracy FROM results ORDER BY position LIMIT 2");
  EXPECT_EQ(table.columns, (std::vector<std::string>{"target", "unfrozen", "lr", "test_accuracy"}));
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ(table.rows[0][0].kind, QueryValue::Kind::kText);
  EXPECT_EQ(table.rows[0][0].text, "near");
  EXPECT_EQ(table.rows[0][1].kind, QueryValue::Kind::kInteger);
  EXPECT_EQ(table.rows[0][2].kind, QueryValue::Kind::kReal);
  EXPECT_DOUBLE_EQ(table.rows[0][2].real, 0.01);
  EXPECT_EQ(table.rows[0][3].kind, QueryValue::Kind::kNull);
  EXPECT_EQ(run_read_only_query(db, "PRAGMA table_info(results)").rows.size(), 30u);
  EXPECT_EQ(run_read_only_query(db, "WITH x AS (SELECT 1 AS one) SELECT one FROM x;  ").rows.size(),
            1u);
}

TEST_F(ReadOnlyQueryTest, RefusesEveryWriteAndChangesNothing) {
  const std::string before = read_bytes(path_);
  const std::string into = dir_.file("copy.db");
  struct Case {
    std::string sql, message;
  } cases[] = {
      {"INSERT INTO sweeps (name, spec_json, source_file) VALUES ('x', '{}', 'f')",
       "sweep query: refused: INSERT would write to the database; sweep query only reads"},
      {"UPDATE trials SET state = 'done'",
       "sweep query: refused: UPDATE would write to the database; sweep query only reads"},
      {"DELETE FROM trials",
       "sweep query: refused: DELETE would write to the database; sweep query only reads"},
      {"REPLACE INTO epochs VALUES ('x', 1, 0.1, 0, 0, 0, 0, 0)",
       "sweep query: refused: REPLACE would write to the database; sweep query only reads"},
      {"DROP TABLE epochs",
       "sweep query: refused: DROP would write to the database; sweep query only reads"},
      {"CREATE TABLE t (x)",
       "sweep query: refused: CREATE would write to the database; sweep query only reads"},
      {"CREATE TEMP TABLE t (x)",
       "sweep query: refused: CREATE would write to the database; sweep query only reads"},
      {"ALTER TABLE trials ADD COLUMN y",
       "sweep query: refused: ALTER would write to the database; sweep query only reads"},
      {"VACUUM",
       "sweep query: refused: VACUUM would write to the database; sweep query only reads"},
      {"VACUUM INTO '" + into + "'",
       "sweep query: refused: VACUUM would write to the database; sweep query only reads"},
      {"ATTACH DATABASE '" + dir_.file("other.db") + "' AS other",
       "sweep query: refused: ATTACH and DETACH reach other files; sweep query only reads"},
      {"DETACH DATABASE main",
       "sweep query: refused: ATTACH and DETACH reach other files; sweep query only reads"},
      {"PRAGMA user_version = 9",
       "sweep query: refused: PRAGMA user_version with a value can change the database; sweep "
       "query only reads"},
      {"PRAGMA journal_mode = DELETE",
       "sweep query: refused: PRAGMA journal_mode with a value can change the database; sweep "
       "query only reads"},
      {"REINDEX",
       "sweep query: refused: REINDEX would write to the database; sweep query only reads"},
      {"ANALYZE",
       "sweep query: refused: ANALYZE would write to the database; sweep query only reads"},
      {"SELECT 1; DELETE FROM trials",
       "sweep query: refused: more than one statement; run them one at a time"},
      {"   ", "sweep query: refused: the query is empty"},
      {"SELEC 1", "sweep query: near \"SELEC\": syntax error"},
  };
  for (const auto& c : cases) EXPECT_EQ(refusal(c.sql), c.message) << c.sql;
  EXPECT_EQ(read_bytes(path_), before);
  EXPECT_FALSE(std::filesystem::exists(into));
  EXPECT_FALSE(std::filesystem::exists(dir_.file("other.db")));
}

}  // namespace
}  // namespace sweep
