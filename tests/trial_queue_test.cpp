// Claims and leases on trials (storage/trial_queue.h).
#include "storage/results_store.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <thread>

#include "core/identity.h"
#include "results_store_fixture.h"

namespace sweep {
namespace {

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

TEST(ClaimIsStale, ByProcessOnThisHostByLeaseElsewhere) {
  const auto alive = [](int64_t pid) { return pid == 7; };
  EXPECT_FALSE(claim_is_stale({"t", {"me", 7}, 100.0}, 110.0, 60.0, "me", alive));
  EXPECT_TRUE(claim_is_stale({"t", {"me", 8}, 100.0}, 110.0, 60.0, "me", alive));
  EXPECT_TRUE(claim_is_stale({"t", {"me", 7}, 100.0}, 200.0, 60.0, "me", alive)) << "pid reused";
  EXPECT_FALSE(claim_is_stale({"t", {"far", 8}, 100.0}, 150.0, 60.0, "me", alive));
  EXPECT_TRUE(claim_is_stale({"t", {"far", 8}, 100.0}, 161.0, 60.0, "me", alive));
}

}  // namespace
}  // namespace sweep
