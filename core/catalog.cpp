#include "core/catalog.h"

namespace sweep {

const std::vector<BuiltinArch>& builtin_archs() {
  static const std::vector<BuiltinArch> archs = {
      {"resnet10", {1, 1, 1, 1}},
      {"resnet18", {2, 2, 2, 2}},
  };
  return archs;
}

const BuiltinArch* find_builtin_arch(const std::string& name) {
  for (const auto& arch : builtin_archs()) {
    if (arch.name == name) return &arch;
  }
  return nullptr;
}

std::vector<std::string> builtin_arch_names() {
  std::vector<std::string> names;
  for (const auto& arch : builtin_archs()) names.push_back(arch.name);
  return names;
}

int builtin_block_count(const BuiltinArch& arch) {
  return 1 + static_cast<int>(arch.blocks_per_stage.size());
}

const DatasetInfo* builtin_dataset(DatasetKind kind) {
  static const DatasetInfo fashion{DatasetKind::kFashionMnist,
                                   {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
                                    "Shirt", "Sneaker", "Bag", "Ankle boot"},
                                   6000,
                                   1000,
                                   "/usr/share/datasets/fashion-mnist",
                                   {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                                    "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"},
                                   "dataset-fashion-mnist",
                                   1,
                                   28};
  static const DatasetInfo digits{DatasetKind::kOpencvDigits,
                                  {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"},
                                  500,
                                  0,
                                  "/usr/share/doc/opencv-doc/examples/data/digits.png",
                                  {},
                                  "opencv-doc",
                                  1,
                                  20};
  switch (kind) {
    case DatasetKind::kFashionMnist:
      return &fashion;
    case DatasetKind::kOpencvDigits:
      return &digits;
    case DatasetKind::kImageFolder:
      return nullptr;
  }
  return nullptr;
}

std::vector<std::string> dataset_names() {
  return {dataset_name(DatasetKind::kFashionMnist), dataset_name(DatasetKind::kOpencvDigits),
          dataset_name(DatasetKind::kImageFolder)};
}

}  // namespace sweep
