// The error a verdict carries, measured: simulated paired validation accuracies
// fed to the real planner (plan_added_seeds) and verdict (decide) the way
// `sweep run` does: look, add a seed where the verdict hinges, look again, stop
// at the first decision or the maximum. Thousands of replicates: arithmetic.
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <random>

#include "analysis/replication.h"
#include "analysis/stats.h"
#include "analysis/summary.h"
#include "core/grid.h"
#include "core/sweep_file.h"
#include "spec_fixture.h"

namespace sweep {
namespace {

constexpr double kTolerance = 0.01;
constexpr double kSpread = 0.01;  // of the paired gap between the two depths
constexpr int kMaxSeeds = 8;

// One study: head-only and 2 blocks at one learning rate, seeds from 2 up to
// 8. The gap 2 blocks - head-only is Gaussian, mean `gap`, spread kSpread; each
// seed also moves both depths together, as a seed does.
class Study {
 public:
  Study(double gap, std::mt19937_64& rng) {
    std::normal_distribution<double> normal;
    for (int seed = 0; seed < kMaxSeeds; ++seed) {
      const double shared = 0.80 + 0.02 * normal(rng);
      head_[seed] = shared;
      deep_[seed] = shared + gap + kSpread * normal(rng);
    }
  }

  double val(const TrialSpec& t) const { return t.unfrozen == 0 ? head_[t.seed] : deep_[t.seed]; }

  // The depths after `seeds` seeds, as summarize() gives them to decide().
  std::vector<DepthRow> depths(int seeds) const {
    std::vector<DepthRow> rows(2);
    rows[1].unfrozen = 2;
    for (DepthRow& row : rows) {
      row.blocks = 5;
      for (int seed = 0; seed < seeds; ++seed)
        row.val_by_seed[seed] = row.unfrozen == 0 ? head_[seed] : deep_[seed];
      double sum = 0.0;
      for (const auto& [seed, v] : row.val_by_seed) sum += v;
      row.val_mean = sum / seeds;
    }
    return rows;
  }

 private:
  double head_[kMaxSeeds];
  double deep_[kMaxSeeds];
};

struct Outcome {
  VerdictKind kind = VerdictKind::kNoData;
  int seeds = 0;  // per cell when it stopped
};

SweepSpec two_depth_spec() {
  auto doc = testing::valid_sweep_json();
  doc["targets"] = {doc["targets"][0]};
  doc["grid"] = {{"unfrozen", {0, 2}}, {"lr", {0.01}}, {"seeds", {{"min", 2}, {"max", kMaxSeeds}}}};
  return parse_sweep_text(doc.dump(), "s.json");
}

// Through the planner and the summary, as the scheduler runs it.
Outcome run_like_the_scheduler(const SweepSpec& spec, const Study& study) {
  std::vector<TrialRecord> trials;
  const auto finish = [&](const TrialSpec& spec_of) {
    TrialRecord r;
    r.spec = spec_of;
    r.state = TrialState::kDone;
    TrialResult result;
    result.val_accuracy = study.val(spec_of);
    result.test_accuracy = result.val_accuracy;
    r.result = result;
    trials.push_back(r);
  };
  for (const TrialSpec& t : expand_grid(spec)) finish(t);
  while (true) {
    const std::vector<AddedTrial> added = plan_added_seeds(spec, trials, kTolerance);
    if (added.empty()) break;
    for (const AddedTrial& t : added) finish(t.spec);
  }
  const TargetSummary target =
      summarize(spec.name, trials, std::nullopt, kTolerance, seed_looks(spec.grid)).targets[0];
  return {target.verdict.kind, target.depths[0].seeds};
}

// The same loop on decide() alone: a seed to both depths while undecided.
Outcome run_on_decide(const Study& study) {
  const SeedLooks looks{2, kMaxSeeds};
  for (int seeds = 2;; ++seeds) {
    const Verdict v = decide(study.depths(seeds), kTolerance, looks);
    if (v.kind != VerdictKind::kUndecided || seeds == kMaxSeeds) return {v.kind, seeds};
  }
}

// The paired t statistic of the gap 2 blocks - head-only against the tolerance.
double t_statistic(const std::vector<DepthRow>& depths) {
  std::vector<double> gaps;
  for (const auto& [seed, head] : depths[0].val_by_seed)
    gaps.push_back(depths[1].val_by_seed.at(seed) - head);
  const double n = static_cast<double>(gaps.size());
  return std::sqrt(n) * (mean(gaps) - kTolerance) / std::max(sample_std(gaps), kMinAccuracySpread);
}

TEST(VerdictMonteCarlo, StopsOnlyAtABoundary) {
  // With two depths the verdict is decided exactly when |T_n| passes c_n:
  // head-only below -c_n, open above c_n. The loop goes on at every look
  // inside the boundaries and stops at the first outside.
  std::mt19937_64 rng(11);
  const SeedLooks looks{2, kMaxSeeds};
  for (int i = 0; i < 300; ++i) {
    const Study study(kTolerance + ((i % 5) - 2) * kSpread, rng);
    const Outcome o = run_on_decide(study);
    for (int n = 2; n <= o.seeds; ++n) {
      const double t = t_statistic(study.depths(n)), c = critical_t(looks, n);
      const bool stop = n == o.seeds && o.kind != VerdictKind::kUndecided;
      EXPECT_EQ(std::fabs(t) > c, stop) << i << " at " << n << " seeds: T " << t << ", c " << c;
      if (stop) {
        EXPECT_EQ(o.kind, t > 0 ? VerdictKind::kOpenBlocks : VerdictKind::kHeadOnly);
      }
    }
  }
}

struct Rates {
  double head_only = 0.0, open = 0.0, mean_seeds = 0.0;
  int replicates = 0;
  // One Monte Carlo standard error of a rate near p.
  double error(double p) const { return std::sqrt(p * (1.0 - p) / replicates); }
};

Rates measure(double gap, int replicates, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Rates rates;
  rates.replicates = replicates;
  for (int i = 0; i < replicates; ++i) {
    const Outcome o = run_on_decide(Study(gap, rng));
    rates.head_only += o.kind == VerdictKind::kHeadOnly;
    rates.open += o.kind == VerdictKind::kOpenBlocks;
    rates.mean_seeds += o.seeds;
  }
  rates.head_only /= replicates;
  rates.open /= replicates;
  rates.mean_seeds /= replicates;
  return rates;
}

TEST(VerdictMonteCarlo, TheLoopOnDecideIsTheSchedulersLoop) {
  const SweepSpec spec = two_depth_spec();
  std::mt19937_64 rng(7);
  int decided = 0;
  for (int i = 0; i < 60; ++i) {
    const double gap = kTolerance + (i % 3) * kSpread;  // at the tolerance, 1 and 2 spreads out
    const Study study(gap, rng);
    const Outcome planned = run_like_the_scheduler(spec, study);
    const Outcome direct = run_on_decide(study);
    EXPECT_EQ(planned.kind, direct.kind) << i;
    EXPECT_EQ(planned.seeds, direct.seeds) << i;
    decided += planned.kind != VerdictKind::kUndecided;
  }
  EXPECT_GT(decided, 10) << "the comparison covers decided runs too";
}

TEST(VerdictMonteCarlo, AtTheToleranceEachWrongClaimIsAtMostFivePercent) {
  // The true gap is the tolerance: "head-only is enough" and "open 2 blocks"
  // are both wrong. Each must happen at most 5% of the time, over every look.
  const Rates r = measure(kTolerance, 20000, 2512);
  std::cout << "at the tolerance: head-only " << r.head_only << ", open " << r.open
            << " (Monte Carlo error " << r.error(0.05) << "), mean seeds " << r.mean_seeds << "\n";
  EXPECT_LE(r.head_only, 0.05 + 2.0 * r.error(0.05));
  EXPECT_LE(r.open, 0.05 + 2.0 * r.error(0.05));
  EXPECT_GT(r.head_only + r.open, 0.02) << "a rule that never decides would pass the above";
}

TEST(VerdictMonteCarlo, TwoSpreadsBeyondTheToleranceAreDecidedMostly) {
  const Rates worse = measure(kTolerance + 2.0 * kSpread, 4000, 2513);
  const Rates within = measure(kTolerance - 2.0 * kSpread, 4000, 2514);
  std::cout << "2 spreads behind: open " << worse.open << " in " << worse.mean_seeds
            << " seeds on average; 2 spreads within: head-only " << within.head_only << " in "
            << within.mean_seeds << " seeds\n";
  EXPECT_GT(worse.open, 0.5);
  EXPECT_EQ(worse.head_only, 0.0);
  EXPECT_GT(within.head_only, 0.5);
  EXPECT_EQ(within.open, 0.0);
}

}  // namespace
}  // namespace sweep
