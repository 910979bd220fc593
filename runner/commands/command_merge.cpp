#include "runner/commands/command_merge.h"

#include <cstdio>
#include <memory>

#include "cluster/submission_layout.h"
#include "core/errors.h"
#include "core/path_kind.h"
#include "runner/commands/cli.h"
#include "runner/shard_folders.h"
#include "storage/shard_merge.h"

namespace sweep {
namespace {

struct MergeOptions {
  std::string db = "sweep.db";
};

std::string describe(const MergeCount& c) {
  return std::to_string(c.done) + " done and " + std::to_string(c.failed) + " failed merged, " +
         std::to_string(c.unchanged) + " already there, " + std::to_string(c.unfinished) +
         " not finished";
}

int merge(const MergeOptions& o) {
  if (path_kind(o.db) == PathKind::kMissing) {
    throw InputError(o.db + ": no results database; `sweep submit --slurm FILE --db " + o.db +
                     "` creates it, or pass --db");
  }
  ResultsStore store(o.db, Access::kReadWrite);
  const std::string root = shards_root(o.db);
  MergeCount total;
  int shards = 0, broken = 0;
  for (const std::string& folder : submission_folders(root)) {
    for (const auto& [task, path] : shard_files(folder)) {
      const std::string name = SubmissionLayout(folder).shard_label(task);
      try {
        const MergeCount c = merge_shard(store, path);
        std::printf("%s: %s\n", name.c_str(), describe(c).c_str());
        total.done += c.done;
        total.failed += c.failed;
        total.unchanged += c.unchanged;
        total.unfinished += c.unfinished;
        ++shards;
      } catch (const std::exception& e) {
        // One unreadable shard must not keep the others out.
        std::fprintf(stderr, "sweep: %s: not merged: %s\n", name.c_str(), e.what());
        ++broken;
      }
    }
  }
  if (shards + broken == 0) {
    std::printf("%s: no shards to merge\n", root.c_str());
    return kExitOk;
  }
  std::printf("merged %d shards into %s: %s\n", shards, o.db.c_str(), describe(total).c_str());
  return broken > 0 ? kExitTrialsFailed : kExitOk;
}

}  // namespace

void add_merge_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<MergeOptions>();
  CLI::App* command = app.add_subcommand(
      "merge", "Fold the results of Slurm array tasks (DB.shards/) into the results database");
  add_db_option(*command, o->db);
  command->callback([o, &exit_code] { exit_code = run_guarded([&] { return merge(*o); }); });
}

}  // namespace sweep
