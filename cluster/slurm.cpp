#include "cluster/slurm.h"

#include <sstream>

#include "core/errors.h"

namespace sweep {
namespace {

// Non-empty lines of a command's stderr, joined with "; ".
std::string one_line(const std::string& text) {
  std::stringstream in(text);
  std::string line, joined;
  while (std::getline(in, line)) {
    const auto begin = line.find_first_not_of(" \t\r");
    if (begin == std::string::npos) continue;
    const auto end = line.find_last_not_of(" \t\r");
    joined += (joined.empty() ? "" : "; ") + line.substr(begin, end - begin + 1);
  }
  return joined;
}

}  // namespace

std::string Slurm::submit(const std::string& script_path) {
  const CommandResult r = runner_.run({"sbatch", "--parsable", script_path});
  if (!r.started) {
    throw InputError("sbatch " + r.error +
                     ": run `sweep submit --slurm` where Slurm's commands are installed (a "
                     "login node), or add --dry-run to see the batch script");
  }
  if (r.exit_code != 0) {
    const std::string why =
        one_line(r.err).empty() ? "exit code " + std::to_string(r.exit_code) : one_line(r.err);
    throw InputError("sbatch rejected the job array: " + why + "; nothing was submitted");
  }
  const auto job = parse_sbatch_job_id(r.out);
  if (!job) {
    throw RuntimeError("sbatch accepted the job array but printed no job id (\"" + one_line(r.out) +
                       "\"); check `squeue --me` and cancel it with scancel");
  }
  return *job;
}

JobTasks Slurm::tasks(const std::string& job_id) {
  JobTasks job;
  const CommandResult queue =
      runner_.run({"squeue", "-h", "-r", "-t", "all", "-j", job_id, "-o", "%i|%T|%R"});
  if (!queue.started) {
    job.unknown = "squeue " + queue.error;
    return job;
  }
  // A job Slurm has forgotten is an error to squeue ("Invalid job id specified").
  const bool forgotten = queue.err.find("Invalid job id") != std::string::npos;
  if (queue.exit_code != 0 && !forgotten) {
    job.unknown = "squeue failed: " + one_line(queue.err);
    return job;
  }
  job.tasks = parse_squeue(queue.out, job_id);
  const CommandResult accounting =
      runner_.run({"sacct", "-n", "-X", "-P", "-j", job_id, "-o", "JobID,State,ExitCode"});
  // Without accounting ("Slurm accounting storage is disabled") squeue is all there is.
  if (accounting.started && accounting.exit_code == 0) {
    for (const auto& [index, state] : parse_sacct(accounting.out, job_id))
      job.tasks.emplace(index, state);  // squeue's word, when it has one, is fresher
  }
  return job;
}

}  // namespace sweep
