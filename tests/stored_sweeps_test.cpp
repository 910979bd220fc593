// What the reporting commands read back from the store (runner/stored_sweeps.h).
#include "runner/stored_sweeps.h"

#include <gtest/gtest.h>

#include "core/identity.h"
#include "scheduler_fixture.h"

namespace sweep {
namespace {

TransferMeasure measured_with(const SweepSpec& spec, const TargetSpec& target,
                              const std::vector<double>& lrs) {
  TransferMeasure m;
  m.pretrain_key = pretrain_key(spec.backbones[0]);
  m.target_key = target_key(target);
  m.backbone = spec.backbones[0].name;
  m.target = target.name;
  m.logme = 0.1;
  m.frechet = 2.0;
  m.probe_key = probe_key(spec.training, lrs);
  BoundaryProbe probe;
  probe.boundary = 1;
  probe.block = "block1";
  probe.val_accuracy = probe.suffix_val_accuracy = 0.8;
  m.curve.push_back(probe);
  return m;
}

const TargetSummary& summary_of(const SweepSummary& summary, const std::string& target) {
  for (const TargetSummary& t : summary.targets) {
    if (t.target == target) return t;
  }
  throw std::runtime_error("no summary for " + target);
}

// Measures are stored per (backbone, target): another sweep on the same
// database with other learning rates measures its own probe curve over this
// sweep's. Its prediction is not this sweep's, and the report must not show it
// as if it were; the distance and LogME do not depend on the probes and stay.
TEST_F(SchedulerTest, AReportShowsNoProbeCurveMeasuredWithAnotherSweepsSettings) {
  run(2);
  const TargetSpec& other = spec_.targets[0];
  const TargetSpec& own = spec_.targets[1];
  store_.record_measure(measured_with(spec_, other, {0.5}));
  store_.record_measure(measured_with(spec_, own, spec_.grid.lr));
  const SweepSummary summary = summarize_stored(store_, "unit", 1.0);
  const TargetSummary& a = summary_of(summary, other.name);
  ASSERT_TRUE(a.measure);
  EXPECT_TRUE(a.measure->curve.empty()) << "measured with lr 0.5, not this sweep's";
  EXPECT_DOUBLE_EQ(a.measure->frechet, 2.0);
  const TargetSummary& b = summary_of(summary, own.name);
  ASSERT_TRUE(b.measure);
  EXPECT_EQ(b.measure->curve.size(), 1u) << "measured with this sweep's settings";
}

}  // namespace
}  // namespace sweep
