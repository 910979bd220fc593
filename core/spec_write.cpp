// Spec types -> canonical JSON. See spec_json.h. Every field is written, defaults
// included, so the canonical form does not depend on how the sweep file was spelt.
#include "core/spec_json.h"

namespace sweep {

using nlohmann::json;

json to_json(const DataSpec& data) {
  json out = {{"dataset", dataset_name(data.kind)}, {"path", data.path}};
  // Empty means every class; the key is left out so that the form reads back.
  if (!data.class_names.empty()) out["classes"] = data.class_names;
  if (!data.class_ids.empty()) out["classes"] = data.class_ids;
  if (data.kind == DatasetKind::kImageFolder) out["strict"] = data.strict;
  if (!data.content_sha256.empty()) out["content"] = data.content_sha256;
  return out;
}

json to_json(const PretrainSpec& pretrain) {
  json out = to_json(pretrain.data);
  out.update({{"per_class", pretrain.per_class},
              {"epochs", pretrain.epochs},
              {"batch_size", pretrain.batch_size},
              {"lr", pretrain.lr},
              {"weight_decay", pretrain.weight_decay},
              {"seed", pretrain.seed}});
  return out;
}

json to_json(const BackboneSpec& backbone) {
  if (backbone.is_torchscript()) {
    return {{"name", backbone.name},
            {"torchscript", backbone.torchscript},
            {"sha256", backbone.content_sha256},
            {"blocks", backbone.blocks},
            {"channels", backbone.channels},
            {"image_size", backbone.image_size}};
  }
  return {{"name", backbone.name},
          {"arch", backbone.arch},
          {"width", backbone.width},
          {"channels", backbone.channels},
          {"image_size", backbone.image_size},
          {"pretrain", to_json(backbone.pretrain)}};
}

json to_json(const TargetSpec& target) {
  json out = to_json(target.data);
  out.update({{"name", target.name},
              {"similarity", target.similarity},
              {"val_per_class", target.val_per_class},
              {"test_per_class", target.test_per_class},
              {"sample_seed", target.sample_seed}});
  if (target.train_per_class) out["train_per_class"] = *target.train_per_class;
  // Written only when there is one, so targets without keep their identities.
  for (const ShiftStep& step : target.shift) {
    json entry = step.kind == ShiftKind::kMix ? to_json(step.mix) : json::object();
    entry[shift_name(step.kind)] = step.amount;
    out["shift"].push_back(entry);
  }
  return out;
}

json to_json(const TrainingRecipe& recipe) {
  json out = {{"epochs", recipe.epochs},
              {"batch_size", recipe.batch_size},
              {"optimizer", optimizer_name(recipe.optimizer)},
              {"momentum", recipe.momentum},
              {"schedule", schedule_name(recipe.schedule)},
              {"weight_decay", recipe.weight_decay},
              {"image_size", recipe.image_size},
              {"probe_epochs", recipe.probe_epochs}};
  // Written only when on, so trials without augmentation keep their identities.
  if (recipe.augment != AugmentKind::kNone) out["augment"] = augment_name(recipe.augment);
  if (recipe.augment_views > 0) out["augment_views"] = recipe.augment_views;
  if (recipe.precision != PrecisionKind::kFp32) out["precision"] = precision_name(recipe.precision);
  return out;
}

json to_json(const GridSpec& grid) {
  json unfrozen = json::array();
  for (const Depth& depth : grid.unfrozen) {
    unfrozen.push_back(depth.all ? json("all") : json(depth.blocks));
  }
  json out = {{"unfrozen", unfrozen}, {"lr", grid.lr}, {"seeds", grid.seeds}};
  for (const Strategy& strategy : grid.strategies) out["strategies"].push_back(to_json(strategy));
  if (grid.max_seeds > 0) out["seeds"] = {{"min", grid.seeds.size()}, {"max", grid.max_seeds}};
  if (!grid.weight_decay.empty()) out["weight_decay"] = grid.weight_decay;
  if (!grid.batch_size.empty()) out["batch_size"] = grid.batch_size;
  if (!grid.epochs.empty()) out["epochs"] = grid.epochs;
  return out;
}

json to_json(const SweepSpec& sweep) {
  json backbones = json::array();
  for (const auto& b : sweep.backbones) backbones.push_back(to_json(b));
  json targets = json::array();
  for (const auto& t : sweep.targets) targets.push_back(to_json(t));
  json out = {{"name", sweep.name},          {"description", sweep.description},
              {"backbones", backbones},      {"targets", targets},
              {"grid", to_json(sweep.grid)}, {"training", to_json(sweep.training)}};
  // How trials run, not what they are: in the sweep's spec, not in trial identities.
  if (sweep.training.validate_every > 0)
    out["training"]["validate_every"] = sweep.training.validate_every;
  if (sweep.halving)
    out["halving"] = {{"rungs", sweep.halving->rungs}, {"keep", sweep.halving->keep}};
  if (sweep.price_per_device_hour) out["price_per_device_hour"] = *sweep.price_per_device_hour;
  return out;
}

json to_json(const TrialSpec& trial) {
  json out = {{"backbone", to_json(trial.backbone)},
              {"target", to_json(trial.target)},
              {"unfrozen", trial.unfrozen},
              {"blocks", trial.blocks},
              {"lr", trial.lr},
              {"seed", trial.seed},
              {"training", to_json(trial.recipe)}};
  // Written only when not the trailing blocks, so those trials keep their identities.
  if (in_trial_identity(trial.strategy)) out["strategy"] = to_json(trial.strategy);
  return out;
}

}  // namespace sweep
