#include "core/identity.h"

#include "core/sha256.h"
#include "core/spec_json.h"

namespace sweep {

std::string trial_id(const TrialSpec& trial) {
  return sha256_hex(to_json(trial).dump()).substr(0, 16);
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
