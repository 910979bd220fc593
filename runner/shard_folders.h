// Where a results database keeps its Slurm shards: DB.shards/, one folder per
// submission, laid out as SubmissionLayout says (the batch script, and per
// array task a manifest, a shard and a log). This file finds the folders and
// the shards on disk.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/trial_progress.h"

namespace sweep {

// The absolute path of the shards folder of the database at `db`.
std::string shards_root(const std::string& db);

// The submission folders under `root`, by name (oldest first: names start with
// the submission time).
std::vector<std::string> submission_folders(const std::string& root);

// The shards in a submission folder, by task index.
std::map<int, std::string> shard_files(const std::string& folder);

// What every shard under `root` knows, folded with fold_progress.
std::map<std::string, TrialProgress> shards_progress(const std::string& root);

}  // namespace sweep
