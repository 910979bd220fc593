// What one array task of a Slurm submission runs: written by `sweep submit
// --slurm` into the submission's folder (task-N.json), read by `sweep shard-run`
// on the node the task lands on. It carries the whole canonical sweep, so a task
// needs nothing but this file and the datasets.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

#include "core/sweep_spec.h"

namespace sweep {

constexpr int kManifestFormat = 1;

struct ShardManifest {
  SweepSpec sweep;         // canonical, as registered in the main database
  std::string submission;  // the submission's folder name
  int task = 0;            // the array task index
  std::string backbone;    // the (backbone, target) pair the task runs
  std::string target;
  std::vector<std::string> trial_ids;   // grid order
  std::map<std::string, int> attempts;  // attempts before this submission
  std::string shard_path;               // absolute: where the task publishes its results database
  std::string cache_dir;                // absolute: pretrained weights, shared by the tasks
};

nlohmann::json to_json(const ShardManifest& manifest);
// Throws InputError naming `source` when the document is not a manifest this
// sweep reads.
ShardManifest read_manifest(const nlohmann::json& value, const std::string& source);

void save_manifest(const ShardManifest& manifest, const std::string& path);
ShardManifest load_manifest(const std::string& path);

}  // namespace sweep
