#include "core/identity.h"

#include "core/sha256.h"
#include "core/spec_json.h"

namespace sweep {

std::string trial_id(const TrialSpec& trial) {
  return sha256_hex(to_json(trial).dump()).substr(0, 16);
}

namespace {

// The key of a trial's configuration with one field left out.
std::string key_without(const TrialSpec& trial, const char* field) {
  nlohmann::json config = to_json(trial);
  config.erase(field);
  return sha256_hex(config.dump()).substr(0, 16);
}

}  // namespace

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
  nlohmann::json recipe = to_json(backbone);
  recipe.erase("name");
  return sha256_hex(recipe.dump()).substr(0, 16);
}

std::string target_key(const TargetSpec& target) {
  nlohmann::json data = to_json(target);
  data.erase("name");
  data.erase("similarity");
  return sha256_hex(data.dump()).substr(0, 16);
}

}  // namespace sweep
