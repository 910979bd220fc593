#include "core/identity.h"

#include "core/sha256.h"
#include "core/spec_json.h"

namespace sweep {
namespace {

using nlohmann::json;

std::string key_of(const json& value) { return sha256_hex(value.dump()).substr(0, 16); }

// A dataset's canonical form without its path: its content digest says what it holds.
void drop_path(json& data) { data.erase("path"); }

// An earlier release's form: paths in, no content digests.
void drop_content(json& data) { data.erase("content"); }

// Applies `change` to every dataset a target's canonical form names: its own,
// and the one each mix step blends in.
void each_dataset_of_target(json& target, void (*change)(json&)) {
  change(target);
  if (target.contains("shift")) {
    for (json& step : target["shift"]) change(step);
  }
}

// The same for a backbone's: a built-in one's pretraining source.
void each_dataset_of_backbone(json& backbone, void (*change)(json&)) {
  if (backbone.contains("pretrain")) change(backbone["pretrain"]);
}

// The key of a trial's configuration with one field left out.
std::string key_without(const TrialSpec& trial, const char* field) {
  json config = identity_json(trial);
  config.erase(field);
  return key_of(config);
}

}  // namespace

json identity_json(const TrialSpec& trial) {
  json config = to_json(trial);
  config["backbone"].erase("torchscript");
  each_dataset_of_backbone(config["backbone"], drop_path);
  each_dataset_of_target(config["target"], drop_path);
  return config;
}

std::string trial_id(const TrialSpec& trial) { return key_of(identity_json(trial)); }

std::string legacy_trial_id(const TrialSpec& trial) {
  json config = to_json(trial);
  each_dataset_of_backbone(config["backbone"], drop_content);
  each_dataset_of_target(config["target"], drop_content);
  return key_of(config);
}

std::string cell_key(const TrialSpec& trial) { return key_without(trial, "seed"); }

std::string sibling_key(const TrialSpec& trial) { return key_without(trial, "lr"); }

std::string probe_key(const TrainingRecipe& recipe, const std::vector<double>& lrs) {
  const nlohmann::json training = to_json(recipe);
  const nlohmann::json settings = {{"optimizer", training["optimizer"]},
                                   {"momentum", training["momentum"]},
                                   {"weight_decay", training["weight_decay"]},
                                   {"batch_size", training["batch_size"]},
                                   {"probe_epochs", training["probe_epochs"]},
                                   {"lrs", lrs},
                                   {"measures", {"val", "train"}}};
  return sha256_hex(settings.dump()).substr(0, 16);
}

std::string pretrain_key(const BackboneSpec& backbone) {
  // Built-in weights are cached on disk under this key: it stays what earlier
  // releases computed (the pretraining data by its path, "" for a package's),
  // so that their weights, and the trials trained on them, stay valid. A
  // TorchScript backbone is its digest, wherever its file lies.
  json recipe = to_json(backbone);
  recipe.erase("name");
  recipe.erase("torchscript");
  each_dataset_of_backbone(recipe, drop_content);
  return key_of(recipe);
}

std::string target_key(const TargetSpec& target) {
  json data = to_json(target);
  each_dataset_of_target(data, drop_path);
  data.erase("name");
  data.erase("similarity");
  return key_of(data);
}

}  // namespace sweep
