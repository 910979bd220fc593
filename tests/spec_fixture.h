// What the storage, sweep-file and scheduler tests share: a small valid sweep
// document they mutate, the errors a document is refused with, and a finished
// trial's result.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "core/errors.h"
#include "core/records.h"
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

// A finished trial's result with every field set, at this validation accuracy.
inline TrialResult sample_result(double accuracy) {
  TrialResult r;
  r.val_accuracy = accuracy;
  r.test_accuracy = accuracy - 0.01;
  r.train_seconds = 2.5;
  r.device_seconds = 2.5;
  r.device = "cpu";
  r.trainable_params = 10;
  r.total_params = 100;
  r.frozen_input = FrozenInput::kDisk;
  r.epochs = {{1, 0.1, 1.5, 0.4, 1.4, 0.45, 1.0}, {2, 0.05, 0.9, 0.7, 1.0, 0.6, 1.2}};
  r.environment = {"0.1.0", "1.13.0", "cpu", "", "host", "linux", 2};
  return r;
}

}  // namespace sweep::testing
