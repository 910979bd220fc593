#include "runner/commands/command_predict.h"

#include <cstdio>
#include <memory>

#include "analysis/format.h"
#include "analysis/prediction.h"
#include "core/identity.h"
#include "core/system.h"
#include "experiments/train/cuda_devices.h"
#include "runner/commands/cli.h"
#include "runner/commands/local_executor.h"
#include "runner/commands/sweep_loading.h"
#include "runner/interrupt.h"
#include "runner/stored_sweeps.h"
#include "storage/results_store.h"

namespace sweep {
namespace {

struct PredictOptions {
  std::string file;
  std::string db = "sweep.db";
  std::string cache_dir;
  double tolerance = 1.0;  // points
  int threads = 0;         // 0 = every core
};

// What a measure is doing, on stderr, once a second at most.
class StatusLine : public TrainingObserver {
 public:
  explicit StatusLine(System& system) : system_(system) {}
  void progress(double fraction, const std::string& status) override {
    const double now = system_.monotonic_seconds();
    if (now - last_ < 1.0) return;
    last_ = now;
    std::fprintf(stderr, "  %3.0f%% %s\n", 100.0 * fraction, status.c_str());
  }
  bool stop_requested() override { return InterruptGuard::stop_requested(); }

 private:
  System& system_;
  double last_ = -1.0;
};

// The target's verdict as the trials in the database measured it; none before
// `sweep run` has finished any.
const TargetSummary* measured_target(const SweepSummary& measured, const std::string& backbone,
                                     const std::string& target) {
  for (const TargetSummary& t : measured.targets) {
    if (t.backbone == backbone && t.target == target) return &t;
  }
  return nullptr;
}

int predict(const PredictOptions& o, System& system) {
  const std::string cache_dir = o.cache_dir.empty() ? default_cache_dir() : o.cache_dir;
  const LoadedSweep sweep = load_checked_sweep(o.file, cache_dir);
  const std::string device = cuda_device_count() > 0 ? "cuda:0" : "cpu";
  LocalExecutor executor(device, o.threads > 0 ? o.threads : system.cpu_cores(), cache_dir);
  ResultsStore store(o.db, Access::kReadWrite);
  InterruptGuard interrupts;
  StatusLine status(system);
  const ProbeSettings probes{sweep.spec.training, sweep.spec.grid.lr};
  const SweepSummary measured = summarize_stored(store, sweep.spec.name, o.tolerance / 100.0);
  for (const BackboneSpec& backbone : sweep.spec.backbones) {
    std::fprintf(stderr, "%s: loading%s\n", backbone.name.c_str(),
                 backbone.is_torchscript() ? "" : " (pretraining it first if it is not cached)");
    store.record_pretrained(executor.prepare_backbone(backbone, status));
    for (const TargetSpec& target : sweep.spec.targets) {
      const TransferMeasure m = executor.measure(backbone, target, probes, status);
      store.record_measure(m);
      const Prediction prediction = predict_verdict(m.curve, o.tolerance / 100.0);
      std::printf("%s%s with %s: %s\n%s\n", target.name.c_str(),
                  target.similarity.empty() ? "" : (" (" + target.similarity + ")").c_str(),
                  backbone.name.c_str(), prediction_sentence(prediction, m.curve).c_str(),
                  probe_curve_table(m.curve, prediction).c_str());
      if (const TargetSummary* t = measured_target(measured, backbone.name, target.name)) {
        std::printf("  graded against the trials in %s: %s\n", o.db.c_str(),
                    prediction_check_phrase(prediction, t->verdict, t->depths, o.tolerance / 100.0,
                                            t->device_seconds)
                        .c_str());
      }
      std::fflush(stdout);
    }
  }
  std::printf("stored in %s (table probe_curve, view probe_curves); `sweep run %s` reuses it\n",
              o.db.c_str(), o.file.c_str());
  return kExitOk;
}

}  // namespace

void add_predict_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<PredictOptions>();
  CLI::App* command = app.add_subcommand(
      "predict", "Predict each target's verdict before training, from probes at every block");
  command->add_option("file", o->file, "sweep file (JSON)")->required();
  add_db_option(*command, o->db);
  command->add_option("--cache", o->cache_dir,
                      "folder for pretrained weights (default: $SWEEP_CACHE or ~/.cache/sweep)");
  command
      ->add_option("--tolerance", o->tolerance,
                   "points an earlier boundary's probe must beat the last one's by to predict "
                   "opening blocks")
      ->check(CLI::Range(0.0, 100.0))
      ->capture_default_str();
  command->add_option("--threads", o->threads, "CPU threads (default: every core)")
      ->check(CLI::PositiveNumber);
  command->callback(
      [o, &exit_code] { exit_code = run_guarded([&] { return predict(*o, real_system()); }); });
}

}  // namespace sweep
