#include "experiments/train/pretrain.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/catalog.h"
#include "core/errors.h"
#include "core/file_write.h"
#include "core/identity.h"
#include "experiments/data/target_data.h"
#include "experiments/models/transfer_model.h"
#include "experiments/train/file_lock.h"

namespace sweep {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct CachePaths {
  std::string weights, meta, lock;
};

CachePaths cache_paths(const std::string& cache_dir, const std::string& key) {
  const fs::path dir = fs::path(cache_dir) / "pretrained";
  std::error_code error;
  fs::create_directories(dir, error);
  if (error)
    throw RuntimeError(dir.string() + ": cannot create the cache folder: " + error.message());
  return {(dir / (key + ".pt")).string(), (dir / (key + ".json")).string(),
          (dir / (key + ".lock")).string()};
}

std::unique_ptr<ResNetBackbone> make_backbone(const BackboneSpec& spec, InputSpec input) {
  return std::make_unique<ResNetBackbone>(*find_builtin_arch(spec.arch), spec.width,
                                          std::move(input));
}

// The cached entry, or nullopt when it is absent or unreadable.
std::optional<PretrainedBackbone> load_cached(const BackboneSpec& spec, const CachePaths& paths,
                                              const std::string& key) {
  if (!fs::exists(paths.weights) || !fs::exists(paths.meta)) return std::nullopt;
  try {
    std::ifstream in(paths.meta);
    const json meta = json::parse(in);
    InputSpec input{spec.channels, spec.image_size, meta.at("mean").get<std::vector<float>>(),
                    meta.at("std").get<std::vector<float>>()};
    PretrainedBackbone out;
    std::unique_ptr<ResNetBackbone> resnet = make_backbone(spec, input);
    resnet->load(paths.weights);
    out.backbone = std::move(resnet);
    out.record = {key,
                  spec.arch,
                  meta.at("source").get<std::string>(),
                  meta.at("source_accuracy").get<double>(),
                  meta.at("train_seconds").get<double>(),
                  paths.weights};
    return out;
  } catch (const json::exception&) {
    return std::nullopt;
  } catch (const RuntimeError&) {
    return std::nullopt;
  }
}

PretrainedBackbone train_and_cache(const BackboneSpec& spec, const CachePaths& paths,
                                   const std::string& key, const std::string& cache_dir,
                                   const torch::Device& device, TrainingObserver& observer) {
  const auto start = std::chrono::steady_clock::now();
  const PretrainSpec& source = spec.pretrain;
  torch::manual_seed(static_cast<uint64_t>(source.seed));
  const TargetData data = load_source(source, spec.channels, spec.image_size, cache_dir);
  InputSpec input{spec.channels, spec.image_size, {}, {}};
  pixel_statistics(data.train, input.mean, input.std);

  TransferModel model(make_backbone(spec, input), data.train.num_classes(),
                      builtin_block_count(*find_builtin_arch(spec.arch)));
  model.to(device);
  const TensorSet train = to_tensors(data.train, input, device);
  const TensorSet test = to_tensors(data.test, input, device);
  FitSetup setup;
  setup.logits = [&model](const torch::Tensor& x) { return model.forward(x); };
  setup.set_training = [&model](bool on) { on ? model.train() : model.eval(); };
  setup.groups = {{model.trainable_parameters(), 1.0}};
  setup.train = &train;
  setup.recipe.batch_size = source.batch_size;
  setup.recipe.weight_decay = source.weight_decay;
  setup.lr = source.lr;
  setup.epochs = source.epochs;
  setup.label = "pretraining " + spec.name + ": ";
  const FitResult fitted = fit(setup, observer);
  if (fitted.diverged) {
    throw InputError("backbone " + quote(spec.name) + ": pretraining diverged (loss NaN); lower " +
                     "its pretrain lr (" + std::to_string(source.lr) + ")");
  }
  const Score score = evaluate(setup.logits, test);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  auto& backbone = dynamic_cast<ResNetBackbone&>(model.backbone());
  write_file(real_system(), paths.weights, [&](std::ostream& out) { backbone.save(out); });
  const json meta = {{"arch", spec.arch},
                     {"width", spec.width},
                     {"mean", input.mean},
                     {"std", input.std},
                     {"source", describe_source(source)},
                     {"source_accuracy", score.accuracy},
                     {"train_seconds", seconds}};
  write_file(real_system(), paths.meta, [&](std::ostream& out) { out << meta.dump(2); });
  auto cached = load_cached(spec, paths, key);
  if (!cached) throw RuntimeError(paths.weights + ": cannot read back the weights just written");
  cached->trained_now = true;
  return std::move(*cached);
}

}  // namespace

std::string describe_source(const PretrainSpec& source) {
  std::string classes;
  for (int id : source.data.class_ids) classes += (classes.empty() ? "" : ",") + std::to_string(id);
  for (const auto& name : source.data.class_names) classes += (classes.empty() ? "" : ",") + name;
  return std::string(dataset_name(source.data.kind)) +
         (classes.empty() ? " all classes (" : " classes " + classes + " (") +
         std::to_string(source.per_class) + " per class)";
}

PretrainedBackbone load_or_pretrain(const BackboneSpec& spec, const std::string& cache_dir,
                                    const torch::Device& device, TrainingObserver& observer) {
  const std::string key = pretrain_key(spec);
  const CachePaths paths = cache_paths(cache_dir, key);
  FileLock lock(paths.lock);
  auto out = load_cached(spec, paths, key);
  if (!out) out = train_and_cache(spec, paths, key, cache_dir, device, observer);
  out->backbone->to(device);
  out->backbone->set_training(false);
  return std::move(*out);
}

}  // namespace sweep
