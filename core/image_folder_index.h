// Which files of an image folder are images, the torchvision ImageFolder way:
// ROOT/<class>/<image>, images anywhere below their class folder, the image
// types torchvision takes (.jpg .jpeg .png .ppm .bmp .pgm .tif .tiff .webp, in
// any case). Hidden files and folders (a name starting with a dot) are passed
// over, and so is any file of another type; each is remembered with why, so
// that `validate` and `run` can say what was left out. Decoding is not done
// here (experiments/data/image_folder.h). Reads only the folder listing.
#pragma once

#include <string>
#include <vector>

namespace sweep {

enum class SkipReason {
  kUnsupportedType,  // not one of the image types
  kHidden,           // a hidden file, or a file in a hidden folder
  kNotDecoded,       // an image type that did not decode (found when decoding)
};

struct SkippedFile {
  std::string path;
  SkipReason reason = SkipReason::kUnsupportedType;
};

struct FolderClass {
  std::string name;
  std::vector<std::string> files;    // the images, sorted paths
  std::vector<SkippedFile> skipped;  // passed over, sorted by path
};

struct FolderIndex {
  std::string root;
  std::vector<FolderClass> classes;  // the class folders, sorted by name
};

// Whether a file's name ends in one of the image types, in any case.
bool has_image_extension(const std::string& path);

// Whether the class folder `name` is among `chosen`, the class names a sweep
// file gives (none: every class is).
bool is_chosen_class(const std::vector<std::string>& chosen, const std::string& name);

// Lists the class folders and their files without decoding anything.
// Throws InputError when `root` is not a readable folder.
FolderIndex scan_image_folder(const std::string& root);

// How one class's skipped files read: "3 files skipped: 2 of an unsupported
// type (first: cats/notes.txt), 1 hidden (first: cats/.DS_Store)"; "" when
// none. Paths are given relative to `root`.
std::string describe_skipped(const std::vector<SkippedFile>& skipped, const std::string& root);

}  // namespace sweep
