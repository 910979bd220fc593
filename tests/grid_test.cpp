#include "core/grid.h"

#include <gtest/gtest.h>

#include <set>

#include "core/identity.h"
#include "core/spec_json.h"
#include "core/sweep_file.h"
#include "spec_fixture.h"

namespace sweep {
namespace {

SweepSpec fixture_spec() { return parse_sweep_text(testing::valid_sweep_json().dump(), "s.json"); }

TEST(Grid, ExpandsInStableNestedOrder) {
  const auto trials = expand_grid(fixture_spec());
  // 1 backbone x 2 targets x 3 depths x 2 lr x 2 seeds.
  ASSERT_EQ(trials.size(), 24u);
  EXPECT_EQ(trials[0].target.name, "near");
  EXPECT_EQ(trials[0].unfrozen, 0);
  EXPECT_EQ(trials[0].lr, 0.01);
  EXPECT_EQ(trials[0].seed, 1);
  EXPECT_EQ(trials[1].lr, 0.1) << "the learning rate is innermost: siblings run side by side";
  EXPECT_EQ(trials[1].seed, 1);
  EXPECT_EQ(trials[2].lr, 0.01);
  EXPECT_EQ(trials[2].seed, 2);
  EXPECT_EQ(trials[4].unfrozen, 2);
  EXPECT_EQ(trials[8].unfrozen, 5) << "\"all\" resolves to the block count";
  EXPECT_EQ(trials[12].target.name, "far");
  for (size_t i = 0; i < trials.size(); ++i) {
    EXPECT_EQ(trials[i].position, static_cast<int>(i));
    EXPECT_EQ(trials[i].blocks, 5);
  }
}

TEST(Grid, IdsAreDistinctAndStable) {
  const auto first = expand_grid(fixture_spec());
  const auto second = expand_grid(fixture_spec());
  std::set<std::string> ids;
  for (size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(first[i].id, second[i].id);
    EXPECT_EQ(first[i].id.size(), 16u);
    ids.insert(first[i].id);
  }
  EXPECT_EQ(ids.size(), first.size());
}

TEST(Grid, IdDependsOnConfigurationNotOnSpelling) {
  nlohmann::json doc = testing::valid_sweep_json();
  doc["training"]["optimizer"] = "sgd";  // the default, spelt out
  doc["grid"]["unfrozen"] = {0, 2, 5};   // "all" spelt as a number
  const auto spelt = expand_grid(parse_sweep_text(doc.dump(), "s.json"));
  const auto plain = expand_grid(fixture_spec());
  for (size_t i = 0; i < plain.size(); ++i) EXPECT_EQ(spelt[i].id, plain[i].id);

  doc["training"]["epochs"] = 3;
  const auto changed = expand_grid(parse_sweep_text(doc.dump(), "s.json"));
  EXPECT_NE(changed[0].id, plain[0].id);
}

TEST(Grid, AddingAnAxisValueKeepsExistingIds) {
  nlohmann::json doc = testing::valid_sweep_json();
  doc["grid"]["lr"] = {0.01, 0.1, 0.3};
  const auto grown = expand_grid(parse_sweep_text(doc.dump(), "s.json"));
  std::set<std::string> grown_ids;
  for (const auto& t : grown) grown_ids.insert(t.id);
  for (const auto& t : expand_grid(fixture_spec()))
    EXPECT_TRUE(grown_ids.count(t.id)) << t.position;
}

TEST(Grid, FurtherAxesOverrideTheRecipe) {
  nlohmann::json doc = testing::valid_sweep_json();
  doc["grid"]["weight_decay"] = {0.0, 0.001};
  doc["grid"]["epochs"] = {1, 4};
  const auto trials = expand_grid(parse_sweep_text(doc.dump(), "s.json"));
  ASSERT_EQ(trials.size(), 96u);
  EXPECT_EQ(trials[0].recipe.weight_decay, 0.0);
  EXPECT_EQ(trials[0].recipe.epochs, 1);
  EXPECT_EQ(trials[4].recipe.epochs, 4);
  EXPECT_EQ(trials[8].recipe.weight_decay, 0.001);
}

TEST(Grid, TrialConfigurationReadsBack) {
  for (const auto& trial : expand_grid(fixture_spec())) {
    Diagnostics diag("trial");
    const TrialSpec again = read_trial(to_json(trial), diag);
    ASSERT_TRUE(diag.ok()) << diag.messages().at(0);
    EXPECT_EQ(trial_id(again), trial.id);
  }
}

}  // namespace
}  // namespace sweep

namespace sweep {
namespace {

TEST(PretrainKey, IgnoresTheNameButNotTheRecipe) {
  const SweepSpec spec = parse_sweep_text(testing::valid_sweep_json().dump(), "s.json");
  BackboneSpec renamed = spec.backbones[0];
  renamed.name = "other";
  EXPECT_EQ(pretrain_key(renamed), pretrain_key(spec.backbones[0]));
  BackboneSpec longer = spec.backbones[0];
  longer.pretrain.epochs += 1;
  EXPECT_NE(pretrain_key(longer), pretrain_key(spec.backbones[0]));
}

}  // namespace
}  // namespace sweep
