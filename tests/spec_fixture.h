// A small, valid sweep document that tests mutate.
#pragma once

#include <nlohmann/json.hpp>

namespace sweep::testing {

inline nlohmann::json valid_sweep_json() {
  return nlohmann::json::parse(R"({
    "name": "unit",
    "backbones": [{
      "name": "tiny",
      "arch": "resnet10",
      "width": 8,
      "pretrain": {"dataset": "fashion-mnist", "classes": [0, 1, 2], "per_class": 100}
    }],
    "targets": [
      {"name": "near", "similarity": "near", "dataset": "fashion-mnist", "classes": [3, 4],
       "train_per_class": 50},
      {"name": "far", "similarity": "far", "dataset": "opencv-digits", "train_per_class": 40}
    ],
    "grid": {"unfrozen": [0, 2, "all"], "lr": [0.01, 0.1], "seeds": [1, 2]},
    "training": {"epochs": 2, "batch_size": 32}
  })");
}

}  // namespace sweep::testing
