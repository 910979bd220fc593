#include "runner/commands/local_executor.h"

#include "core/errors.h"
#include "experiments/train/device.h"
#include "experiments/train/measure.h"
#include "experiments/train/trial.h"

namespace sweep {
namespace {

template <typename Fn>
auto translating_torch_errors(const torch::Device& device, Fn fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const c10::OutOfMemoryError& e) {
    // The caching allocator keeps the blocks the failed trial held; hand them
    // back so the worker's next trial starts from an empty device.
    try {
      release_cached_memory(device);
    } catch (const c10::Error&) {
      // The out-of-memory error is the one to report.
    }
    throw RuntimeError(e.what_without_backtrace());
  } catch (const c10::Error& e) {
    throw RuntimeError(e.what_without_backtrace());
  }
}

}  // namespace

std::optional<FeatureCacheOptions> feature_cache_options(int memory_mb) {
  if (memory_mb == 0) return std::nullopt;
  FeatureCacheOptions options;
  options.memory_bytes = int64_t{memory_mb} << 20;
  return options;
}

LocalExecutor::LocalExecutor(const std::string& device, int threads, const std::string& cache_dir,
                             int feature_memory_mb)
    : threads_(0),
      resources_(std::make_unique<TrialResources>(parse_device(device), cache_dir,
                                                  feature_cache_options(feature_memory_mb))) {
  make_current(resources_->device());
  use_threads(threads);
}

void LocalExecutor::use_threads(int threads) {
  if (threads == threads_) return;
  threads_ = threads;
  parallelism_.reset();
  parallelism_ = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                       static_cast<size_t>(threads));
  torch::set_num_threads(threads);
}

LocalExecutor::~LocalExecutor() = default;

PretrainedRecord LocalExecutor::prepare_backbone(const BackboneSpec& backbone,
                                                 TrainingObserver& observer) {
  return translating_torch_errors(resources_->device(),
                                  [&] { return resources_->backbone(backbone, observer).record; });
}

TransferMeasure LocalExecutor::measure(const BackboneSpec& backbone, const TargetSpec& target,
                                       const ProbeSettings& probes, TrainingObserver& observer) {
  return translating_torch_errors(resources_->device(), [&] {
    return measure_transfer(backbone, target, probes.recipe, probes.lrs, *resources_, observer);
  });
}

TrialResult LocalExecutor::run(const TrialSpec& trial, TrainingObserver& observer) {
  return translating_torch_errors(resources_->device(),
                                  [&] { return run_trial(trial, *resources_, observer); });
}

}  // namespace sweep
