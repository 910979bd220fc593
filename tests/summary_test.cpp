#include "analysis/summary.h"

#include <gtest/gtest.h>

#include <cmath>

#include "analysis/format.h"
#include "analysis/report_charts.h"
#include "analysis/report_html.h"
#include "analysis/report_text.h"
#include "analysis/stats.h"
#include "analysis/text_table.h"

namespace sweep {
namespace {

TEST(Stats, MeanStdAndInterval) {
  const std::vector<double> v = {0.80, 0.84, 0.82};
  EXPECT_NEAR(mean(v), 0.82, 1e-12);
  EXPECT_NEAR(sample_std(v), 0.02, 1e-12);
  // t(0.975, 2) = 4.3026527; 4.3026527 * 0.02 / sqrt(3)
  EXPECT_NEAR(ci95_half_width(v), 0.0496828, 1e-6);
  EXPECT_EQ(ci95_half_width({0.5}), 0.0);
  // Two seeds that agree exactly have not shown a zero spread: at least a
  // quarter of a point counts, t(0.975, 1) * 0.0025 / sqrt(2).
  EXPECT_NEAR(ci95_half_width({0.137, 0.137}), 12.7062047 * 0.0025 / std::sqrt(2.0), 1e-9);
  EXPECT_EQ(sample_std({}), 0.0);
  EXPECT_NEAR(t_critical_95(1), 12.706, 1e-3);
  EXPECT_NEAR(t_critical_95(1000), 1.962, 1e-3);
}

TrialRecord done(const std::string& target, int unfrozen, double lr, int seed, double val,
                 double test, double seconds) {
  TrialRecord r;
  r.spec.id = target + std::to_string(unfrozen) + std::to_string(lr) + std::to_string(seed);
  r.spec.backbone.name = "bb";
  r.spec.target.name = target;
  r.spec.target.similarity = target == "cats" ? "near" : "far";
  r.spec.unfrozen = unfrozen;
  r.spec.blocks = 5;
  r.spec.lr = lr;
  r.spec.seed = seed;
  r.state = TrialState::kDone;
  r.attempts = 1;
  TrialResult result;
  result.val_accuracy = val;
  result.test_accuracy = test;
  result.device_seconds = seconds;
  result.train_flops = seconds * 1e9;
  result.trainable_params = int64_t{100} * (unfrozen + 1);
  result.device_name = "cpu model";
  r.result = result;
  return r;
}

std::vector<TrialRecord> sample_sweep() {
  return {
      // Head-only: lr 0.1 is better on validation, though worse on test.
      done("cats", 0, 0.01, 0, 0.80, 0.95, 1.0),  done("cats", 0, 0.01, 1, 0.80, 0.95, 1.0),
      done("cats", 0, 0.1, 0, 0.90, 0.88, 1.0),   done("cats", 0, 0.1, 1, 0.90, 0.90, 1.0),
      done("cats", 2, 0.1, 0, 0.92, 0.91, 3.0),   done("cats", 2, 0.1, 1, 0.94, 0.93, 3.0),
      done("cats", 5, 0.1, 0, 0.93, 0.96, 4.0),   done("cats", 5, 0.1, 1, 0.91, 0.94, 4.0),
      done("houses", 0, 0.1, 0, 0.50, 0.52, 2.0), done("houses", 5, 0.1, 0, 0.90, 0.91, 8.0),
  };
}

TEST(Summary, ChoosesLearningRateOnValidationNeverTest) {
  const SweepSummary s = summarize("x", sample_sweep(), std::nullopt);
  ASSERT_EQ(s.targets.size(), 2u);
  const TargetSummary& cats = s.targets[0];
  ASSERT_EQ(cats.depths.size(), 3u);
  EXPECT_DOUBLE_EQ(cats.depths[0].lr, 0.1);
  EXPECT_DOUBLE_EQ(cats.depths[0].test_mean, 0.89);
  EXPECT_EQ(cats.depths[0].seeds, 2);
  EXPECT_NEAR(cats.depths[0].test_ci95, 12.7062047 * std::sqrt(0.0002) / std::sqrt(2.0), 1e-8);
  EXPECT_EQ(*cats.head_only, 0u);
  // Depth 2 has the best validation mean (0.93 vs 0.92), though depth 5 tests better.
  EXPECT_EQ(*cats.best_deeper, 1u);
  EXPECT_EQ(s.done, 10);
  EXPECT_FALSE(s.partial());
  EXPECT_EQ(s.devices, std::vector<std::string>{"cpu model"});
}

TEST(Summary, DecidesOnlyWhatTheSpreadOverSeedsSupports) {
  // Head-only trails 2 blocks by 2 and 4 points on validation: 3 on average,
  // but from -3.3 to 9.3 at one-sided 95% over two seeds.
  const SweepSummary strict = summarize("x", sample_sweep(), std::nullopt, 0.01);
  const Verdict& cats = strict.targets[0].verdict;
  EXPECT_EQ(cats.kind, VerdictKind::kUndecided);
  EXPECT_EQ(*cats.unsure, 0u);
  EXPECT_EQ(*cats.recommended, 1u) << "depth 2: 0.93 is the best validation mean";
  EXPECT_EQ(strict.targets[1].verdict.kind, VerdictKind::kUndecided) << "one seed: no spread";
  const SweepSummary loose = summarize("x", sample_sweep(), std::nullopt, 0.10);
  EXPECT_EQ(loose.targets[0].verdict.kind, VerdictKind::kHeadOnly)
      << "9.3 points at most is within a 10-point tolerance";
  EXPECT_EQ(*loose.targets[0].verdict.recommended, 0u);
}

TEST(Summary, StrategiesAreRowsBesideTheDepthsNeverInTheVerdict) {
  std::vector<TrialRecord> trials = sample_sweep();
  const auto with_strategy = [](TrialRecord r, StrategyKind kind) {
    r.spec.strategy.kind = kind;
    r.spec.strategy.first = r.spec.strategy.last = 1;
    r.spec.id += strategy_name(kind);
    return r;
  };
  // Block 1 alone beats every depth on validation: it must not become "best".
  for (double lr : {0.01, 0.1}) {
    for (int seed : {0, 1}) {
      trials.push_back(with_strategy(
          done("cats", 1, lr, seed, lr == 0.1 ? 0.99 : 0.98, lr == 0.1 ? 0.95 : 0.99, 2.0),
          StrategyKind::kRange));
    }
  }
  trials.push_back(with_strategy(done("cats", 5, 0.1, 0, 0.95, 0.97, 5.0), StrategyKind::kLpFt));
  const SweepSummary plain = summarize("x", sample_sweep(), std::nullopt);
  const SweepSummary s = summarize("x", trials, std::nullopt);
  const TargetSummary& cats = s.targets[0];
  EXPECT_EQ(cats.depths.size(), 3u);
  EXPECT_EQ(cats.verdict.kind, plain.targets[0].verdict.kind);
  EXPECT_EQ(*cats.best_deeper, 1u);
  ASSERT_EQ(cats.strategies.size(), 2u);
  EXPECT_EQ(cats.strategies[0].strategy, "block 1 only");
  EXPECT_DOUBLE_EQ(cats.strategies[0].lr, 0.1) << "chosen on validation, not on test";
  EXPECT_EQ(cats.strategies[1].strategy, "LP-FT, 5 (all) blocks");
  EXPECT_TRUE(s.targets[1].strategies.empty());
  const CellTable table = strategy_table(cats);
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ(table.header[5], "test vs best depth (2)");
  // Block 1 against head-only (0.88, 0.90) and 2 blocks (0.91, 0.93), on test, by seed.
  EXPECT_EQ(table.rows[0][4].substr(0, 5), "+6.0 ");
  EXPECT_EQ(table.rows[0][5].substr(0, 5), "+3.0 ");
  EXPECT_EQ(table.rows[1][4], "+9.0") << "one seed: no interval";
  EXPECT_NE(render_text_report(s).find("other strategies, best learning rate each chosen on "
                                       "validation"),
            std::string::npos);
}

TEST(Summary, PairedDifferenceBySeed) {
  const SweepSummary s = summarize("x", sample_sweep(), std::nullopt);
  const TargetSummary& cats = s.targets[0];
  // Depth 5 against head-only: seed 0 0.96 - 0.88, seed 1 0.94 - 0.90.
  const PairedDifference d = paired_difference(cats.depths[2], cats.depths[0]);
  EXPECT_EQ(d.pairs, 2);
  EXPECT_NEAR(d.mean, 0.06, 1e-12);
  // sd of {0.08, 0.04} is 0.02*sqrt(2); half-width t(0.975, 1) * sd / sqrt(2) = 12.7062047 * 0.02.
  EXPECT_NEAR(d.ci95, 12.7062047 * 0.02, 1e-8);
  DepthRow other_seeds = cats.depths[2];
  other_seeds.test_by_seed = {{7, 0.5}};
  EXPECT_EQ(paired_difference(other_seeds, cats.depths[0]).pairs, 0);
}

TEST(Summary, VerdictSentences) {
  const SweepSummary s = summarize("x", sample_sweep(), std::nullopt, 0.01);
  EXPECT_EQ(verdict_sentence(s.targets[0], 0.01),
            "cats (near): undecided between head-only and 2 blocks: 89.0% and 92.0% on "
            "test, +3.0 points (95% CI 0.8 to 5.2), for 3.0x the compute; on validation "
            "head-only trails the best (2 blocks) by 3.0 points (95% bounds -3.3 to 9.3 "
            "over 2 seeds), which does not settle a 1.0 point tolerance; about 6 more seeds per "
            "cell would decide it.")
      << "2 blocks must also come credibly within the tolerance of all 5 (2 seeds: -1 and +3 "
         "points): that takes 8 seeds, where head-only alone would take 4";
  EXPECT_EQ(verdict_sentence(s.targets[1], 0.01),
            "houses (far): undecided between head-only and 5 (all) blocks: 52.0% and "
            "91.0% on test, +39.0 points (one seed, no interval), for 4.0x the compute; on "
            "validation head-only trails the best (5 (all) blocks) by 40.0 points, which "
            "does not settle a 1.0 point tolerance; two seeds per cell at least are needed to "
            "measure the spread.");
  const SweepSummary loose = summarize("x", sample_sweep(), std::nullopt, 0.10);
  EXPECT_EQ(verdict_sentence(loose.targets[0], 0.10),
            "cats (near): head-only is enough at 89.0%: on validation the best setting, 2 "
            "blocks, is ahead by 3.0 (at most 9.3 at 95% over 2 seeds), within the 10.0 "
            "points tolerance; on test 2 blocks reaches 92.0%, +3.0 points (95% CI 0.8 "
            "to 5.2), for 3.0x the compute.");
  auto decided = sample_sweep();
  decided.push_back(done("houses", 0, 0.1, 1, 0.52, 0.53, 2.0));
  decided.push_back(done("houses", 5, 0.1, 1, 0.91, 0.92, 8.0));
  EXPECT_EQ(verdict_sentence(summarize("x", decided, std::nullopt).targets[1], 0.01),
            "houses (far): open 5 (all) blocks: 91.5% against 52.5% head-only, +39.0 "
            "points (95% CI 36.8 to 41.2), for 4.0x the compute; on validation every shallower "
            "depth is credibly more than 1.0 point behind the best.");
  auto worse = decided;
  for (auto& t : worse) {
    if (t.spec.target.name == "houses" && t.spec.unfrozen == 5) t.result->val_accuracy = 0.4;
  }
  EXPECT_EQ(verdict_sentence(summarize("x", worse, std::nullopt).targets[1], 0.01),
            "houses (far): head-only is enough at 52.5%: on validation it does best; the "
            "runner-up, 5 (all) blocks, is behind by 11.0 (at most -4.7 at 95% over 2 "
            "seeds), within the 1.0 point tolerance; on test 5 (all) blocks reaches "
            "91.5%, +39.0 points (95% CI 36.8 to 41.2), for 4.0x the compute.")
      << "the best on validation is enough only with a bound against the runner-up";
  SweepSummary adaptive = summarize("x", decided, std::nullopt, 0.01, SeedLooks{2, 2});
  EXPECT_EQ(adaptive.targets[1].verdict.kind, VerdictKind::kOpenBlocks) << "one look: as before";
  adaptive = summarize("x", decided, std::nullopt, 0.01, SeedLooks{2, 8});
  EXPECT_EQ(verdict_sentence(adaptive.targets[1], 0.01),
            "houses (far): undecided between head-only and 5 (all) blocks: 52.5% and "
            "91.5% on test, +39.0 points (95% CI 36.8 to 41.2), for 4.0x the compute; on "
            "validation head-only trails the best (5 (all) blocks) by 39.5 points (95% "
            "bounds -100.0 to 100.0 over 2 seeds, across the looks at 2 to 8 seeds), which does "
            "not settle a 1.0 point tolerance; about 1 more seed per cell would decide it, within "
            "the maximum of 8 seeds.")
      << "the first of seven looks is the strictest";
  TargetSummary nothing;
  nothing.target = "t";
  EXPECT_EQ(verdict_sentence(nothing, 0.01), "t: no finished trials yet.");
}

TEST(Summary, CountsFailuresPendingAndCost) {
  auto trials = sample_sweep();
  TrialRecord failed = done("houses", 2, 0.1, 0, 0, 0, 0);
  failed.state = TrialState::kFailed;
  failed.error = "out of memory";
  failed.result.reset();
  TrialRecord pending = failed;
  pending.state = TrialState::kPending;
  pending.error = "";
  trials.push_back(failed);
  trials.push_back(pending);
  const SweepSummary s = summarize("x", trials, 3.6);
  EXPECT_EQ(s.failed, 1);
  EXPECT_EQ(s.pending, 1);
  EXPECT_TRUE(s.partial());
  ASSERT_EQ(s.failures.size(), 1u);
  EXPECT_EQ(s.failures[0].cause, "out of memory");
  ASSERT_EQ(s.unfinished.size(), 1u);
  EXPECT_EQ(s.unfinished[0].state, "pending");
  ASSERT_TRUE(s.targets[1].depths[1].cost);
  EXPECT_NEAR(*s.targets[1].depths[1].cost, 8.0 / 3600 * 3.6, 1e-12);
}

TEST(Summary, SaysHowFrozenBlocksRan) {
  std::vector<TrialRecord> trials = sample_sweep();
  EXPECT_EQ(frozen_blocks_sentence(summarize("s", trials, std::nullopt)), "");
  using F = FrozenInput;
  const F sources[] = {F::kComputed, F::kMemory, F::kDisk, F::kDisk,     F::kNone,
                       F::kNone,     F::kNone,   F::kNone, F::kComputed, F::kNone};
  for (size_t i = 0; i < trials.size(); ++i) trials[i].result->frozen_input = sources[i];
  EXPECT_EQ(frozen_blocks_sentence(summarize("s", trials, std::nullopt)),
            "The frozen-feature cache ran the frozen blocks once per target and depth: 3 trials "
            "reused their output, 2 trials computed it.");
  for (size_t i = 4; i < trials.size(); ++i) trials[i].spec.recipe.augment = AugmentKind::kCrop;
  trials[4].result->frozen_input = FrozenInput::kAugmentation;
  trials[5].result->frozen_input = FrozenInput::kOff;
  EXPECT_EQ(frozen_blocks_sentence(summarize("s", trials, std::nullopt)),
            "The frozen-feature cache ran the frozen blocks once per target and depth: 3 trials "
            "reused their output, 2 trials computed it; random augmentation (crop) changes the "
            "pixels every step, so 1 trial ran their frozen blocks in every step instead "
            "(head-only probes train on features of the images as they are); 1 trial ran with "
            "the cache turned off.");
  for (size_t i = 4; i < trials.size(); ++i) trials[i].spec.recipe.augment_views = 4;
  trials[4].result->frozen_input = FrozenInput::kComputed;
  EXPECT_EQ(frozen_blocks_sentence(summarize("s", trials, std::nullopt)),
            "The frozen-feature cache ran the frozen blocks once per target and depth: 3 trials "
            "reused their output, 3 trials computed it; random augmentation (crop) made 4 fixed "
            "views of each training image, run through the frozen blocks once: 2 trials that "
            "trained blocks walked through them, one view per image per epoch (full fine-tunes "
            "augment every step; head-only probes train on features of the images as they are); "
            "1 trial ran with the cache turned off.");
}

TEST(Summary, KeepsCurvesOfTheTrialsBehindTheVerdicts) {
  auto trials = sample_sweep();
  trials[2].result->epochs = {{1, 0.1, 1.0, 0.5, 1.0, 0.5, 1.0}};
  const SweepSummary s = summarize("x", trials, std::nullopt);
  ASSERT_TRUE(s.curves.count(trials[2].spec.id)) << "head-only at its chosen lr";
  EXPECT_EQ(s.curves.at(trials[2].spec.id).size(), 1u);
  EXPECT_FALSE(s.curves.count(trials[0].spec.id)) << "lr 0.01 lost on validation";
  EXPECT_EQ(s.points.size(), 10u);
  EXPECT_EQ(s.cells.size(), 6u) << "cats: 2 learning rates at depth 0, 1 at 2 and 5; houses: 2";
}

// Successive halving stopped lr 0.3 at seed 1 for trailing lr 0.1 there; lr 0.3
// looks better on the one seed it finished, but halving judged it worse, so the
// depth keeps lr 0.1 and both its paired seeds.
std::vector<TrialRecord> sweep_with_a_stopped_trial() {
  auto trials = sample_sweep();
  trials.push_back(done("cats", 2, 0.3, 0, 0.99, 0.99, 3.0));
  TrialRecord stopped = done("cats", 2, 0.3, 1, 0.20, 0.0, 1.5);
  stopped.state = TrialState::kStopped;
  stopped.spec.recipe.epochs = 10;
  stopped.result->stopped_epoch = 5;
  stopped.result->epochs = {{5, 0.3, 2.0, 0.3, 2.1, 0.20, 1.0}};
  trials.push_back(stopped);
  return trials;
}

TEST(Summary, StoppedTrialsAreShownButNeverChosen) {
  const auto trials = sweep_with_a_stopped_trial();
  const SweepSummary s = summarize("x", trials, std::nullopt);
  EXPECT_EQ(s.stopped, 1);
  ASSERT_EQ(s.stopped_trials.size(), 1u);
  EXPECT_EQ(s.stopped_trials[0].stopped_epoch, 5);
  const DepthRow& two = s.targets[0].depths[1];
  ASSERT_EQ(two.unfrozen, 2);
  EXPECT_EQ(two.lr, 0.1) << "lr 0.3 was stopped at a rung in one of its seeds";
  EXPECT_EQ(two.seeds, 2);
  EXPECT_FALSE(s.partial());
}

TEST(Charts, StoppedTrialsCurvesEndWhereTheyStopped) {
  const auto trials = sweep_with_a_stopped_trial();
  const SweepSummary s = summarize("x", trials, std::nullopt);
  const std::string stopped_id = trials.back().spec.id;
  ASSERT_TRUE(s.curves.count(stopped_id));
  bool found = false;
  for (const Chart& chart : report_charts(s)) {
    if (chart.title != "Training curves") continue;
    for (const auto& row : chart.spec["data"]["values"]) {
      if (row["epoch"] != 5) continue;
      found = true;
      EXPECT_DOUBLE_EQ(row["progress"].get<double>(), 0.5) << "epoch 5 of 10, stopped there";
    }
  }
  EXPECT_TRUE(found) << "the stopped trial's curve is drawn";
}

TEST(Format, NumbersAsReportsShowThem) {
  EXPECT_EQ(percent(0.912), "91.2%");
  EXPECT_EQ(depth_label(5, 5), "5 (all)");
  EXPECT_EQ(depth_label(2, 5), "2");
  EXPECT_EQ(format_seconds(4.25), "4.2 s");
  EXPECT_EQ(format_seconds(185), "3m05s");
  EXPECT_EQ(format_seconds(3725), "1h02m");
  EXPECT_EQ(format_count(999), "999");
  EXPECT_EQ(format_count(230700), "230.7k");
  EXPECT_EQ(format_lr(3e-5), "3e-05");
}

TEST(TextTable, AlignsNumbersRight) {
  EXPECT_EQ(format_table({"name", "n"}, {{"a", "1"}, {"bbb", "100"}}, 2),
            "  name    n\n"
            "  a       1\n"
            "  bbb   100\n");
}

TEST(Reports, EscapeEverySweepString) {
  auto trials = sample_sweep();
  for (auto& t : trials) {
    t.spec.target.name = "</script><script>alert(1)</script>";
    t.spec.backbone.name = "<b>bold</b>";
  }
  SweepSummary s = summarize("<img src=x onerror=alert(2)>", trials, std::nullopt);
  s.failures.push_back({"id", "bb", "t", "failed", "<i>boom</i>", 0, 0.1, 0, 1});
  const std::string html =
      render_html_report({s}, {"a<b>.db", "now", ChartLibrary{"v", "vl", "ve"}});
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_EQ(html.find("</script><script>alert"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("<b>bold"), std::string::npos);
  EXPECT_EQ(html.find("<i>boom"), std::string::npos);
  EXPECT_NE(html.find("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(render_text_report(s).find("</script>"), std::string::npos) << "text stays verbatim";
  // Chart data is JSON inside a script element: no raw '<' in it at all.
  const size_t data = html.find("<script id=\"sweep-charts\" type=\"application/json\">");
  ASSERT_NE(data, std::string::npos);
  const size_t begin = html.find('>', data) + 1;
  const std::string json_text = html.substr(begin, html.find("</script>", begin) - begin);
  EXPECT_EQ(json_text.find('<'), std::string::npos);
  EXPECT_NE(json_text.find("\\u003c/script\\u003e\\u003cscript\\u003ealert(1)"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(json_text).size(), report_charts(s).size());
}

TEST(Reports, ScriptSafeJsonAndInlinedLibrary) {
  EXPECT_EQ(script_safe_json(R"({"a":"</script>&"})"), R"({"a":"\u003c/script\u003e\u0026"})");
  SweepSummary s = summarize("x", sample_sweep(), std::nullopt);
  const std::string html =
      render_html_report({s}, {"db", "now", ChartLibrary{"var v = '</SCRIPT>';", "", ""}});
  EXPECT_NE(html.find("var v = '<\\/SCRIPT>';"), std::string::npos);
  const std::string without = render_html_report({s}, {"db", "now", std::nullopt});
  EXPECT_NE(without.find("Charts are missing"), std::string::npos);
  EXPECT_EQ(without.find("vegaEmbed("), std::string::npos);
}

TEST(Charts, ParetoFrontPerTarget) {
  const std::vector<bool> front = pareto_front({{"a", 1.0, 0.80},
                                                {"a", 2.0, 0.85},
                                                {"a", 3.0, 0.84},  // dearer and worse than 2.0
                                                {"a", 2.0, 0.85},  // a tie stays on the front
                                                {"b", 5.0, 0.10}});
  EXPECT_EQ(front, (std::vector<bool>{true, true, false, true, true}));
}

TEST(Charts, EveryChartIsAVegaLiteSpecWithData) {
  SweepSummary s = summarize("x", sample_sweep(), std::nullopt);
  EXPECT_EQ(report_charts(s).size(), 5u) << "no measures, no curves";
  s.targets[0].measure =
      TransferMeasure{"k", "t", "bb", "cats", -0.4, 2.0, 10, 10, 0.1, {}, {}, ""};
  s.curves["x"] = {{1, 0.1, 1.0, 0.5, 1.0, 0.5, 1.0}};
  s.points[0].trial_id = "x";
  const auto charts = report_charts(s);
  ASSERT_EQ(charts.size(), 7u);
  for (const Chart& c : charts) {
    EXPECT_EQ(c.spec["$schema"], "https://vega.github.io/schema/vega-lite/v6.json") << c.title;
    EXPECT_TRUE(c.spec.contains("data")) << c.title;
    EXPECT_FALSE(c.caption.empty()) << c.title;
  }
}

}  // namespace
}  // namespace sweep
