#include "runner/slurm_status.h"

#include <filesystem>

#include "cluster/shard_manifest.h"
#include "cluster/submission_layout.h"
#include "runner/shard_folders.h"
#include "storage/shard_merge.h"
#include "storage/submissions.h"

namespace sweep {
namespace {

namespace fs = std::filesystem;

bool finished(const TrialProgress& p) {
  return p.state == TrialState::kDone || p.state == TrialState::kFailed;
}

struct TaskReport {
  std::string line;
  bool ended_unfinished = false;  // Slurm is done with it, some of its trials are not
  int unmerged = 0;               // finished in its shard, not (as far) in the main database
};

TaskReport report_task(const fs::path& folder, int task, const JobTasks& job,
                       const std::map<std::string, TrialProgress>& main) {
  TaskReport report;
  const ShardManifest m = load_manifest(SubmissionLayout(folder.string()).manifest(task));
  report.line = "    task " + std::to_string(task) + ", " + m.backbone + " on " + m.target + ": ";
  const auto state = job.tasks.find(task);
  if (job.unknown.empty()) {
    report.line += state == job.tasks.end()
                       ? "no longer in Slurm's queue; "
                       : state->second.state +
                             (state->second.detail.empty() ? "" : " " + state->second.detail) +
                             "; ";
  }
  const bool ended =
      job.unknown.empty() && (state == job.tasks.end() || !task_may_run(state->second.state));
  const bool has_shard = fs::exists(m.shard_path);
  std::map<std::string, TrialProgress> progress;
  if (has_shard) {
    ResultsStore shard(m.shard_path, Access::kImmutable);
    progress = stored_progress(shard);
  }
  int done = 0, failed = 0;
  for (const std::string& id : m.trial_ids) {
    const auto in_main = main.find(id);
    const TrialProgress main_progress = in_main == main.end() ? TrialProgress{} : in_main->second;
    const auto it = progress.find(id);
    const TrialProgress shard_progress = it == progress.end() ? TrialProgress{} : it->second;
    done += shard_progress.state == TrialState::kDone;
    failed += shard_progress.state == TrialState::kFailed;
    if (in_main == main.end() ? finished(shard_progress)
                              : supersedes(shard_progress, main_progress))
      ++report.unmerged;
    // Left behind by a task that ended, and not finished since by anyone.
    if (ended && !finished(shard_progress) && !finished(main_progress))
      report.ended_unfinished = true;
  }
  if (!has_shard) {
    report.line += "no shard yet";
    return report;
  }
  report.line +=
      std::to_string(done) + " of " + std::to_string(m.trial_ids.size()) + " trials done";
  if (failed > 0) report.line += ", " + std::to_string(failed) + " failed";
  report.line += " in its shard";
  return report;
}

}  // namespace

std::string describe_submissions(ResultsStore& store, const std::string& db,
                                 const std::string& sweep, Slurm& slurm) {
  const std::vector<Submission> jobs = submissions(store, sweep);
  if (jobs.empty()) return "";
  const std::string root = shards_root(db);
  const auto main = stored_progress(store);
  std::string out;
  int unmerged = 0;
  bool ended_unfinished = false;
  for (const Submission& s : jobs) {
    const JobTasks job = slurm.tasks(s.job_id);
    out += "  Slurm job " + s.job_id + " (submitted " + s.submitted_at + "; " +
           std::to_string(s.tasks) + (s.tasks == 1 ? " task, " : " tasks, ") +
           std::to_string(s.trials) + " trials; shards in " + db + ".shards/" + s.folder + ")";
    out += job.unknown.empty() ? ":\n" : ": Slurm state unknown (" + job.unknown + "):\n";
    if (!fs::is_directory(fs::path(root) / s.folder)) {
      out += "    its folder is gone; its tasks' results are lost unless merged before\n";
      continue;
    }
    for (int task = 0; task < s.tasks; ++task) {
      const TaskReport r = report_task(fs::path(root) / s.folder, task, job, main);
      out += r.line + "\n";
      unmerged += r.unmerged;
      ended_unfinished = ended_unfinished || r.ended_unfinished;
    }
  }
  if (unmerged > 0) {
    out += "  " + std::to_string(unmerged) + (unmerged == 1 ? " trial" : " trials") +
           " finished in shards, not merged yet: `sweep merge --db " + db + "` folds them in\n";
  }
  if (ended_unfinished) {
    out += "  tasks ended with trials left: after `sweep merge`, `sweep submit --slurm FILE --db " +
           db + "` submits what is not done\n";
  }
  return out;
}

}  // namespace sweep
