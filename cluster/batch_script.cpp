#include "cluster/batch_script.h"

#include <cctype>

#include "cluster/submission_layout.h"
#include "core/errors.h"

namespace sweep {
namespace {

bool plain(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
}

// A word for the shell: single quotes unless it needs none.
std::string shell_word(const std::string& text) {
  bool safe = !text.empty();
  for (char c : text) safe = safe && (plain(c) || c == '/' || c == ':' || c == '+' || c == ',');
  if (safe) return text;
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

}  // namespace

std::string slurm_job_name(const std::string& sweep_name) {
  std::string name = "sweep-";
  for (char c : sweep_name) name += plain(c) ? c : '_';
  return name;
}

std::optional<char> unsafe_slurm_char(const std::string& value) {
  for (char c : value) {
    if (!plain(c) && c != ':' && c != ',' && c != '/' && c != '+' && c != '=') return c;
  }
  return std::nullopt;
}

void check_slurm_value(const std::string& option, const std::string& value) {
  if (const auto c = unsafe_slurm_char(value)) {
    throw InputError(option + " \"" + value + "\": Slurm values here are letters, digits and " +
                     ". _ - : , / + =; got '" + std::string(1, *c) + "'");
  }
}

std::string batch_script(const BatchSettings& s) {
  const SubmissionLayout layout(s.folder);
  std::string text =
      "#!/bin/bash\n"
      "# Written by `sweep submit --slurm`: array task N runs the trials of one\n"
      "# (backbone, target) pair, listed in task-N.json, and publishes its results\n"
      "# to task-N.db; `sweep merge` folds those into the main database.\n";
  const auto option = [&text](const std::string& line) { text += "#SBATCH " + line + "\n"; };
  option("--job-name=" + s.job_name);
  std::string array = "--array=0-" + std::to_string(s.tasks - 1);
  if (s.max_parallel > 0) array += "%" + std::to_string(s.max_parallel);
  option(array);
  option("--output=" + layout.log_pattern());
  option("--open-mode=append");  // a requeued task adds to its log
  option("--requeue");           // a preempted task runs again and resumes from its shard
  if (!s.partition.empty()) option("--partition=" + s.partition);
  if (s.gpus_per_task > 0) option("--gres=gpu:" + std::to_string(s.gpus_per_task));
  if (s.cpus_per_task > 0) option("--cpus-per-task=" + std::to_string(s.cpus_per_task));
  if (!s.time.empty()) option("--time=" + s.time);
  text += "exec " + shell_word(s.sweep_binary) + " shard-run " +
          shell_word(layout.manifest_prefix()) + "\"${SLURM_ARRAY_TASK_ID}\"" +
          SubmissionLayout::manifest_suffix() + "\n";
  return text;
}

}  // namespace sweep
