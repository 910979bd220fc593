#include "core/image_folder_index.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>

#include "core/errors.h"

namespace sweep {
namespace {

namespace fs = std::filesystem;

// torchvision.datasets.folder.IMG_EXTENSIONS
constexpr std::array<const char*, 9> kImageExtensions = {".jpg", ".jpeg", ".png",  ".ppm", ".bmp",
                                                         ".pgm", ".tif",  ".tiff", ".webp"};

bool is_hidden(const fs::path& path) { return path.filename().string().rfind('.', 0) == 0; }

// The files below one class folder, images and the others apart.
FolderClass scan_class(const fs::path& folder) {
  FolderClass cls;
  cls.name = folder.filename().string();
  const auto options = fs::directory_options::follow_directory_symlink;
  for (auto it = fs::recursive_directory_iterator(folder, options);
       it != fs::recursive_directory_iterator(); ++it) {
    const fs::path& path = it->path();
    if (it->is_directory()) {
      if (is_hidden(path)) {
        cls.skipped.push_back({path.string() + "/", SkipReason::kHidden});
        it.disable_recursion_pending();
      }
      continue;
    }
    if (!it->is_regular_file()) continue;
    if (is_hidden(path)) {
      cls.skipped.push_back({path.string(), SkipReason::kHidden});
    } else if (!has_image_extension(path.string())) {
      cls.skipped.push_back({path.string(), SkipReason::kUnsupportedType});
    } else {
      cls.files.push_back(path.string());
    }
  }
  std::sort(cls.files.begin(), cls.files.end());
  std::sort(cls.skipped.begin(), cls.skipped.end(),
            [](const SkippedFile& a, const SkippedFile& b) { return a.path < b.path; });
  return cls;
}

// "of an unsupported type", "hidden", "that does not decode"
std::string reason_phrase(SkipReason reason, long count) {
  switch (reason) {
    case SkipReason::kUnsupportedType:
      return "of an unsupported type";
    case SkipReason::kHidden:
      return "hidden";
    case SkipReason::kNotDecoded:
      return count == 1 ? "that does not decode" : "that do not decode";
  }
  return "";
}

std::string relative_to(const std::string& path, const std::string& root) {
  const std::string relative = fs::path(path).lexically_relative(root).generic_string();
  return relative.empty() || relative.rfind("..", 0) == 0 ? path : relative;
}

}  // namespace

bool has_image_extension(const std::string& path) {
  std::string ext = fs::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::find(kImageExtensions.begin(), kImageExtensions.end(), ext) != kImageExtensions.end();
}

bool is_chosen_class(const std::vector<std::string>& chosen, const std::string& name) {
  return chosen.empty() || std::find(chosen.begin(), chosen.end(), name) != chosen.end();
}

FolderIndex scan_image_folder(const std::string& root) {
  std::error_code error;
  if (!fs::is_directory(root, error)) {
    throw InputError(root + ": not a folder (an image-folder dataset is ROOT/<class>/<image>)");
  }
  FolderIndex index;
  index.root = root;
  try {
    for (const auto& entry : fs::directory_iterator(root)) {
      if (!entry.is_directory() || is_hidden(entry.path())) continue;
      index.classes.push_back(scan_class(entry.path()));
    }
  } catch (const fs::filesystem_error& e) {
    throw InputError(root + ": cannot list the folder: " + e.code().message());
  }
  std::sort(index.classes.begin(), index.classes.end(),
            [](const FolderClass& a, const FolderClass& b) { return a.name < b.name; });
  return index;
}

std::string describe_skipped(const std::vector<SkippedFile>& skipped, const std::string& root) {
  if (skipped.empty()) return "";
  std::string text =
      std::to_string(skipped.size()) + (skipped.size() == 1 ? " file" : " files") + " skipped: ";
  bool first = true;
  for (SkipReason reason :
       {SkipReason::kUnsupportedType, SkipReason::kHidden, SkipReason::kNotDecoded}) {
    const auto of_reason = [reason](const SkippedFile& f) { return f.reason == reason; };
    const auto count = std::count_if(skipped.begin(), skipped.end(), of_reason);
    if (count == 0) continue;
    const auto example = std::find_if(skipped.begin(), skipped.end(), of_reason);
    text += std::string(first ? "" : ", ") + std::to_string(count) + " " +
            reason_phrase(reason, count) + " (first: " + relative_to(example->path, root) + ")";
    first = false;
  }
  return text;
}

}  // namespace sweep
