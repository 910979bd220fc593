#include "cluster/shard_manifest.h"

#include <fstream>

#include "core/errors.h"
#include "core/read_file.h"
#include "core/spec_json.h"

namespace sweep {

using nlohmann::json;

json to_json(const ShardManifest& m) {
  return {{"format", kManifestFormat}, {"submission", m.submission}, {"task", m.task},
          {"backbone", m.backbone},    {"target", m.target},         {"trials", m.trial_ids},
          {"attempts", m.attempts},    {"shard", m.shard_path},      {"cache", m.cache_dir},
          {"sweep", to_json(m.sweep)}};
}

ShardManifest read_manifest(const json& value, const std::string& source) {
  ShardManifest m;
  try {
    const int format = value.at("format").get<int>();
    if (format != kManifestFormat) {
      throw InputError(source + ": shard manifest format " + std::to_string(format) +
                       ", but this sweep reads format " + std::to_string(kManifestFormat) +
                       "; submit the sweep again with this sweep");
    }
    m.submission = value.at("submission").get<std::string>();
    m.task = value.at("task").get<int>();
    m.backbone = value.at("backbone").get<std::string>();
    m.target = value.at("target").get<std::string>();
    m.trial_ids = value.at("trials").get<std::vector<std::string>>();
    m.attempts = value.at("attempts").get<std::map<std::string, int>>();
    m.shard_path = value.at("shard").get<std::string>();
    m.cache_dir = value.at("cache").get<std::string>();
    Diagnostics diag(source);
    m.sweep = read_canonical_sweep(value.at("sweep"), diag);
    diag.throw_if_any();
  } catch (const json::exception& e) {
    throw InputError(source + ": not a shard manifest written by `sweep submit` (" + e.what() +
                     ")");
  }
  return m;
}

void save_manifest(const ShardManifest& manifest, const std::string& path) {
  std::ofstream out(path);
  out << to_json(manifest).dump(2) << "\n";
  out.close();
  if (!out) throw RuntimeError(path + ": cannot write the shard manifest");
}

ShardManifest load_manifest(const std::string& path) {
  const std::optional<std::string> text = read_file(path);
  if (!text) throw InputError(path + ": cannot read the shard manifest");
  json value;
  try {
    value = json::parse(*text);
  } catch (const json::exception& e) {
    throw InputError(path + ": not a shard manifest written by `sweep submit` (" + e.what() + ")");
  }
  return read_manifest(value, path);
}

}  // namespace sweep
