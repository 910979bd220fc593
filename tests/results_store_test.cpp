// Opening the results database: its schema, views, upgrades and refusals.
#include "storage/results_store.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <thread>

#include "core/identity.h"
#include "results_store_fixture.h"

namespace sweep {
namespace {

TEST_F(ResultsStoreTest, ResultsViewHasTheDocumentedColumns) {
  ResultsStore store(path_, Access::kReadWrite);
  SweepSpec priced = spec_;
  priced.price_per_device_hour = 3.6;
  store.register_sweep(priced, trials_, "s.json");
  auto trial = store.claim_next("unit", w1, "cpu", 100.0);
  store.record_done(trial->id, w1, sample_result(0.8));
  Statement stmt = store.database().prepare(
      "SELECT sweep, trial_id, backbone, target, similarity, unfrozen, blocks, lr, seed, state, "
      "val_accuracy, test_accuracy, train_seconds, device, trainable_params, cost "
      "FROM results WHERE state = 'done'");
  ASSERT_TRUE(stmt.step());
  EXPECT_EQ(stmt.text(0), "unit");
  EXPECT_EQ(stmt.text(3), "near");
  EXPECT_EQ(stmt.text(4), "near");
  EXPECT_EQ(stmt.int64(6), 5);
  EXPECT_NEAR(stmt.real(15), 2.5 / 3600 * 3.6, 1e-12);
  Statement curves = store.database().prepare("SELECT count(*) FROM curves");
  curves.step();
  EXPECT_EQ(curves.int64(0), 2);
}

TEST_F(ResultsStoreTest, ResultsViewNamesEachTrialsStrategy) {
  SweepSpec spec = spec_;
  Strategy range, lp_ft, decay;
  range.kind = StrategyKind::kRange;
  range.first = 1;
  range.last = 2;
  lp_ft.kind = StrategyKind::kLpFt;
  decay.kind = StrategyKind::kLayerDecay;
  decay.decay = 0.75;
  spec.grid.strategies = {range, lp_ft, decay};
  ResultsStore store(path_, Access::kReadWrite);
  store.register_sweep(spec, expand_grid(spec), "s.json");
  Statement stmt = store.database().prepare(
      "SELECT strategy, min(unfrozen), count(*) FROM results GROUP BY strategy ORDER BY strategy");
  std::vector<std::string> rows;
  while (stmt.step()) {
    rows.push_back(stmt.text(0) + " " + std::to_string(stmt.int64(1)) + " " +
                   std::to_string(stmt.int64(2)));
  }
  const int per_setting =
      static_cast<int>(spec.targets.size() * spec.grid.lr.size() * spec.grid.seeds.size());
  const std::string n = std::to_string(per_setting);
  EXPECT_EQ(rows,
            (std::vector<std::string>{
                "layer-decay 0.75 5 " + n, "lp-ft 5 " + n, "range 1-2 2 " + n,
                "trailing 0 " +
                    std::to_string(per_setting * static_cast<int>(spec.grid.unfrozen.size()))}));
}

// Regression: a runner that opened the file while another was creating the schema
// saw tables but no application id yet, and refused the database as foreign; and
// switching to WAL while another opened it answered "database is locked" at once.
TEST_F(ResultsStoreTest, RunnersCreatingTheDatabaseTogetherBothSucceed) {
  for (int round = 0; round < 60; ++round) {
    const std::string path = dir_.file("race" + std::to_string(round) + ".db");
    std::vector<std::string> errors(4);
    std::vector<std::thread> openers;
    for (size_t i = 0; i < errors.size(); ++i) {
      openers.emplace_back([&, i] {
        try {
          ResultsStore store(path, Access::kReadWrite);
        } catch (const std::exception& e) {
          errors[i] = e.what();
        }
      });
    }
    for (auto& t : openers) t.join();
    for (const auto& e : errors) ASSERT_EQ(e, "") << "round " << round;
  }
}

TEST_F(ResultsStoreTest, UpgradesAVersion1DatabaseInPlaceKeepingEveryResult) {
  const std::string path = upgraded_copy("results-v1.db", 1);
  ResultsStore store(path, Access::kReadWrite);
  const auto trials = store.trials("cats_vs_buildings");
  ASSERT_EQ(trials.size(), 48u);
  int done = 0;
  for (const TrialRecord& t : trials) {
    EXPECT_EQ(t.reason, "grid");
    if (t.state != TrialState::kDone) continue;
    ++done;
    EXPECT_GT(t.result->val_accuracy, 0.5);
    EXPECT_EQ(t.result->epochs.size(), t.spec.unfrozen == 0 ? 100u : 10u) << t.spec.id;
  }
  EXPECT_EQ(done, 13);
  Statement columns = store.database().prepare(
      "SELECT count(*) FROM results WHERE reason = 'grid' AND stopped_epoch IS NULL");
  columns.step();
  EXPECT_EQ(columns.int64(0), 48);
  // The stopped state exists now, and the probe curve's table and view.
  store.database().exec("UPDATE trials SET state = 'stopped' WHERE state = 'pending'");
  store.database().exec("SELECT * FROM probe_curves");
  ResultsStore again(path, Access::kReadOnly);
  EXPECT_EQ(again.trials("cats_vs_buildings").size(), 48u);
}

// A version 2 database (16 trials done and a probe curve without the probes'
// fit, written by the release before): the fit's column is added, empty.
TEST_F(ResultsStoreTest, UpgradesAVersion2DatabaseInPlaceKeepingItsCurve) {
  const std::string path = upgraded_copy("results-v2.db", 2);
  ResultsStore store(path, Access::kReadWrite);
  const auto trials = store.trials("same_classes");
  ASSERT_EQ(trials.size(), 16u);
  for (const TrialRecord& t : trials) EXPECT_EQ(t.state, TrialState::kDone);
  Statement curve = store.database().prepare(
      "SELECT count(*), count(train_accuracy), min(val_accuracy) FROM probe_curves");
  ASSERT_TRUE(curve.step());
  EXPECT_EQ(curve.int64(0), 5);
  EXPECT_EQ(curve.int64(1), 0) << "measured before the fit was";
  EXPECT_GT(curve.real(2), 0.5);
  Statement keys = store.database().prepare("SELECT pretrain_key, target_key FROM probe_curve");
  ASSERT_TRUE(keys.step());
  const auto measure = store.measure(keys.text(0), keys.text(1));
  ASSERT_TRUE(measure);
  ASSERT_EQ(measure->curve.size(), 5u);
  EXPECT_TRUE(std::isnan(measure->curve.back().train_accuracy));
  ResultsStore again(path, Access::kReadOnly);
  EXPECT_EQ(again.trials("same_classes").size(), 16u);
}

TEST_F(ResultsStoreTest, ReadOnlyOpenSeesWhatWasWritten) {
  {
    ResultsStore store(path_, Access::kReadWrite);
    store.register_sweep(spec_, trials_, "s.json");
  }
  ResultsStore reader(path_, Access::kReadOnly);
  EXPECT_EQ(reader.trials("unit").size(), 24u);
  EXPECT_THROW(reader.claim_next("unit", w1, "cpu", 100.0), SqliteError);
}

// Truncated copies and a page overwritten in the middle: bad input that says
// the file is damaged and how to go on, and the file is left as it was.
TEST_F(ResultsStoreTest, RefusesADamagedDatabaseWithAdviceAndLeavesItAlone) {
  const std::string whole = read_bytes(SWEEP_TEST_DATA_DIR "/results-v2.db");
  ASSERT_GT(whole.size(), 100000u);
  std::string scribbled = whole;
  for (size_t i = 90000; i < 98000; ++i) scribbled[i] = static_cast<char>(i * 7919 % 251);
  const std::vector<std::pair<std::string, std::string>> copies = {
      {"half.db", whole.substr(0, whole.size() / 2)},
      {"header.db", whole.substr(0, 120)},
      {"scribbled.db", scribbled}};
  for (const auto& [name, bytes] : copies) {
    const std::string path = dir_.file(name);
    std::ofstream(path, std::ios::binary) << bytes;
    for (Access access : {Access::kReadOnly, Access::kReadWrite}) {
      const std::string error = open_error(path, access);
      EXPECT_EQ(error.rfind(path + ": the results database is damaged (", 0), 0u) << error;
      EXPECT_NE(error.find("`sqlite3 " + path +
                           " .recover | sqlite3 recovered.db`, or start a "
                           "new database with --db"),
                std::string::npos)
          << error;
      EXPECT_EQ(read_bytes(path), bytes) << name;
    }
  }
}

TEST_F(ResultsStoreTest, RefusesFilesThatAreNotResultsDatabasesAndLeavesThemAlone) {
  std::ofstream(dir_.file("notes.txt"))
      << "shopping list, not SQLite, but long enough for a header" << std::string(200, '.');
  const std::string before = read_bytes(dir_.file("notes.txt"));
  EXPECT_EQ(open_error(dir_.file("notes.txt"), Access::kReadWrite),
            dir_.file("notes.txt") +
                ": not a SQLite database; pass --db with a sweep results database or a new file "
                "name");
  EXPECT_EQ(read_bytes(dir_.file("notes.txt")), before);

  std::ofstream(dir_.file("empty.db")).close();  // left by a run that could not start one
  EXPECT_EQ(open_error(dir_.file("empty.db"), Access::kReadOnly),
            dir_.file("empty.db") +
                ": holds no results yet (an empty database); `sweep run FILE --db " +
                dir_.file("empty.db") + "` makes it a results database");

  {
    Database other(dir_.file("other.db"), Database::Mode::kReadWriteCreate);
    other.exec("CREATE TABLE t (x)");
  }
  EXPECT_EQ(open_error(dir_.file("other.db"), Access::kReadWrite),
            dir_.file("other.db") +
                ": a SQLite database, but not a sweep results database; pass --db with a sweep "
                "results database or a new file name");

  { ResultsStore store(path_, Access::kReadWrite); }
  {
    Database db(path_, Database::Mode::kReadWrite);
    db.exec("PRAGMA user_version = 7");
  }
  const std::string newer = read_bytes(path_);
  EXPECT_EQ(open_error(path_, Access::kReadWrite),
            path_ +
                ": results database schema version 7 is newer than this sweep reads (4); use "
                "a newer sweep");
  EXPECT_EQ(read_bytes(path_), newer);

  EXPECT_EQ(open_error(dir_.file("missing/dir/x.db"), Access::kReadWrite),
            dir_.file("missing/dir/x.db") +
                ": cannot open or create the results database (unable to open database file); "
                "check that the folder exists and is writable");
  EXPECT_EQ(
      open_error(dir_.file("absent.db"), Access::kReadOnly),
      dir_.file("absent.db") + ": no results database; run `sweep run FILE` first, or pass --db");
  EXPECT_FALSE(std::filesystem::exists(dir_.file("absent.db")));
  EXPECT_EQ(open_error(dir_.path().string(), Access::kReadWrite),
            dir_.path().string() + ": is a folder; pass --db with a database file name");
}

}  // namespace
}  // namespace sweep
