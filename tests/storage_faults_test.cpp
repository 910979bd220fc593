// The results database when the disk fails it: full at a trial's commit, a
// lock held past the wait, a file that cannot be written. Faults come through
// SQLite's VFS (faulty_sqlite.h); in each, no recorded trial is lost, the file
// stays whole, and the error says what happened and what to do.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <string>

#include "core/grid.h"
#include "core/sweep_file.h"
#include "faulty_sqlite.h"
#include "spec_fixture.h"
#include "storage/results_store.h"
#include "temp_dir.h"

namespace sweep {
namespace {

using testing::sample_result;

const Claimant kRunner{"host", 1};

class StorageFaultTest : public ::testing::Test {
 protected:
  StorageFaultTest()
      : spec_(parse_sweep_text(testing::valid_sweep_json().dump(), "s.json")),
        trials_(expand_grid(spec_)),
        path_(dir_.file("results.db")) {}

  // SQLite's own check of the whole file.
  std::string integrity() {
    ResultsStore store(path_, Access::kReadOnly);
    Statement check = store.database().prepare("PRAGMA integrity_check");
    check.step();
    return check.text(0);
  }

  testing::FaultySqlite faults_;  // first: it outlives every database opened through it
  testing::ScopedTempDir dir_;
  SweepSpec spec_;
  std::vector<TrialSpec> trials_;
  std::string path_;
};

TEST_F(StorageFaultTest, ADiskFullAtATrialsCommitLosesNoRecordedTrialAndSaysSo) {
  ResultsStore store(path_, Access::kReadWrite);
  store.register_sweep(spec_, trials_, "s.json");
  const auto first = store.claim_next("unit", kRunner, "cpu", 100.0);
  ASSERT_TRUE(store.record_done(first->id, kRunner, sample_result(0.8)));
  const auto second = store.claim_next("unit", kRunner, "cpu", 101.0);

  faults_.fill_disk(true);
  try {
    store.record_done(second->id, kRunner, sample_result(0.7));
    FAIL() << "recorded a trial on a full disk";
  } catch (const SqliteError& e) {
    EXPECT_EQ(e.code(), SQLITE_FULL);
    EXPECT_EQ(std::string(e.what()),
              path_ +
                  ": database or disk is full (the disk is full: free space, then run again; "
                  "what was recorded is kept)");
  }
  faults_.fill_disk(false);

  EXPECT_EQ(integrity(), "ok");
  const auto seen = ResultsStore(path_, Access::kReadOnly).trials("unit");
  ASSERT_EQ(seen.at(0).spec.id, first->id);
  EXPECT_EQ(seen[0].state, TrialState::kDone);
  EXPECT_DOUBLE_EQ(seen[0].result->val_accuracy, 0.8);
  EXPECT_EQ(seen.at(1).state, TrialState::kRunning) << "still claimed, not half-recorded";
  EXPECT_FALSE(seen[1].result);

  // Its runner gone, the trial runs again and is recorded.
  const auto reclaimed = store.reclaim_stale(200.0, 0.0, "host", [](int64_t) { return false; });
  EXPECT_EQ(reclaimed, std::vector<std::string>{second->id});
  EXPECT_EQ(store.claim_next("unit", kRunner, "cpu", 201.0)->id, second->id);
  EXPECT_TRUE(store.record_done(second->id, kRunner, sample_result(0.7)));
}

// Creating the schema is one transaction: a full disk leaves an empty database
// (read-only commands say so), which the next run, with room, makes whole.
TEST_F(StorageFaultTest, ADiskFullWhileCreatingTheDatabaseLeavesItEmpty) {
  faults_.fill_disk(true);
  try {
    ResultsStore store(path_, Access::kReadWrite);
    FAIL() << "created a database on a full disk";
  } catch (const SqliteError& e) {
    EXPECT_EQ(e.code(), SQLITE_FULL);
  }
  faults_.fill_disk(false);
  EXPECT_THROW(ResultsStore(path_, Access::kReadOnly), InputError);
  ResultsStore store(path_, Access::kReadWrite);
  EXPECT_EQ(store.register_sweep(spec_, trials_, "s.json").added, 24);
}

TEST_F(StorageFaultTest, ALockHeldPastTheWaitFailsWithWordsAndChangesNothing) {
  ResultsStore store(path_, Access::kReadWrite);
  store.register_sweep(spec_, trials_, "s.json");
  Database other(path_, Database::Mode::kReadWrite);
  other.exec("BEGIN IMMEDIATE");  // another process holds the write lock
  store.database().set_busy_wait(std::chrono::milliseconds(100));
  try {
    store.claim_next("unit", kRunner, "cpu", 100.0);
    FAIL() << "claimed a trial through another writer's lock";
  } catch (const SqliteError& e) {
    EXPECT_EQ(e.code(), SQLITE_BUSY);
    EXPECT_EQ(std::string(e.what()),
              path_ +
                  ": database is locked (another process kept it locked for longer than "
                  "sweep waits; run again once it is done)");
  }
  other.exec("ROLLBACK");
  for (const auto& trial : store.trials("unit")) EXPECT_EQ(trial.state, TrialState::kPending);
  EXPECT_TRUE(store.claim_next("unit", kRunner, "cpu", 101.0));
}

TEST_F(StorageFaultTest, AReadOnlyDatabaseWithTrialsLeftIsRefusedAndKept) {
  {
    ResultsStore store(path_, Access::kReadWrite);
    store.register_sweep(spec_, trials_, "s.json");
    const auto first = store.claim_next("unit", kRunner, "cpu", 100.0);
    store.record_done(first->id, kRunner, sample_result(0.8));
  }
  faults_.make_read_only(true);
  try {
    ResultsStore store(path_, Access::kReadWrite);
    FAIL() << "opened a read-only database to write";
  } catch (const InputError& e) {
    EXPECT_EQ(e.lines().at(0),
              path_ + ": the results database is read-only; check its permissions");
  }
  // Reading still works: status and reports need no write.
  const auto seen = ResultsStore(path_, Access::kReadOnly).trials("unit");
  EXPECT_EQ(seen.at(0).state, TrialState::kDone);
  EXPECT_EQ(seen.at(1).state, TrialState::kPending);
  faults_.make_read_only(false);
  EXPECT_EQ(integrity(), "ok");
}

}  // namespace
}  // namespace sweep
