// export_study: hands a sweep's inputs to the Python reference (bench/reference.py)
// exactly as `sweep run` would use them. Each built-in backbone is loaded, or
// pretrained first, through the same TrialResources a worker uses, and each
// target's splits are loaded at that backbone's input shape by the same code.
// Each backbone's pretraining source (the images and labels sweep pretrains on,
// and its held-out test split) and its pretraining recipe are exported too, so
// that bench/lean.py can pretrain the backbone itself. Everything is written as
// .npy arrays with a manifest.json that says what each file holds, plus the
// expanded grid in sweep's order with trial ids.
//
//   export_study sweeps/cats_vs_buildings.json --cache DIR --out DIR [--no-pretrain]
//
// --no-pretrain neither loads nor pretrains the backbones: the manifest then has
// no weights, input normalisation or source accuracy, only what a script needs
// to pretrain them itself. A TorchScript backbone is named by its file, which the
// Python side loads as it is.
#include <torch/script.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "bench/npy.h"
#include "core/errors.h"
#include "core/file_write.h"
#include "core/identity.h"
#include "experiments/models/resnet.h"
#include "experiments/models/scripted_backbone.h"
#include "experiments/train/trial.h"
#include "runner/commands/cli.h"
#include "runner/commands/sweep_loading.h"

namespace sweep::bench {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct ExportOptions {
  std::string file;
  std::string cache_dir;
  std::string out_dir;
  int threads = 0;       // 0 = LibTorch's default
  bool pretrain = true;  // false: export the source and recipe, not the weights
};

class PrintingObserver : public TrainingObserver {
 public:
  void progress(double fraction, const std::string& status) override {
    const int percent = static_cast<int>(fraction * 100);
    if (percent / 10 == last_ / 10) return;
    last_ = percent;
    std::fprintf(stderr, "  %s (%d%%)\n", status.c_str(), percent);
  }

 private:
  int last_ = -10;
};

void write_tensor(const fs::path& path, const torch::Tensor& tensor) {
  const torch::Tensor t = tensor.detach().to(torch::kCPU).contiguous();
  std::string descr;
  if (t.scalar_type() == torch::kFloat32) descr = "<f4";
  if (t.scalar_type() == torch::kInt64) descr = "<i8";
  if (descr.empty()) throw RuntimeError(path.string() + ": unexpected tensor type");
  write_npy(path.string(), descr, t.sizes().vec(), t.data_ptr(), t.nbytes());
}

// Every parameter and buffer under its dotted name ("stage2.0.shortcut.1.running_mean"),
// read back from the backbone's own serialization so the names are LibTorch's.
json export_weights(const ResNetBackbone& backbone, const fs::path& dir) {
  fs::create_directories(dir);
  const fs::path archive = dir / "weights.pt";
  write_file(real_system(), archive, [&](std::ostream& out) { backbone.save(out); });
  torch::jit::Module module;
  try {
    module = torch::jit::load(archive.string());
  } catch (const c10::Error& e) {
    throw RuntimeError(archive.string() + ": " + e.what_without_backtrace());
  }
  json files = json::object();
  auto add = [&](const std::string& name, const torch::Tensor& value) {
    const std::string file = name + ".npy";
    write_tensor(dir / file, value);
    files[name] = (dir.filename() / file).string();
  };
  for (const auto& p : module.named_parameters(/*recurse=*/true)) add(p.name, p.value);
  for (const auto& b : module.named_buffers(/*recurse=*/true)) add(b.name, b.value);
  return files;
}

json export_split(const ImageSet& set, const fs::path& dir, const std::string& split) {
  const auto n = static_cast<int64_t>(set.size());
  const std::string images = split + "_images.npy";
  const std::string labels = split + "_labels.npy";
  write_npy((dir / images).string(), "|u1", {n, set.channels, set.height, set.width},
            set.pixels.data(), set.pixels.size());
  const std::vector<int64_t> wide(set.labels.begin(), set.labels.end());
  write_npy((dir / labels).string(), "<i8", {n}, wide.data(), wide.size() * sizeof(int64_t));
  const std::string folder = dir.filename().string();
  return {{"images", folder + "/" + images}, {"labels", folder + "/" + labels}, {"size", n}};
}

// The class names and each split's images and labels; `val`: a validation split too
// (pretraining sources have none).
json export_splits(const TargetData& data, const fs::path& dir, bool val) {
  fs::create_directories(dir);
  json out = {{"class_names", data.train.class_names},
              {"num_classes", data.train.num_classes()},
              {"train", export_split(data.train, dir, "train")},
              {"test", export_split(data.test, dir, "test")}};
  if (val) out["val"] = export_split(data.val, dir, "val");
  return out;
}

json export_target(TrialResources& resources, const TargetSpec& target, const InputSpec& input,
                   const fs::path& dir) {
  json out = export_splits(resources.target_data(target, input.channels, input.size), dir, true);
  out["name"] = target.name;
  return out;
}

json describe_recipe(const TrainingRecipe& r) {
  return {{"epochs", r.epochs},
          {"batch_size", r.batch_size},
          {"optimizer", optimizer_name(r.optimizer)},
          {"momentum", r.momentum},
          {"schedule", schedule_name(r.schedule)},
          {"weight_decay", r.weight_decay},
          {"augment", augment_name(r.augment)},
          {"augment_views", r.augment_views},
          {"precision", precision_name(r.precision)}};
}

json describe_trial_for_python(const TrialSpec& t, const std::string& data_key) {
  json out = describe_recipe(t.recipe);
  out.update({{"id", t.id},
              {"position", t.position},
              {"backbone", t.backbone.name},
              {"target", t.target.name},
              {"data", data_key},
              {"unfrozen", t.unfrozen},
              {"blocks", t.blocks},
              {"lr", t.lr},
              {"seed", t.seed},
              {"probe_epochs", t.recipe.probe_epochs}});
  return out;
}

std::string data_key(const TargetSpec& target, const InputSpec& input) {
  return "data_" + target.name + "_" + std::to_string(input.channels) + "x" +
         std::to_string(input.size);
}

// The images and labels sweep pretrains the backbone on (load_source: the same
// call, so the same split), and the recipe pretrain.cpp trains them with: a
// default TrainingRecipe (SGD, momentum, cosine) with the backbone spec's batch
// size and weight decay, and its epochs, lr and seed.
json export_pretraining(const BackboneSpec& spec, const std::string& cache_dir,
                        const fs::path& dir) {
  const PretrainSpec& source = spec.pretrain;
  TrainingRecipe recipe;
  recipe.epochs = source.epochs;
  recipe.batch_size = source.batch_size;
  recipe.weight_decay = source.weight_decay;
  json out = describe_recipe(recipe);
  out.update(export_splits(load_source(source, spec.channels, spec.image_size, cache_dir), dir,
                           /*val=*/false));
  out.update({{"source", describe_source(source)}, {"lr", source.lr}, {"seed", source.seed}});
  return out;
}

// A built-in backbone's shape, its pretraining source and recipe, and, unless
// --no-pretrain, its pretrained weights (loaded from the cache or pretrained
// into it first) with the input normalisation they were trained with.
json export_backbone(TrialResources& resources, const BackboneSpec& spec,
                     const ExportOptions& options, TrainingObserver& observer,
                     const fs::path& out) {
  std::fprintf(stderr, "backbone %s: exporting its pretraining source\n", spec.name.c_str());
  json entry = {
      {"name", spec.name},
      {"arch", spec.arch},
      {"width", spec.width},
      {"pretrained_key", pretrain_key(spec)},
      {"pretrain", export_pretraining(spec, options.cache_dir, out / ("source_" + spec.name))}};
  const ResNetBackbone shape(*find_builtin_arch(spec.arch), spec.width,
                             InputSpec{spec.channels, spec.image_size, {}, {}});
  entry["blocks"] = shape.block_names();
  entry["feature_dim"] = shape.feature_dim();
  entry["input"] = {{"channels", spec.channels}, {"size", spec.image_size}};
  if (!options.pretrain) return entry;
  std::fprintf(stderr, "backbone %s: loading or pretraining into %s\n", spec.name.c_str(),
               options.cache_dir.c_str());
  const PretrainedBackbone& pretrained = resources.backbone(spec, observer);
  const auto& resnet = dynamic_cast<const ResNetBackbone&>(*pretrained.backbone);
  entry["input"]["mean"] = resnet.input().mean;
  entry["input"]["std"] = resnet.input().std;
  entry["source"] = pretrained.record.source;
  entry["source_accuracy"] = pretrained.record.source_accuracy;
  entry["pretrain_seconds"] = pretrained.record.train_seconds;
  entry["weights"] = export_weights(resnet, out / ("weights_" + spec.name));
  return entry;
}

// A TorchScript backbone as the Python side loads it: the file itself (its
// children are the blocks), their names, the feature width and the input
// normalisation from its metadata. There is nothing to pretrain.
json export_scripted_backbone(const BackboneSpec& spec) {
  const std::unique_ptr<ScriptedBackbone> backbone = ScriptedBackbone::load(spec.torchscript);
  const InputSpec& input = backbone->input();
  return {{"name", spec.name},
          {"torchscript", fs::absolute(spec.torchscript).string()},
          {"blocks", backbone->block_names()},
          {"feature_dim", backbone->feature_dim()},
          {"input",
           {{"channels", input.channels},
            {"size", input.size},
            {"mean", input.mean},
            {"std", input.std}}}};
}

int export_study(const ExportOptions& options) {
  if (options.threads > 0) torch::set_num_threads(options.threads);
  const LoadedSweep sweep = load_checked_sweep(options.file, options.cache_dir);
  const fs::path out(options.out_dir);
  fs::create_directories(out);
  TrialResources resources(torch::kCPU, options.cache_dir);
  PrintingObserver observer;
  json manifest = {{"sweep", sweep.spec.name}, {"source", sweep.path}};
  json backbones = json::array(), targets = json::object(), trials = json::array();
  for (const BackboneSpec& spec : sweep.spec.backbones) {
    const InputSpec input{spec.channels, spec.image_size, {}, {}};
    backbones.push_back(spec.is_torchscript()
                            ? export_scripted_backbone(spec)
                            : export_backbone(resources, spec, options, observer, out));
    for (const TargetSpec& target : sweep.spec.targets) {
      const std::string key = data_key(target, input);
      if (targets.contains(key)) continue;
      std::fprintf(stderr, "target %s: exporting its splits at %dx%dx%d\n", target.name.c_str(),
                   input.channels, input.size, input.size);
      targets[key] = export_target(resources, target, input, out / key);
    }
    for (const TrialSpec& t : sweep.trials) {
      if (t.backbone.name == spec.name)
        trials.push_back(describe_trial_for_python(t, data_key(t.target, input)));
    }
  }
  manifest["backbones"] = backbones;
  manifest["data"] = targets;
  manifest["trials"] = trials;
  std::ofstream(out / "manifest.json") << manifest.dump(2) << '\n';
  std::printf("%s: %zu trials, %zu backbone(s), %zu target split(s) exported to %s\n",
              sweep.spec.name.c_str(), trials.size(), backbones.size(), targets.size(),
              (out / "manifest.json").c_str());
  return kExitOk;
}

}  // namespace
}  // namespace sweep::bench

int main(int argc, char** argv) {
  CLI::App app{
      "Export a sweep's pretrained backbones, pretraining sources and target splits for "
      "bench/reference.py and bench/lean.py"};
  sweep::bench::ExportOptions options;
  app.add_option("file", options.file, "sweep file (JSON)")->required();
  app.add_option("--cache", options.cache_dir, "pretrained weights (default: as `sweep run`)");
  app.add_option("--out", options.out_dir, "folder to write into")->required();
  app.add_option("--threads", options.threads, "LibTorch threads for pretraining, if it runs")
      ->check(CLI::PositiveNumber);
  bool no_pretrain = false;
  app.add_flag("--no-pretrain", no_pretrain,
               "export each backbone's pretraining source and recipe but not its weights: "
               "neither load nor pretrain it");
  CLI11_PARSE(app, argc, argv);
  options.pretrain = !no_pretrain;
  if (options.cache_dir.empty()) options.cache_dir = sweep::default_cache_dir();
  return sweep::run_guarded([&] { return sweep::bench::export_study(options); });
}
