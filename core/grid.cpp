#include "core/grid.h"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "core/catalog.h"
#include "core/identity.h"

namespace sweep {
namespace {

// An axis that is not swept contributes the recipe's own value.
template <typename T>
std::vector<T> axis_or(const std::vector<T>& axis, T recipe_value) {
  return axis.empty() ? std::vector<T>{recipe_value} : axis;
}

// The grid's ways to train, in order: the depths, then the other strategies.
std::vector<Strategy> settings_of(const GridSpec& grid) {
  std::vector<Strategy> settings;
  for (const Depth& depth : grid.unfrozen) {
    Strategy trailing;
    trailing.depth = depth;
    settings.push_back(trailing);
  }
  settings.insert(settings.end(), grid.strategies.begin(), grid.strategies.end());
  return settings;
}

// The setting for a backbone of `blocks` blocks: "all" resolved, and the
// trailing kind written as no strategy at all (see to_json(TrialSpec)).
std::pair<int, Strategy> resolve(Strategy setting, int blocks) {
  if (setting.depth.all) setting.depth = Depth{blocks, false};
  switch (setting.kind) {
    case StrategyKind::kTrailing:
      return {setting.depth.blocks, Strategy{}};
    case StrategyKind::kRange:
      return {setting.last - setting.first + 1, setting};
    case StrategyKind::kLpFt:
    case StrategyKind::kLayerDecay:
      return {setting.depth.blocks, setting};
  }
  return {setting.depth.blocks, setting};
}

}  // namespace

int block_count(const BackboneSpec& backbone) {
  if (backbone.is_torchscript()) {
    assert(backbone.blocks > 0 && "resolve_backbone_files fills it in");
    return backbone.blocks;
  }
  const BuiltinArch* arch = find_builtin_arch(backbone.arch);
  assert(arch && "the parser accepts only known architectures");
  return builtin_block_count(*arch);
}

std::vector<TrialSpec> expand_grid(const SweepSpec& spec) {
  const GridSpec& grid = spec.grid;
  std::vector<TrialSpec> trials;
  for (const BackboneSpec& backbone : spec.backbones) {
    const int blocks = block_count(backbone);
    for (const TargetSpec& target : spec.targets) {
      for (const Strategy& setting : settings_of(grid)) {
        const auto [unfrozen, strategy] = resolve(setting, blocks);
        for (double weight_decay : axis_or(grid.weight_decay, spec.training.weight_decay)) {
          for (int batch_size : axis_or(grid.batch_size, spec.training.batch_size)) {
            for (int epochs : axis_or(grid.epochs, spec.training.epochs)) {
              for (int seed : grid.seeds) {
                for (double lr : grid.lr) {
                  TrialSpec trial;
                  trial.backbone = backbone;
                  trial.target = target;
                  trial.blocks = blocks;
                  trial.unfrozen = unfrozen;
                  trial.strategy = strategy;
                  trial.lr = lr;
                  trial.seed = seed;
                  trial.recipe = spec.training;
                  trial.recipe.weight_decay = weight_decay;
                  trial.recipe.batch_size = batch_size;
                  trial.recipe.epochs = epochs;
                  trial.id = trial_id(trial);
                  trial.schedule = trial_schedule(spec, trial);
                  trial.position = static_cast<int>(trials.size());
                  trials.push_back(std::move(trial));
                }
              }
            }
          }
        }
      }
    }
  }
  return trials;
}

TrialSchedule trial_schedule(const SweepSpec& spec, const TrialSpec& trial) {
  const int epochs = trial.recipe.epochs;
  TrialSchedule schedule;
  if (spec.halving && trial.unfrozen > 0) {
    for (double fraction : spec.halving->rungs) {
      const int epoch = std::max(1, static_cast<int>(std::lround(fraction * epochs)));
      if (epoch < epochs &&
          std::find(schedule.rungs.begin(), schedule.rungs.end(), epoch) == schedule.rungs.end())
        schedule.rungs.push_back(epoch);
    }
  }
  const int every =
      trial.recipe.validate_every > 0 ? trial.recipe.validate_every : std::max(1, (epochs + 3) / 4);
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    const bool rung =
        std::find(schedule.rungs.begin(), schedule.rungs.end(), epoch) != schedule.rungs.end();
    if (epoch % every == 0 || epoch == epochs || rung) schedule.validate_at.push_back(epoch);
  }
  return schedule;
}

TrialSpec with_seed(const TrialSpec& trial, int seed, const SweepSpec& spec) {
  TrialSpec copy = trial;
  copy.seed = seed;
  copy.id = trial_id(copy);
  copy.schedule = trial_schedule(spec, copy);
  return copy;
}

}  // namespace sweep
