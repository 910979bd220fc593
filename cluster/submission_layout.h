// The files of one Slurm submission's folder, DB.shards/<submission>/: the
// batch script (submit.sh), and per array task N its manifest (task-N.json),
// its shard (task-N.db) and its log (logs/task-N.log). The one place these
// names are spelt. Pure: it makes paths and reads names, and touches no file.
#pragma once

#include <optional>
#include <string>

namespace sweep {

class SubmissionLayout {
 public:
  // `folder`: the submission's folder, as the callers want the paths (the
  // batch script and the manifests take it absolute).
  explicit SubmissionLayout(std::string folder);

  const std::string& folder() const { return folder_; }
  // The submission's name: the folder's last component.
  std::string name() const;

  std::string script() const;            // FOLDER/submit.sh
  std::string manifest(int task) const;  // FOLDER/task-N.json
  std::string shard(int task) const;     // FOLDER/task-N.db
  std::string logs() const;              // FOLDER/logs
  std::string log(int task) const;       // FOLDER/logs/task-N.log
  // sbatch's --output: the log file with the task index left to Slurm (%a).
  std::string log_pattern() const;
  // The manifest of the task whose index the shell puts between the two
  // halves, e.g. "${SLURM_ARRAY_TASK_ID}" in the batch script.
  std::string manifest_prefix() const;   // FOLDER/task-
  static const char* manifest_suffix();  // .json

  // "SUBMISSION/task-N.db": a shard as messages name it.
  std::string shard_label(int task) const;

  // The task index of a shard's file name ("task-3.db" -> 3); nullopt for any
  // other name.
  static std::optional<int> shard_task(const std::string& file_name);

 private:
  std::string folder_;
};

}  // namespace sweep
