// A small, valid sweep document that tests mutate.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "core/errors.h"
#include "core/sweep_file.h"

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

// The messages a sweep file's text is refused with, as "s.json"; none when accepted.
inline std::vector<std::string> errors_of_text(const std::string& text) {
  try {
    parse_sweep_text(text, "s.json");
  } catch (const InputError& e) {
    return e.lines();
  }
  return {};
}

inline std::vector<std::string> errors_of(const nlohmann::json& document) {
  return errors_of_text(document.dump(2));
}

}  // namespace sweep::testing
