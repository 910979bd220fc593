// What sweep needs to know about a TorchScript backbone before anything runs,
// read from the disk without LibTorch: its metadata file (written beside it by
// scripts/export_torchvision.py) and the file's content hash.
#pragma once

#include <string>
#include <vector>

#include "core/json_reader.h"
#include "core/sweep_spec.h"

namespace sweep {

struct BackboneMetadata {
  std::string model;
  int image_size = 0;
  int channels = 0;
  std::vector<float> mean, std;
  std::vector<std::string> blocks;
  int feature_dim = 0;
};

// FILE.pt -> FILE.json
std::string metadata_path(const std::string& torchscript_path);

// Throws InputError naming the metadata file and what is wrong with it.
BackboneMetadata read_backbone_metadata(const std::string& torchscript_path);

// For each TorchScript backbone: checks its file and metadata, and fills in its
// block count, channels and image size; then checks the grid's depths against
// the block counts. Problems are reported with the backbone's JSON path.
void resolve_backbone_files(SweepSpec& spec, Diagnostics& diag);

}  // namespace sweep
