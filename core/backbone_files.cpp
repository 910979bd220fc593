#include "core/backbone_files.h"

#include <filesystem>

#include "core/errors.h"
#include "core/path_kind.h"
#include "core/read_file.h"
#include "core/spec_json.h"

namespace sweep {
namespace {

using nlohmann::json;

const char* kFormat = "sweep-backbone/1";

}  // namespace

std::string metadata_path(const std::string& torchscript_path) {
  return std::filesystem::path(torchscript_path).replace_extension(".json").string();
}

BackboneMetadata read_backbone_metadata(const std::string& torchscript_path) {
  const std::string path = metadata_path(torchscript_path);
  const auto text = read_file(path);
  if (!text) {
    throw InputError(path +
                     ": missing; a TorchScript backbone needs its metadata beside it "
                     "(scripts/export_torchvision.py writes both)");
  }
  json document;
  try {
    document = json::parse(*text);
  } catch (const json::parse_error& e) {
    throw InputError(path + ": invalid JSON: " + e.what());
  }
  Diagnostics diag(path);
  ObjectReader in(document, "", diag);
  BackboneMetadata meta;
  if (in.string_or("format", "") != kFormat) {
    diag.error("/format", std::string("expected \"") + kFormat + "\"");
  }
  meta.model = in.string_or("model", "");
  in.string_or("weights", "");
  meta.image_size = static_cast<int>(in.integer_or("image_size", 0, 8, 4096));
  meta.channels = static_cast<int>(in.integer_or("channels", 0, 1, 3));
  meta.feature_dim = static_cast<int>(in.integer_or("feature_dim", 0, 1, 1 << 20));
  const auto floats = [&](const char* key) {
    std::vector<float> values;
    const json* v = in.require(key, "one number per channel");
    if (!v) return values;
    if (!v->is_array() || v->size() != static_cast<size_t>(meta.channels)) {
      diag.error(in.path_of(key),
                 "expected " + std::to_string(meta.channels) + " numbers, one per channel");
      return values;
    }
    for (size_t i = 0; i < v->size(); ++i) {
      const auto number =
          read_number((*v)[i], json_pointer_child(in.path_of(key), i), diag, 0.0, false);
      values.push_back(static_cast<float>(number.value_or(0.0)));
    }
    return values;
  };
  meta.mean = floats("mean");
  meta.std = floats("std");
  if (const json* blocks = in.require("blocks", "the names of the module's top-level children")) {
    if (!blocks->is_array() || blocks->empty()) {
      diag.error(in.path_of("blocks"), "expected a non-empty list of block names");
    } else {
      for (size_t i = 0; i < blocks->size(); ++i) {
        meta.blocks.push_back(
            read_string((*blocks)[i], json_pointer_child(in.path_of("blocks"), i), diag)
                .value_or(""));
      }
    }
  }
  for (const char* key : {"image_size", "channels", "feature_dim"}) {
    if (!in.find(key)) diag.error("", std::string("missing key \"") + key + "\"");
  }
  in.finish();
  diag.throw_if_any();
  return meta;
}

void resolve_backbone_files(SweepSpec& spec, Diagnostics& diag) {
  for (size_t i = 0; i < spec.backbones.size(); ++i) {
    BackboneSpec& backbone = spec.backbones[i];
    if (!backbone.is_torchscript()) continue;
    const std::string path = json_pointer_child(json_pointer_child("/backbones", i), "torchscript");
    try {
      switch (path_kind(backbone.torchscript)) {
        case PathKind::kFile:
          break;
        case PathKind::kMissing:
          throw InputError(backbone.torchscript + " does not exist");
        case PathKind::kFolder:
          throw InputError(backbone.torchscript +
                           " is a folder; name the TorchScript file (.pt) inside it");
        case PathKind::kOther:
          throw InputError(backbone.torchscript + " is not a regular file");
      }
      const BackboneMetadata meta = read_backbone_metadata(backbone.torchscript);
      backbone.blocks = static_cast<int>(meta.blocks.size());
      backbone.channels = meta.channels;
      backbone.image_size = meta.image_size;
    } catch (const InputError& e) {
      for (const auto& line : e.lines()) diag.error(path, line);
    }
  }
  check_depths(spec, diag);
}

}  // namespace sweep
