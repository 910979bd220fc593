#include "cluster/submission_layout.h"

#include <filesystem>
#include <utility>

namespace sweep {
namespace {

namespace fs = std::filesystem;

constexpr const char* kTaskPrefix = "task-";

std::string task_file(int task, const char* extension) {
  return kTaskPrefix + std::to_string(task) + extension;
}

}  // namespace

SubmissionLayout::SubmissionLayout(std::string folder) : folder_(std::move(folder)) {}

std::string SubmissionLayout::name() const { return fs::path(folder_).filename().string(); }

std::string SubmissionLayout::script() const { return (fs::path(folder_) / "submit.sh").string(); }

std::string SubmissionLayout::manifest(int task) const {
  return (fs::path(folder_) / task_file(task, manifest_suffix())).string();
}

std::string SubmissionLayout::shard(int task) const {
  return (fs::path(folder_) / task_file(task, ".db")).string();
}

std::string SubmissionLayout::logs() const { return (fs::path(folder_) / "logs").string(); }

std::string SubmissionLayout::log(int task) const {
  return (fs::path(logs()) / task_file(task, ".log")).string();
}

std::string SubmissionLayout::log_pattern() const {
  return (fs::path(logs()) / (std::string(kTaskPrefix) + "%a.log")).string();
}

std::string SubmissionLayout::manifest_prefix() const {
  return (fs::path(folder_) / kTaskPrefix).string();
}

const char* SubmissionLayout::manifest_suffix() { return ".json"; }

std::string SubmissionLayout::shard_label(int task) const {
  return name() + "/" + task_file(task, ".db");
}

std::optional<int> SubmissionLayout::shard_task(const std::string& file_name) {
  const std::string prefix = kTaskPrefix, suffix = ".db";
  if (file_name.size() <= prefix.size() + suffix.size() || file_name.rfind(prefix, 0) != 0 ||
      file_name.compare(file_name.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return std::nullopt;
  }
  const std::string index =
      file_name.substr(prefix.size(), file_name.size() - prefix.size() - suffix.size());
  if (index.size() > 9 || index.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return std::stoi(index);
}

}  // namespace sweep
