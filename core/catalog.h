// What sweep knows without touching the disk: the built-in architectures and the
// datasets Debian ships. Used to validate sweep files before anything runs; the
// loaders in experiments/ read the same tables.
#pragma once

#include <string>
#include <vector>

#include "core/sweep_spec.h"

namespace sweep {

struct BuiltinArch {
  std::string name;
  std::vector<int> blocks_per_stage;  // BasicBlocks in each of the four stages
};

const std::vector<BuiltinArch>& builtin_archs();
const BuiltinArch* find_builtin_arch(const std::string& name);
std::vector<std::string> builtin_arch_names();
// Freeze units of a built-in backbone: the stem and each stage.
int builtin_block_count(const BuiltinArch& arch);

// A dataset that ships with Debian: fixed classes and sizes.
struct DatasetInfo {
  DatasetKind kind;
  std::vector<std::string> class_names;
  int pool_per_class;       // images per class that train and validation are drawn from
  int test_pool_per_class;  // images per class of a separate test set; 0 = test shares the pool
  std::string default_path;
  // The files in the folder at default_path (or the sweep file's path); empty:
  // the path is the one file.
  std::vector<std::string> files;
  std::string package;  // the Debian package that provides it
  int channels;
  int image_size;
};

// nullptr for image-folder, whose classes and sizes are only known on disk.
const DatasetInfo* builtin_dataset(DatasetKind kind);
std::vector<std::string> dataset_names();

}  // namespace sweep
