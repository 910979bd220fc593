// Measures, pretrained backbones and rungs (storage/measures.h, storage/rungs.h).
#include "storage/results_store.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <thread>

#include "core/identity.h"
#include "results_store_fixture.h"

namespace sweep {
namespace {

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

TEST_F(ResultsStoreTest, PretrainedRecordsRoundTrip) {
  ResultsStore store(path_, Access::kReadWrite);
  store.record_pretrained({"abc", "resnet10", "fashion-mnist", 0.93, 12.0, "/tmp/w.pt"});
  const auto record = store.pretrained("abc");
  ASSERT_TRUE(record);
  EXPECT_DOUBLE_EQ(record->source_accuracy, 0.93);
  EXPECT_FALSE(store.pretrained("nope"));
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

}  // namespace
}  // namespace sweep
