#include "runner/shard_folders.h"

#include <algorithm>
#include <filesystem>

#include "cluster/submission_layout.h"
#include "storage/shard_merge.h"

namespace sweep {
namespace {

namespace fs = std::filesystem;

}  // namespace

std::string shards_root(const std::string& db) {
  return fs::absolute(db).lexically_normal().string() + ".shards";
}

std::vector<std::string> submission_folders(const std::string& root) {
  std::vector<std::string> folders;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(root, error)) {
    if (entry.is_directory()) folders.push_back(entry.path().string());
  }
  std::sort(folders.begin(), folders.end());
  return folders;
}

std::map<int, std::string> shard_files(const std::string& folder) {
  std::map<int, std::string> shards;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(folder, error)) {
    const auto task = SubmissionLayout::shard_task(entry.path().filename().string());
    if (task) shards[*task] = entry.path().string();
  }
  return shards;
}

std::map<std::string, TrialProgress> shards_progress(const std::string& root) {
  std::map<std::string, TrialProgress> progress;
  for (const std::string& folder : submission_folders(root)) {
    for (const auto& [task, path] : shard_files(folder)) {
      ResultsStore shard(path, Access::kImmutable);
      fold_progress(progress, stored_progress(shard));
    }
  }
  return progress;
}

}  // namespace sweep
