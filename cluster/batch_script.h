// The batch script of a Slurm submission: one job array whose task N runs
// `sweep shard-run FOLDER/task-N.json` on the node it lands on. Pure.
#pragma once

#include <optional>
#include <string>

namespace sweep {

struct BatchSettings {
  std::string job_name;      // see slurm_job_name()
  int tasks = 1;             // array tasks 0..tasks-1
  int max_parallel = 0;      // the array's %K throttle; 0 = none
  std::string partition;     // "" = the cluster's default
  int gpus_per_task = 0;     // --gres=gpu:N; Slurm sets CUDA_VISIBLE_DEVICES
  int cpus_per_task = 0;     // 0 = the cluster's default
  std::string time;          // time limit per task, Slurm's format; "" = the partition's
  std::string sweep_binary;  // absolute path of the sweep that runs the tasks
  std::string folder;        // absolute path of the submission's folder
};

std::string batch_script(const BatchSettings& settings);

// "sweep-" and the sweep's name with anything but letters, digits, '.', '_'
// and '-' replaced by '_'.
std::string slurm_job_name(const std::string& sweep_name);

// The first character of `value` that a #SBATCH line would misread (a space, a
// quote, '#'...), if any.
std::optional<char> unsafe_slurm_char(const std::string& value);

// Throws InputError naming `option` when unsafe_slurm_char finds one.
void check_slurm_value(const std::string& option, const std::string& value);

}  // namespace sweep
