#include "core/records_json.h"

#include <cmath>

#include "core/errors.h"

namespace sweep {
namespace {

using nlohmann::json;

// JSON has no NaN or infinity (a diverged trial's loss): they travel as null.
json number(double value) { return std::isfinite(value) ? json(value) : json(nullptr); }

double number_at(const json& object, const char* key) {
  const json& v = object.at(key);
  return v.is_null() ? std::nan("") : v.get<double>();
}

FrozenInput frozen_input_at(const json& object, const char* key) {
  const std::string name = object.at(key).get<std::string>();
  if (const auto input = parse_frozen_input(name)) return *input;
  throw RuntimeError(std::string("malformed trial result: ") + key + ": unknown value \"" + name +
                     "\"");
}

}  // namespace

json to_json(const TrialResult& r) {
  json epochs = json::array();
  for (const EpochMetrics& e : r.epochs) {
    epochs.push_back({{"epoch", e.epoch},
                      {"lr", number(e.lr)},
                      {"train_loss", number(e.train_loss)},
                      {"train_accuracy", number(e.train_accuracy)},
                      {"val_loss", number(e.val_loss)},
                      {"val_accuracy", number(e.val_accuracy)},
                      {"seconds", number(e.seconds)}});
  }
  const Environment& env = r.environment;
  return {{"diverged", r.diverged},
          {"val_accuracy", number(r.val_accuracy)},
          {"test_accuracy", number(r.test_accuracy)},
          {"val_loss", number(r.val_loss)},
          {"test_loss", number(r.test_loss)},
          {"train_seconds", number(r.train_seconds)},
          {"device_seconds", number(r.device_seconds)},
          {"device", r.device},
          {"device_name", r.device_name},
          {"trainable_params", r.trainable_params},
          {"total_params", r.total_params},
          {"train_flops", number(r.train_flops)},
          {"peak_memory_bytes", r.peak_memory_bytes},
          {"feature_cache", frozen_input_name(r.frozen_input)},
          {"precision", r.precision},
          {"stopped_epoch", r.stopped_epoch ? json(*r.stopped_epoch) : json(nullptr)},
          {"epochs", epochs},
          {"environment",
           {{"sweep_version", env.sweep_version},
            {"torch_version", env.torch_version},
            {"device_kind", env.device_kind},
            {"cuda_version", env.cuda_version},
            {"host", env.host},
            {"os", env.os},
            {"threads", env.threads}}}};
}

TrialResult trial_result_from_json(const json& v) {
  try {
    TrialResult r;
    r.diverged = v.at("diverged").get<bool>();
    r.val_accuracy = number_at(v, "val_accuracy");
    r.test_accuracy = number_at(v, "test_accuracy");
    r.val_loss = number_at(v, "val_loss");
    r.test_loss = number_at(v, "test_loss");
    r.train_seconds = number_at(v, "train_seconds");
    r.device_seconds = number_at(v, "device_seconds");
    r.device = v.at("device").get<std::string>();
    r.device_name = v.at("device_name").get<std::string>();
    r.trainable_params = v.at("trainable_params").get<int64_t>();
    r.total_params = v.at("total_params").get<int64_t>();
    r.train_flops = number_at(v, "train_flops");
    r.peak_memory_bytes = v.at("peak_memory_bytes").get<int64_t>();
    r.frozen_input = frozen_input_at(v, "feature_cache");
    r.precision = v.at("precision").get<std::string>();
    if (!v.at("stopped_epoch").is_null()) r.stopped_epoch = v.at("stopped_epoch").get<int>();
    for (const json& e : v.at("epochs")) {
      r.epochs.push_back({e.at("epoch").get<int>(), number_at(e, "lr"), number_at(e, "train_loss"),
                          number_at(e, "train_accuracy"), number_at(e, "val_loss"),
                          number_at(e, "val_accuracy"), number_at(e, "seconds")});
    }
    const json& env = v.at("environment");
    r.environment = {env.at("sweep_version").get<std::string>(),
                     env.at("torch_version").get<std::string>(),
                     env.at("device_kind").get<std::string>(),
                     env.at("cuda_version").get<std::string>(),
                     env.at("host").get<std::string>(),
                     env.at("os").get<std::string>(),
                     env.at("threads").get<int>()};
    return r;
  } catch (const json::exception& e) {
    throw RuntimeError(std::string("malformed trial result: ") + e.what());
  }
}

json to_json(const PretrainedRecord& p) {
  return {{"key", p.key},
          {"arch", p.arch},
          {"source", p.source},
          {"source_accuracy", number(p.source_accuracy)},
          {"train_seconds", number(p.train_seconds)},
          {"weights_path", p.weights_path}};
}

PretrainedRecord pretrained_from_json(const json& v) {
  try {
    return {v.at("key").get<std::string>(),    v.at("arch").get<std::string>(),
            v.at("source").get<std::string>(), number_at(v, "source_accuracy"),
            number_at(v, "train_seconds"),     v.at("weights_path").get<std::string>()};
  } catch (const json::exception& e) {
    throw RuntimeError(std::string("malformed pretrained record: ") + e.what());
  }
}

// Only for the probe curve of a TransferMeasure below.
namespace {

json to_json(const BoundaryProbe& p) {
  return {{"boundary", p.boundary},
          {"block", p.block},
          {"feature_dim", p.feature_dim},
          {"val_accuracy", number(p.val_accuracy)},
          {"lr", number(p.lr)},
          {"suffix_val_accuracy", number(p.suffix_val_accuracy)},
          {"train_accuracy", number(p.train_accuracy)},
          {"logme", number(p.logme)},
          {"seconds", number(p.seconds)}};
}

BoundaryProbe probe_from_json(const json& v) {
  BoundaryProbe p;
  p.boundary = v.at("boundary").get<int>();
  p.block = v.at("block").get<std::string>();
  p.feature_dim = v.at("feature_dim").get<int64_t>();
  p.val_accuracy = number_at(v, "val_accuracy");
  p.lr = number_at(v, "lr");
  p.suffix_val_accuracy = number_at(v, "suffix_val_accuracy");
  p.train_accuracy = number_at(v, "train_accuracy");
  p.logme = number_at(v, "logme");
  p.seconds = number_at(v, "seconds");
  return p;
}

}  // namespace

json to_json(const TransferMeasure& m) {
  json curve = json::array();
  for (const BoundaryProbe& p : m.curve) curve.push_back(to_json(p));
  return {{"pretrain_key", m.pretrain_key},
          {"target_key", m.target_key},
          {"backbone", m.backbone},
          {"target", m.target},
          {"logme", number(m.logme)},
          {"frechet", number(m.frechet)},
          {"source_images", m.source_images},
          {"target_images", m.target_images},
          {"seconds", number(m.seconds)},
          {"skipped_images", m.skipped_images},
          {"curve", curve},
          {"probe_key", m.probe_key}};
}

TransferMeasure measure_from_json(const json& v) {
  try {
    std::vector<BoundaryProbe> curve;
    for (const json& p : v.at("curve")) curve.push_back(probe_from_json(p));
    return {v.at("pretrain_key").get<std::string>(),
            v.at("target_key").get<std::string>(),
            v.at("backbone").get<std::string>(),
            v.at("target").get<std::string>(),
            number_at(v, "logme"),
            number_at(v, "frechet"),
            v.at("source_images").get<int>(),
            v.at("target_images").get<int>(),
            number_at(v, "seconds"),
            v.at("skipped_images").get<std::vector<std::string>>(),
            curve,
            v.at("probe_key").get<std::string>()};
  } catch (const json::exception& e) {
    throw RuntimeError(std::string("malformed transfer measure: ") + e.what());
  }
}

}  // namespace sweep
