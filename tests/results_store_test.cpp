#include "storage/results_store.h"

#include <gtest/gtest.h>

#include <cmath>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/grid.h"
#include "core/identity.h"
#include "core/sweep_file.h"
#include "spec_fixture.h"
#include "temp_dir.h"

namespace sweep {
namespace {

using testing::sample_result;
using testing::ScopedTempDir;

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string open_error(const std::string& path, Access access) {
  try {
    ResultsStore store(path, access);
  } catch (const InputError& e) {
    return e.lines().at(0);
  }
  return "";
}

const Claimant w1{"host", 1}, w2{"host", 2}, w9{"host", 9};

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

TEST_F(ResultsStoreTest, RegistersTheGridOnce) {
  ResultsStore store(path_, Access::kReadWrite);
  Registration first = store.register_sweep(spec_, trials_, "s.json");
  EXPECT_EQ(first.total, 24);
  EXPECT_EQ(first.added, 24);
  EXPECT_EQ(first.done, 0);
  Registration again = store.register_sweep(spec_, trials_, "s.json");
  EXPECT_EQ(again.added, 0);
  EXPECT_EQ(store.trials("unit").size(), 24u);
  EXPECT_EQ(store.sweep_names(), std::vector<std::string>{"unit"});
  EXPECT_EQ(store.sweep("unit")->spec.targets.size(), 2u);
  EXPECT_FALSE(store.sweep("other").has_value());
}

TEST_F(ResultsStoreTest, ClaimsInGridOrderAndKeepsResults) {
  ResultsStore store(path_, Access::kReadWrite);
  store.register_sweep(spec_, trials_, "s.json");
  auto first = store.claim_next("unit", w1, "cpu", 100.0);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->id, trials_[0].id);
  EXPECT_EQ(first->position, 0);
  auto second = store.claim_next("unit", w2, "cpu", 100.0);
  EXPECT_EQ(second->id, trials_[1].id);

  EXPECT_FALSE(store.record_done(first->id, w2, sample_result(0.9))) << "not w2's claim";
  EXPECT_TRUE(store.record_done(first->id, w1, sample_result(0.9)));
  EXPECT_TRUE(store.record_failed(second->id, w2, "exploded"));

  const auto records = store.trials("unit");
  EXPECT_EQ(records[0].state, TrialState::kDone);
  EXPECT_EQ(records[0].attempts, 1);
  ASSERT_TRUE(records[0].result);
  EXPECT_DOUBLE_EQ(records[0].result->val_accuracy, 0.9);
  ASSERT_EQ(records[0].result->epochs.size(), 2u);
  EXPECT_DOUBLE_EQ(records[0].result->epochs[1].val_accuracy, 0.6);
  EXPECT_EQ(records[0].result->environment.torch_version, "1.13.0");
  EXPECT_EQ(records[0].result->frozen_input, FrozenInput::kDisk);
  EXPECT_EQ(records[1].state, TrialState::kFailed);
  EXPECT_EQ(records[1].error, "exploded");
  EXPECT_EQ(records[2].state, TrialState::kPending);

  // Registering again keeps what is done and failed.
  EXPECT_EQ(store.register_sweep(spec_, trials_, "s.json").done, 1);
  EXPECT_EQ(store.trials("unit")[1].state, TrialState::kFailed);
}

TEST_F(ResultsStoreTest, ReleaseReturnsATrialToPending) {
  ResultsStore store(path_, Access::kReadWrite);
  store.register_sweep(spec_, trials_, "s.json");
  auto trial = store.claim_next("unit", w1, "cpu", 100.0);
  EXPECT_FALSE(store.release(trial->id, w9));
  EXPECT_TRUE(store.release(trial->id, w1));
  const auto record = store.trials("unit")[0];
  EXPECT_EQ(record.state, TrialState::kPending);
  EXPECT_EQ(record.attempts, 0);
  EXPECT_EQ(store.claim_next("unit", w2, "cpu", 100.0)->id, trial->id);
}

TEST_F(ResultsStoreTest, ClaimReturnsNothingWhenAllAreTaken) {
  ResultsStore store(path_, Access::kReadWrite);
  store.register_sweep(spec_, trials_, "s.json");
  for (size_t i = 0; i < trials_.size(); ++i)
    ASSERT_TRUE(store.claim_next("unit", w1, "cpu", 100.0));
  EXPECT_FALSE(store.claim_next("unit", w1, "cpu", 100.0));
}

TEST_F(ResultsStoreTest, ChangedGridMovesTheSweepButKeepsOldTrials) {
  ResultsStore store(path_, Access::kReadWrite);
  store.register_sweep(spec_, trials_, "s.json");
  SweepSpec longer = spec_;
  longer.training.epochs = 5;
  const auto longer_trials = expand_grid(longer);
  const Registration r = store.register_sweep(longer, longer_trials, "s.json");
  EXPECT_EQ(r.added, 24);
  EXPECT_EQ(r.left_behind, 24) << "the 2-epoch trials are no longer the sweep's";
  EXPECT_EQ(store.trials("unit")[0].spec.recipe.epochs, 5);
  EXPECT_EQ(store.register_sweep(longer, longer_trials, "s.json").left_behind, 0);
  Statement count = store.database().prepare("SELECT count(*) FROM trials");
  count.step();
  EXPECT_EQ(count.int64(0), 48);
}

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

TEST_F(ResultsStoreTest, RunningTimeLeavesOutTheGapsBetweenRuns) {
  ResultsStore store(path_, Access::kReadWrite);
  store.register_sweep(spec_, trials_, "s.json");
  EXPECT_EQ(store.timing("unit").running_seconds, 0.0) << "nothing has run";
  // Two overlapping trials in a first run, one more in a second run a day later,
  // one started and released without a finish.
  const auto set_times = [&](size_t i, const char* started, const char* finished) {
    Statement stmt = store.database().prepare(
        "UPDATE trials SET state = 'done', started_at = ?2, finished_at = ?3 WHERE trial_id = ?1");
    stmt.bind(1, trials_[i].id).bind(2, std::string(started));
    if (finished) {
      stmt.bind(3, std::string(finished));
    } else {
      stmt.bind_null(3);
    }
    stmt.step();
  };
  set_times(0, "2026-12-01T10:00:00Z", "2026-12-01T10:00:10Z");
  set_times(1, "2026-12-01T10:00:05Z", "2026-12-01T10:00:20Z");
  set_times(2, "2026-12-02T10:00:00Z", "2026-12-02T10:00:30Z");
  set_times(3, "2026-12-02T10:00:40Z", nullptr);
  EXPECT_NEAR(store.timing("unit").running_seconds, 20.0 + 30.0, 1e-3);
}

TEST_F(ResultsStoreTest, ClaimsRecordDeviceAndLeaseAndSkipBackbones) {
  ResultsStore store(path_, Access::kReadWrite);
  store.register_sweep(spec_, trials_, "s.json");
  EXPECT_FALSE(store.claim_next("unit", w1, "cpu", 1.0, {"nothing"}) == std::nullopt);
  const std::string key = trials_[0].id;
  const auto skipped =
      store.claim_next("unit", w1, "cuda:1", 1.0, {pretrain_key(spec_.backbones[0])});
  EXPECT_FALSE(skipped) << "every trial belongs to the skipped backbone";
  const auto records = store.trials("unit");
  EXPECT_EQ(records[0].claimed_by, "host:1");
  Statement lease = store.database().prepare(
      "SELECT device, claim_host, claim_pid, heartbeat_at FROM trials WHERE trial_id = ?1");
  lease.bind(1, key).step();
  EXPECT_EQ(lease.text(0), "cpu");
  EXPECT_EQ(lease.text(1), "host");
  EXPECT_EQ(lease.int64(2), 1);
  EXPECT_DOUBLE_EQ(lease.real(3), 1.0);
  store.heartbeat(w1, 50.0);
  lease.reset();
  lease.bind(1, key).step();
  EXPECT_DOUBLE_EQ(lease.real(3), 50.0);
}

TEST_F(ResultsStoreTest, ReclaimsOnlyStaleClaims) {
  ResultsStore store(path_, Access::kReadWrite);
  store.register_sweep(spec_, trials_, "s.json");
  const auto mine = store.claim_next("unit", w1, "cpu", 100.0);
  const auto dead = store.claim_next("unit", w9, "cpu", 100.0);
  const auto remote = store.claim_next("unit", {"far", 3}, "cpu", 100.0);
  const auto alive = [](int64_t pid) { return pid == 1; };
  EXPECT_EQ(store.reclaim_stale(120.0, 60.0, "host", alive), std::vector<std::string>{dead->id});
  store.heartbeat(w1, 150.0);
  EXPECT_EQ(store.reclaim_stale(170.0, 60.0, "host", alive), std::vector<std::string>{remote->id})
      << "the remote lease expired; ours was renewed";
  const auto records = store.trials("unit");
  EXPECT_EQ(records[0].state, TrialState::kRunning);
  EXPECT_EQ(records[1].state, TrialState::kPending);
  EXPECT_EQ(records[1].error, "interrupted: its runner host:9 stopped; ran again");
  EXPECT_FALSE(store.record_done(dead->id, w9, sample_result(0.5)))
      << "the lost claim cannot finish";
}

TEST_F(ResultsStoreTest, ResetFailedOnlyTouchesThisSweepsFailures) {
  ResultsStore store(path_, Access::kReadWrite);
  store.register_sweep(spec_, trials_, "s.json");
  const auto t = store.claim_next("unit", w1, "cpu", 1.0);
  store.record_failed(t->id, w1, "x");
  EXPECT_EQ(store.reset_failed("other"), 0);
  EXPECT_EQ(store.reset_failed("unit"), 1);
  EXPECT_EQ(store.trials("unit")[0].state, TrialState::kPending);
  EXPECT_EQ(store.trials("unit")[0].attempts, 1);
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

TEST_F(ResultsStoreTest, AProbeCurveReadsBackAsRecordedItsFitIncluded) {
  ResultsStore store(path_, Access::kReadWrite);
  TransferMeasure m;
  m.pretrain_key = "p";
  m.target_key = "t";
  m.backbone = "b";
  m.target = "t";
  for (int b = 1; b <= 2; ++b) {
    BoundaryProbe probe;
    probe.boundary = b;
    probe.block = "block" + std::to_string(b);
    probe.feature_dim = int64_t{8} * b;
    probe.val_accuracy = 0.5 + 0.1 * b;
    probe.suffix_val_accuracy = 0.75;
    probe.train_accuracy = b == 1 ? std::nan("") : 0.9;
    m.curve.push_back(probe);
  }
  store.record_measure(m);
  const auto back = store.measure("p", "t");
  ASSERT_TRUE(back);
  ASSERT_EQ(back->curve.size(), 2u);
  EXPECT_TRUE(std::isnan(back->curve[0].train_accuracy));
  EXPECT_DOUBLE_EQ(back->curve[1].train_accuracy, 0.9);
  EXPECT_DOUBLE_EQ(back->curve[1].val_accuracy, 0.7);
  EXPECT_EQ(back->curve[1].feature_dim, 16);
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

TEST_F(ResultsStoreTest, AddedSeedsStayWithTheSweepWhileTheirCellDoes) {
  auto doc = testing::valid_sweep_json();
  doc["grid"]["seeds"] = {{"min", 2}, {"max", 4}};
  const SweepSpec adaptive = parse_sweep_text(doc.dump(), "s.json");
  const std::vector<TrialSpec> grid = expand_grid(adaptive);
  ResultsStore store(path_, Access::kReadWrite);
  store.register_sweep(adaptive, grid, "s.json");
  const TrialSpec added = with_seed(grid[0], 2, adaptive);
  SeedReason why;
  why.target = "near";
  why.seed = 2;
  why.shallower = "head-only";
  why.deeper = "2 blocks";
  why.pairs = 2;
  EXPECT_EQ(store.add_trials("unit", {{added, why}, {grid[1], why}}), 1)
      << "a trial the sweep holds already is left as it is";
  auto trials = store.trials("unit");
  ASSERT_EQ(trials.size(), grid.size() + 1);
  EXPECT_EQ(trials.back().spec.id, added.id);
  EXPECT_EQ(trials.back().reason,
            "added seed 2: near undecided between head-only and 2 blocks (gap 0.0 points, 95% "
            "bounds 0.0 to 0.0 over 2 seeds)");
  EXPECT_EQ(trials[1].reason, "grid");
  EXPECT_EQ(store.register_sweep(adaptive, grid, "s.json").total, static_cast<int>(grid.size()) + 1)
      << "registering the file again keeps the added seed";
  doc["grid"]["lr"] = {0.1};  // grid[0]'s cell (lr 0.01) leaves the grid
  const SweepSpec narrower = parse_sweep_text(doc.dump(), "s.json");
  const std::vector<TrialSpec> fewer = expand_grid(narrower);
  EXPECT_EQ(store.register_sweep(narrower, fewer, "s.json").total, static_cast<int>(fewer.size()));
}

TEST_F(ResultsStoreTest, RungValuesComeFromDecisionsOrFinishedCurves) {
  ResultsStore store(path_, Access::kReadWrite);
  store.register_sweep(spec_, trials_, "s.json");
  const auto a = store.claim_next("unit", w1, "cpu", 1e9);
  TrialResult r = sample_result(0.7);  // validation 0.45 after epoch 1, 0.6 after 2
  EXPECT_TRUE(store.record_done(a->id, w1, r));
  const auto b = store.claim_next("unit", w1, "cpu", 1e9);
  store.record_rung(b->id, 1, 0.5, /*keep=*/false);
  r.stopped_epoch = 1;
  r.epochs.resize(1);
  EXPECT_TRUE(store.record_done(b->id, w1, r));
  const auto values = store.rung_values({a->id, b->id, trials_[5].id}, 1);
  EXPECT_EQ(values, (std::map<std::string, double>{{a->id, 0.45}, {b->id, 0.5}}));
  const auto stored = store.trials("unit");
  EXPECT_EQ(stored[1].state, TrialState::kStopped);
  EXPECT_EQ(stored[1].result->stopped_epoch, 1);
  EXPECT_EQ(store.reset_stopped("unit"), 1);
  EXPECT_EQ(store.trials("unit")[1].state, TrialState::kPending);
}

TEST_F(ResultsStoreTest, PretrainedRecordsRoundTrip) {
  ResultsStore store(path_, Access::kReadWrite);
  store.record_pretrained({"abc", "resnet10", "fashion-mnist", 0.93, 12.0, "/tmp/w.pt"});
  const auto record = store.pretrained("abc");
  ASSERT_TRUE(record);
  EXPECT_DOUBLE_EQ(record->source_accuracy, 0.93);
  EXPECT_FALSE(store.pretrained("nope"));
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
