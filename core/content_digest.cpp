#include "core/content_digest.h"

#include <filesystem>
#include <sstream>

#include "core/catalog.h"
#include "core/errors.h"
#include "core/file_write.h"
#include "core/image_folder_index.h"
#include "core/read_file.h"
#include "core/sha256.h"
#include "core/spec_json.h"

namespace sweep {
namespace {

namespace fs = std::filesystem;

// One line of the memo: size, modification time, digest and path, tab-separated.
constexpr const char* kMemoHeader = "sweep-file-digests/1";

std::string folder_digest(const DataSpec& data, FileDigests& digests) {
  const FolderIndex index = scan_image_folder(data.path);
  std::string listing;
  for (const FolderClass& cls : index.classes) {
    if (!is_chosen_class(data.class_names, cls.name)) continue;
    for (const std::string& file : cls.files) {
      listing += fs::path(file).lexically_relative(data.path).generic_string() + "\t" +
                 digests.of(file) + "\n";
    }
  }
  return sha256_hex(listing);
}

}  // namespace

FileDigests::FileDigests(System& system, std::string memo_path)
    : system_(system), memo_path_(std::move(memo_path)) {
  if (memo_path_.empty()) return;
  const std::optional<std::string> text = read_file(memo_path_);
  if (!text) return;
  std::istringstream lines(*text);
  std::string line;
  if (!std::getline(lines, line) || line != kMemoHeader) return;  // another format: start anew
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    Entry entry;
    std::string path;
    if (fields >> entry.size >> entry.mtime >> entry.sha256 && fields.get() == '\t' &&
        std::getline(fields, path)) {
      entries_[path] = entry;
    }
  }
}

std::string FileDigests::of(const std::string& path) {
  std::error_code error;
  const uint64_t size = fs::file_size(path, error);
  const int64_t mtime =
      error ? 0 : static_cast<int64_t>(fs::last_write_time(path, error).time_since_epoch().count());
  if (error) throw InputError(path + ": cannot read (" + error.message() + ")");
  const auto known = entries_.find(path);
  if (known != entries_.end() && known->second.size == size && known->second.mtime == mtime) {
    return known->second.sha256;
  }
  const std::optional<std::string> bytes = read_file(path);
  if (!bytes) throw InputError(path + ": cannot read");
  const std::string digest = sha256_hex(*bytes);
  entries_[path] = Entry{size, mtime, digest};
  changed_ = true;
  return digest;
}

void FileDigests::save() {
  if (memo_path_.empty() || !changed_) return;
  try {
    fs::create_directories(fs::path(memo_path_).parent_path());
    write_file(system_, memo_path_, [this](std::ostream& out) {
      out << kMemoHeader << "\n";
      for (const auto& [path, entry] : entries_) {
        out << entry.size << "\t" << entry.mtime << "\t" << entry.sha256 << "\t" << path << "\n";
      }
    });
    changed_ = false;
  } catch (const std::exception&) {
    // Only a memo: the digests are computed again next time.
  }
}

std::vector<std::string> builtin_data_files(const DataSpec& data) {
  const DatasetInfo* info = builtin_dataset(data.kind);
  const std::string root = data.path.empty() ? info->default_path : data.path;
  if (info->files.empty()) return {root};
  std::vector<std::string> files;
  for (const std::string& name : info->files) files.push_back((fs::path(root) / name).string());
  return files;
}

std::string data_digest(const DataSpec& data, FileDigests& digests) {
  if (data.kind == DatasetKind::kImageFolder) return folder_digest(data, digests);
  std::string listing;
  for (const std::string& file : builtin_data_files(data)) {
    listing += fs::path(file).filename().string() + "\t" + digests.of(file) + "\n";
  }
  return sha256_hex(listing);
}

void fill_data_digests(SweepSpec& spec, FileDigests& digests, Diagnostics& diag) {
  // A dataset's digest once, however many targets, levels and sources name it.
  std::map<std::string, std::string> known;
  const auto fill = [&](DataSpec& data, const std::string& path) {
    const std::string key = to_json(data).dump();
    auto it = known.find(key);
    if (it == known.end()) {
      try {
        it = known.emplace(key, data_digest(data, digests)).first;
      } catch (const InputError& e) {
        diag.error(path, e.lines().at(0));
        return;
      }
    }
    data.content_sha256 = it->second;
  };
  for (size_t i = 0; i < spec.backbones.size(); ++i) {
    if (spec.backbones[i].is_torchscript()) continue;
    fill(spec.backbones[i].pretrain.data,
         json_pointer_child(json_pointer_child("/backbones", i), "pretrain"));
  }
  for (size_t i = 0; i < spec.targets.size(); ++i) {
    TargetSpec& target = spec.targets[i];
    fill(target.data, target_path(spec, i));
    for (size_t k = 0; k < target.shift.size(); ++k) {
      if (target.shift[k].kind != ShiftKind::kMix) continue;
      fill(target.shift[k].mix,
           json_pointer_child(json_pointer_child(target_path(spec, i), "shift"), k));
    }
  }
  digests.save();
}

}  // namespace sweep
