// What trials produce and what the database gives back: plain types that flow
// between the trainer, the store, the scheduler and the report. No behaviour
// beyond the names their closed sets have in SQL and JSON (records.cpp).
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/sweep_spec.h"

namespace sweep {

// Validation runs only at some epochs (TrialSchedule): its fields are NaN at
// the others (NULL in the database and in JSON).
struct EpochMetrics {
  int epoch = 0;  // 1-based
  double lr = 0.0;
  double train_loss = 0.0;
  double train_accuracy = 0.0;
  double val_loss = 0.0;
  double val_accuracy = 0.0;
  double seconds = 0.0;
};

// Where a trial ran; rows are shared between trials that ran alike.
struct Environment {
  std::string sweep_version;
  std::string torch_version;
  std::string device_kind;   // "cpu" or "cuda"
  std::string cuda_version;  // empty on CPU builds
  std::string host;
  std::string os;
  int threads = 0;

  bool operator==(const Environment& o) const {
    return sweep_version == o.sweep_version && torch_version == o.torch_version &&
           device_kind == o.device_kind && cuda_version == o.cuda_version && host == o.host &&
           os == o.os && threads == o.threads;
  }
};

// How the frozen blocks' output reached a trial's training.
enum class FrozenInput {
  kNone,          // nothing frozen (full fine-tuning)
  kMemory,        // the feature cache had it in memory
  kDisk,          // the feature cache read it from its folder
  kComputed,      // the feature cache computed (and kept) it
  kAugmentation,  // random augmentation makes it differ every step: not cached
  kOff,           // the feature cache was turned off
  kTooLarge,      // too large for the feature cache's budgets
};
// "", "memory", "disk", "computed", "augmentation", "off", "too large": the
// words the results database and the worker protocol carry.
const char* frozen_input_name(FrozenInput input);
std::optional<FrozenInput> parse_frozen_input(const std::string& name);

// The outcome of a trial that ran to its end. A diverged trial (loss NaN or Inf)
// is a result, not an error: accuracies are those of the diverged model.
struct TrialResult {
  bool diverged = false;
  double val_accuracy = 0.0;
  double test_accuracy = 0.0;
  double val_loss = 0.0;
  double test_loss = 0.0;
  double train_seconds = 0.0;   // wall time of the trial
  double device_seconds = 0.0;  // time the device was held for it
  std::string device;           // "cpu", "cuda:0", ...
  std::string device_name;      // e.g. the GPU model
  int64_t trainable_params = 0;
  int64_t total_params = 0;
  double train_flops = 0.0;  // estimate: forward and backward passes of training
  int64_t peak_memory_bytes = 0;
  FrozenInput frozen_input = FrozenInput::kNone;
  std::string precision = "fp32";  // what the forward passes ran in: fp32, bf16, fp16
  // Successive halving stopped the trial after this epoch: its accuracies are
  // validation at that epoch (no test), its curve partial.
  std::optional<int> stopped_epoch;
  std::vector<EpochMetrics> epochs;
  Environment environment;
};

// kStopped: successive halving stopped it at a rung; a result (its partial
// curve), never a depth's best.
enum class TrialState { kPending, kRunning, kDone, kFailed, kStopped };
// "pending", "running", "done", "failed", "stopped"
const char* trial_state_name(TrialState state);
std::optional<TrialState> parse_trial_state(const std::string& name);

// A trial as stored: its configuration, state and, once done, its result.
struct TrialRecord {
  TrialSpec spec;
  TrialState state = TrialState::kPending;
  int attempts = 0;
  std::string error;                  // why the last attempt failed
  std::string claimed_by;             // the runner running it (state == kRunning)
  std::string device;                 // where it runs or ran
  std::string started_at;             // ISO 8601, of the last attempt
  std::string finished_at;            // ISO 8601, when done or failed
  std::optional<TrialResult> result;  // state == kDone or kStopped
  std::string reason = "grid";        // why the sweep runs it: the grid, or an added seed
};

// What a sweep will write into its cache folder (experiments/train/cache_plan.h
// works it out; runner/cache_room.h says it and checks the disk's room).
struct CachePlan {
  int64_t feature_bytes = 0;  // frozen features, in CACHE/features
  int feature_entries = 0;    // (backbone, target, boundary, size): three splits each
  int64_t image_bytes = 0;    // decoded image folders, in CACHE/images
};

// Why adaptive replication added a seed: the undecided verdict it is for, as
// data (analysis/replication.cpp fills it in).
struct SeedReason {
  std::string backbone, target;
  int seed = 0;
  // The depths it is undecided between, as the report names them:
  // "head-only", "2 blocks", "5 (all) blocks".
  std::string shallower, deeper;
  double gap = 0.0;    // the shallower depth's validation gap, a fraction
  double lower = 0.0;  // and its 95% bounds
  double upper = 0.0;
  int pairs = 0;  // paired seeds behind them
};

// "undecided between head-only and 2 blocks (gap 1.1 points, 95% bounds -3.2
// to 5.4 over 2 seeds)"
std::string undecided_phrase(const SeedReason& why);
// What the results database stores as the trial's reason: "added seed 2:
// clothes undecided between ...". Users query it: keep the wording.
std::string added_seed_reason(const SeedReason& why);

// A trial a sweep runs beyond its grid, and why.
struct AddedTrial {
  TrialSpec spec;
  SeedReason reason;
};

// A converged linear probe (the same fair probe head-only trials train) and
// LogME on the pooled features after one block boundary of the frozen
// backbone, on a target's training and validation splits. The curve over every
// boundary predicts, before training, how many blocks must be opened.
struct BoundaryProbe {
  int boundary = 0;           // blocks run, 1..blocks; == blocks is what head-only sees
  std::string block;          // name of the last block run
  int64_t feature_dim = 0;    // width of the pooled features there
  double val_accuracy = 0.0;  // of the probe, at its best learning rate
  double lr = 0.0;            // that learning rate (the grid's, chosen on validation)
  // Of a probe on the pooled features of this boundary and every later one,
  // side by side (as Head2Toe, Evci et al. ICML 2022, probes intermediate
  // layers): what a head could get from here up, were the blocks in between
  // trained to carry it.
  double suffix_val_accuracy = 0.0;
  // Of the same probe on the training split it was trained on (in its last
  // epoch): how far a linear read-out of these features can separate the
  // target's classes at all. NaN in curves stored before it was measured.
  double train_accuracy = std::nan("");
  double logme = 0.0;  // of the training split's features
  double seconds = 0.0;
};

// Measured before any training, per (backbone, target): how well the frozen
// features suit the target (LogME, higher is better) and how far the target lies
// from the backbone's source in feature space (Fréchet distance, 0 = same).
struct TransferMeasure {
  std::string pretrain_key;
  std::string target_key;  // see target_key()
  std::string backbone;
  std::string target;
  double logme = 0.0;
  double frechet = 0.0;
  int source_images = 0;  // the samples behind the numbers
  int target_images = 0;
  double seconds = 0.0;
  std::vector<std::string> skipped_images;  // "FILE: why": target images that did not decode
  std::vector<BoundaryProbe> curve;         // one per block boundary, shallowest first
  std::string probe_key;  // the probes' settings (see probe_key()); a change measures anew
};

// A built-in backbone pretrained by sweep, keyed by its recipe.
struct PretrainedRecord {
  std::string key;  // see pretrain_key()
  std::string arch;
  std::string source;  // e.g. "fashion-mnist classes 0,1,2"
  double source_accuracy = 0.0;
  double train_seconds = 0.0;
  std::string weights_path;
};

}  // namespace sweep
