// throughput: training images per second of sweep's own training loop (fit) on
// one device, per depth and precision, for the GPU table and its CPU dry run
// (scripts/gpu-check.sh). A built-in backbone with random weights and a new
// head trains on synthetic images of the study's shape; the frozen prefix runs
// every step (no feature cache), as bench/throughput.py runs it in PyTorch, so
// the two sides do the same arithmetic. One untimed warm-up epoch, then
// --epochs timed ones without validation; the row is the median epoch. Peak
// memory on the CPU is the process's high-water mark since the row began.
//
// Prints one Markdown row per (depth, precision):
//   | sweep | DEVICE | DEPTH | PRECISION | IMAGES/S | PEAK MiB |
// and a row saying why for a precision the device does not run.
#include <torch/torch.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <sstream>

#include "core/catalog.h"
#include "core/errors.h"
#include "core/observer.h"
#include "core/strategy.h"
#include "experiments/models/resnet.h"
#include "experiments/models/transfer_model.h"
#include "experiments/train/device.h"
#include "experiments/train/fit.h"
#include "experiments/train/precision.h"

namespace sweep::bench {
namespace {

struct Options {
  std::string device = "cpu";
  std::string arch = "resnet10";
  int width = 16;
  int size = 28;
  int images = 4096;
  int batch = 64;
  int epochs = 3;
  int threads = 0;
  std::string depths = "0,2,all";
  std::string precisions = "fp32,bf16,fp16";
};

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) items.push_back(item);
  return items;
}

PrecisionKind precision_kind(const std::string& name) {
  if (name == "fp32") return PrecisionKind::kFp32;
  if (name == "bf16") return PrecisionKind::kBf16;
  if (name == "fp16") return PrecisionKind::kFp16;
  throw InputError("--precisions: \"" + name + "\" is not one of fp32, bf16, fp16");
}

const BuiltinArch& builtin_arch(const std::string& name) {
  const BuiltinArch* arch = find_builtin_arch(name);
  if (arch == nullptr) throw InputError("--arch: \"" + name + "\" is not a built-in architecture");
  return *arch;
}

// Median seconds of one timed epoch: one fit() of --epochs + 1 epochs (SGD with
// momentum, a constant rate, no weight decay, as throughput.py trains), the
// first epoch a warm-up. fit() reads each epoch's loss back, so its epoch
// times include the device finishing.
double epoch_seconds(const Options& o, const torch::Device& device, int unfrozen,
                     const Precision& precision) {
  torch::manual_seed(0);
  auto backbone = std::make_unique<ResNetBackbone>(builtin_arch(o.arch), o.width,
                                                   InputSpec{1, o.size, {0.5f}, {0.5f}});
  const int blocks = backbone->num_blocks();
  TransferModel model(std::move(backbone), 10, std::min(unfrozen, blocks));
  model.to(device);
  TensorSet train;
  train.images = torch::randn({o.images, 1, o.size, o.size}).to(device);
  train.labels = torch::randint(10, {o.images}, torch::kInt64).to(device);
  train.num_classes = 10;

  FitSetup setup;
  setup.logits = [&model](const torch::Tensor& x) { return model.forward(x); };
  setup.set_training = [&model](bool on) { on ? model.train() : model.eval(); };
  setup.groups = {{model.trainable_parameters(), 1.0}};
  setup.train = &train;
  setup.recipe.batch_size = o.batch;
  setup.recipe.weight_decay = 0.0;
  setup.recipe.schedule = ScheduleKind::kConstant;
  setup.lr = 0.01;
  setup.epochs = o.epochs + 1;
  setup.precision = precision;
  TrainingObserver quiet;
  const FitResult fitted = fit(setup, quiet);
  std::vector<double> seconds;
  for (size_t e = 1; e < fitted.epochs.size(); ++e) seconds.push_back(fitted.epochs[e].seconds);
  std::sort(seconds.begin(), seconds.end());
  return seconds[seconds.size() / 2];
}

int run(const Options& o) {
  if (o.threads > 0) torch::set_num_threads(o.threads);
  const torch::Device device = parse_device(o.device);
  const int all = builtin_block_count(builtin_arch(o.arch));
  for (const std::string& depth : split(o.depths)) {
    const int unfrozen = depth == "all" ? all : std::stoi(depth);
    const std::string label = depth_name(unfrozen, all);
    for (const std::string& name : split(o.precisions)) {
      const Precision precision =
          resolve_precision(precision_kind(name), device, cpu_has_native_bf16());
      if (precision_name(precision) != name) {
        std::printf("| sweep | %s | %s | %s | not run: %s | |\n", o.device.c_str(), label.c_str(),
                    name.c_str(), precision.note.c_str());
        continue;
      }
      reset_peak_memory(device);
      const double seconds = epoch_seconds(o, device, unfrozen, precision);
      std::printf("| sweep | %s | %s | %s | %.0f | %.0f |\n", o.device.c_str(), label.c_str(),
                  name.c_str(), o.images / seconds,
                  static_cast<double>(peak_memory_bytes(device)) / (1 << 20));
      std::fflush(stdout);
    }
  }
  return 0;
}

}  // namespace
}  // namespace sweep::bench

int main(int argc, char** argv) {
  sweep::bench::Options o;
  CLI::App app{"Training images per second of sweep's training loop, per depth and precision"};
  app.add_option("--device", o.device, "cpu or cuda:N")->capture_default_str();
  app.add_option("--arch", o.arch, "built-in architecture")->capture_default_str();
  app.add_option("--width", o.width, "channels of the first stage")->capture_default_str();
  app.add_option("--size", o.size, "image side (one channel)")->capture_default_str();
  app.add_option("--images", o.images, "synthetic training images per epoch")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--batch", o.batch, "batch size")->capture_default_str();
  app.add_option("--epochs", o.epochs, "timed epochs after one warm-up")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--threads", o.threads, "torch threads (0: LibTorch's default)")
      ->capture_default_str();
  app.add_option("--depths", o.depths, "unfrozen blocks, comma-separated (0: head only; all)")
      ->capture_default_str();
  app.add_option("--precisions", o.precisions, "fp32, bf16, fp16, comma-separated")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  try {
    return sweep::bench::run(o);
  } catch (const std::exception& e) {
    std::cerr << "throughput: " << e.what() << "\n";
    return 2;
  }
}
