// The sweep file, parsed once into plain types. Nothing downstream of the parser
// reads JSON again. Every field carries its default here; the README documents the
// file format with the same defaults.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "core/strategy.h"

namespace sweep {

enum class DatasetKind { kFashionMnist, kOpencvDigits, kImageFolder };

// A dataset on disk and the classes taken from it.
struct DataSpec {
  DatasetKind kind = DatasetKind::kFashionMnist;
  std::string path;                      // "" = the dataset's default location
  std::vector<int> class_ids;            // built-in datasets; empty = every class
  std::vector<std::string> class_names;  // image-folder sub-folders; empty = every class
  bool strict = false;  // image-folder: an image that does not decode fails the load
  // Filled in when the sweep is loaded (content_digest.h): the digest of the
  // data's files, so that a trial's identity follows what the data holds, not
  // where it lies. Empty until then.
  std::string content_sha256;
};

// How a built-in backbone is pretrained before any trial uses it. The weights are
// cached on disk under a hash of this recipe and the architecture.
struct PretrainSpec {
  DataSpec data;
  int per_class = 1000;  // training images per source class
  int epochs = 3;
  int batch_size = 128;
  double lr = 0.05;  // SGD with momentum 0.9 and a cosine schedule
  double weight_decay = 5e-4;
  int seed = 0;
};

// A backbone: either a built-in ResNet of the family in experiments/models,
// pretrained by sweep, or a TorchScript file exported by
// scripts/export_torchvision.py (or anything of the same layout).
struct BackboneSpec {
  std::string name;
  std::string arch = "resnet10";  // built-in: see builtin_archs()
  int width = 16;                 // built-in: channels of the first stage; doubles per stage
  int channels = 1;               // input channels (1 = grey); TorchScript: from its metadata
  int image_size = 28;            // input height and width; TorchScript: from its metadata
  PretrainSpec pretrain;          // built-in only

  // The file's absolute path; empty for a built-in backbone. Where to load it
  // from, not part of any identity.
  std::string torchscript;
  // TorchScript, filled in from the file when the sweep is loaded: its block
  // count (resolve_backbone_files) and the digest of its weights, block names
  // and preprocessing (content_digest, when the module is loaded), so that
  // changed weights make new trials and a re-export of the same ones does not.
  std::string content_sha256;
  int blocks = 0;

  bool is_torchscript() const { return !torchscript.empty(); }
};

// One change of a shift chain (experiments/data/shift.h), applied to every
// image of a target after its split, at the backbone's input shape.
enum class ShiftKind { kRotate, kInvert, kBlur, kNoise, kContrast, kMix };
struct ShiftStep {
  ShiftKind kind = ShiftKind::kRotate;
  // rotate: degrees, counter-clockwise; invert: the fraction of images whose
  // intensities are inverted; blur: the Gaussian's sigma, in pixels; noise: the
  // standard deviation of additive Gaussian noise, as a fraction of the
  // intensity range; contrast: the fraction by which each image's contrast
  // shrinks towards its mean; mix: the weight of an image of `mix` blended in.
  double amount = 0.0;
  DataSpec mix;  // kMix: where the blended images come from
};

// A target problem: a dataset, its classes and how much of it each split gets.
// The split is drawn once with `sample_seed` and is the same for every trial.
// A shift chain moves the target away from its dataset: the same images in the
// same splits, changed, seeded by `sample_seed`. In a sweep file a target with
// "levels" becomes one target per level, its chain's amounts scaled by the
// level (see read_sweep).
struct TargetSpec {
  std::string name;
  std::string similarity;  // the user's belief, e.g. "near" or "far"; free text
  DataSpec data;
  std::optional<int> train_per_class;  // unset = everything left after val and test
  int val_per_class = 100;
  int test_per_class = 200;
  int sample_seed = 0;
  std::vector<ShiftStep> shift;  // applied in order; empty = the images as they are
};

enum class OptimizerKind { kSgd, kAdam, kAdamW };
enum class ScheduleKind { kConstant, kCosine, kStep };
// Random augmentation of training images in trials that train blocks: kCrop
// shifts each image by up to 1/8 of its size (a random crop of the image padded
// with the mean colour), kCropFlip also mirrors half of them left to right.
enum class AugmentKind { kNone, kCrop, kCropFlip };
// The arithmetic of a trial's forward passes (experiments/train/precision.h):
// fp32; bf16 or fp16 autocast with fp32 weights, optimizer state and loss; or
// auto, bf16 where the device computes it natively and fp32 elsewhere. A device
// that cannot do what is asked runs fp32 and the trial says so.
enum class PrecisionKind { kFp32, kBf16, kFp16, kAuto };

// The most augmented views a recipe may cache per training image.
constexpr int kMaxAugmentViews = 64;

// How each trial trains. Grid axes override individual fields per trial.
struct TrainingRecipe {
  int epochs = 10;
  int batch_size = 64;
  OptimizerKind optimizer = OptimizerKind::kSgd;
  double momentum = 0.9;  // SGD only
  ScheduleKind schedule = ScheduleKind::kCosine;
  double weight_decay = 5e-4;
  int image_size = 0;  // 0 = the backbone's input size
  // Head-only trials train a linear probe on standardised frozen features (the
  // backbone runs once) for this many epochs with the trial's optimizer and
  // learning rate, annealed to zero: long enough to converge, which a probe
  // trained for `epochs` would not.
  int probe_epochs = 100;
  // Augmented pixels differ in every step, so trials that augment run their
  // frozen blocks every step instead of reading the frozen-feature cache. The
  // head-only probe trains on features of the images as they are.
  AugmentKind augment = AugmentKind::kNone;
  // 0: augment every step. N > 0: N fixed augmented views of each training
  // image, the same for every trial, go through the frozen blocks once into the
  // feature cache, and each step draws one of them per image: trials that train
  // k blocks stop paying for the frozen prefix every step, at the price of a
  // finite set of views. Full fine-tunes still augment every step.
  int augment_views = 0;
  PrecisionKind precision = PrecisionKind::kFp32;
  // Validation after every this many epochs and always after the last; 0 =
  // about four times per trial (every ceil(epochs / 4) epochs). It changes no
  // result, only how finely the curves are drawn, so it is not part of a
  // trial's identity.
  int validate_every = 0;
};

struct GridSpec {
  std::vector<Depth> unfrozen;
  std::vector<Strategy> strategies;  // beside the depths; each with every lr and seed
  std::vector<double> lr;
  std::vector<int> seeds;  // the seeds every cell runs
  // Adaptive replication ("seeds": {"min": 2, "max": 6}): seeds stays 0..min-1
  // and `sweep run` adds seeds, up to this many per cell, only to the cells an
  // undecided verdict hinges on. 0 = a fixed set of seeds.
  int max_seeds = 0;
  // Optional further axes; empty = not swept (the recipe's value is used).
  std::vector<double> weight_decay;
  std::vector<int> batch_size;
  std::vector<int> epochs;
};

// Successive halving over the learning rate: trials that differ only in it
// (same backbone, target, depth, seed and recipe) are compared on validation
// at each rung, a fraction of the epochs, and those outside the best `keep`
// fraction of the siblings seen at that rung so far stop there. Never across
// depths or seeds. Short horizons favour small learning rates, so rungs come no
// earlier than kMinRung of the epochs and at least half the siblings go on.
struct HalvingSpec {
  std::vector<double> rungs = {0.5};  // fractions of the epochs, ascending
  double keep = 0.5;                  // the fraction of siblings that go on at a rung
};
constexpr double kMinRung = 0.3;
constexpr double kMinKeep = 0.5;

struct SweepSpec {
  std::string name;
  std::string description;
  std::vector<BackboneSpec> backbones;
  std::vector<TargetSpec> targets;
  // The JSON path of the sweep file's entry each target comes from (a ladder's
  // levels share one); empty for a spec not read from a file.
  std::vector<std::string> target_paths;
  GridSpec grid;
  TrainingRecipe training;
  std::optional<HalvingSpec> halving;  // none: every trial runs all its epochs
  std::optional<double> price_per_device_hour;
};

// How a trial runs beyond what it is: settings of its sweep that change none of
// its results, and so stay out of its identity (see trial_schedule in grid.h).
struct TrialSchedule {
  std::vector<int> validate_at;  // epochs, ascending, after which validation runs
  std::vector<int> rungs;        // epochs at which successive halving may stop it
};

// One point of the grid: everything a worker needs to run it.
struct TrialSpec {
  std::string id;    // hash of the canonical configuration; see trial_id()
  int position = 0;  // index in grid order
  BackboneSpec backbone;
  TargetSpec target;
  int unfrozen = 0;   // blocks trained; 0 = head only, == blocks = everything
  Strategy strategy;  // which blocks and how; trailing: the last `unfrozen`
  int blocks = 0;     // the backbone's block count
  double lr = 0.0;
  int seed = 0;
  TrainingRecipe recipe;   // grid axes applied
  TrialSchedule schedule;  // not part of the identity; filled in by expand_grid
};

// Names used in sweep files and in the database.
const char* dataset_name(DatasetKind kind);
const char* optimizer_name(OptimizerKind kind);
const char* schedule_name(ScheduleKind kind);
const char* augment_name(AugmentKind kind);
const char* precision_name(PrecisionKind kind);
const char* shift_name(ShiftKind kind);

// Where target `i` of `spec` is in its sweep file: /targets/N.
std::string target_path(const SweepSpec& spec, size_t i);

// The value whose name is `name`, if any.
template <typename Enum>
std::optional<Enum> enum_from_name(const std::string& name, std::initializer_list<Enum> values,
                                   const char* (*to_name)(Enum)) {
  for (Enum value : values) {
    if (name == to_name(value)) return value;
  }
  return std::nullopt;
}

}  // namespace sweep
