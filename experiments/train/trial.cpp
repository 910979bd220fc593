#include "experiments/train/trial.h"

#include <chrono>
#include <cmath>
#include <functional>
#include <numeric>

#include "core/backbone_files.h"
#include "core/errors.h"
#include "core/grid.h"
#include "core/identity.h"
#include "core/sha256.h"
#include "core/spec_json.h"
#include "experiments/models/scripted_backbone.h"
#include "experiments/models/transfer_model.h"
#include "experiments/train/augment.h"
#include "experiments/train/device.h"
#include "experiments/train/precision.h"
#include "experiments/train/probe.h"

namespace sweep {
namespace {

double sum(const std::vector<double>& v, size_t begin, size_t end) {
  return std::accumulate(v.begin() + static_cast<long>(begin), v.begin() + static_cast<long>(end),
                         0.0);
}

// What a trial ran: epochs trained, validation passes, whether it was tested.
struct Passes {
  int epochs = 0;
  int validations = 0;
  bool tested = true;
};

// `probed`: the first epoch is LP-FT's start, a validation without training.
Passes passes_of(const FitResult& fitted, bool probed) {
  Passes passes;
  passes.epochs = static_cast<int>(fitted.epochs.size()) - (probed ? 1 : 0);
  for (const EpochMetrics& e : fitted.epochs)
    passes.validations += std::isnan(e.val_accuracy) ? 0 : 1;
  passes.tested = !fitted.stopped_epoch;
  return passes;
}

// Forward and backward passes of training plus the evaluation passes; see
// block_flops for what a pass counts. A trained layer costs about three times its
// forward pass (forward, gradient of the input, gradient of the weights); a
// frozen block after the trained ones twice (forward, gradient of the input).
// Frozen blocks before them run once per image when the feature cache serves
// them. A start from the probe (LP-FT) adds it: features of the training and
// validation images, and the head's epochs on them.
double training_flops(const TrialSpec& trial, const std::vector<double>& blocks, double head,
                      const TargetData& data, const Passes& passes, bool cached) {
  const auto first = static_cast<size_t>(first_trained_block(trial));
  const auto end = static_cast<size_t>(end_trained_block(trial));
  const double forward = sum(blocks, 0, blocks.size()) + head;
  const double n_train = static_cast<double>(data.train.size());
  const double n_val = static_cast<double>(data.val.size());
  const double n_test = static_cast<double>(data.test.size());
  const double probe = 3.0 * head * n_train * trial.recipe.probe_epochs;
  if (trial.unfrozen == 0) {
    // The backbone runs once per image; the head trains on cached features.
    return forward * (n_train + n_val + n_test) + probe;
  }
  const double frozen = sum(blocks, 0, first);
  const double after = sum(blocks, end, blocks.size());
  const double suffix_forward = sum(blocks, first, blocks.size()) + head;
  const double per_epoch = (cached ? 0.0 : frozen) * n_train +
                           (3.0 * (sum(blocks, first, end) + head) + 2.0 * after) * n_train;
  const double per_validation = (cached ? suffix_forward : forward) * n_val;
  const double once = cached ? frozen * (n_train + n_val + n_test) : 0.0;
  const double lp = trial.strategy.starts_from_probe() ? forward * (n_train + n_val) + probe : 0.0;
  return once + lp + passes.epochs * per_epoch + passes.validations * per_validation +
         (passes.tested ? (cached ? suffix_forward : forward) * n_test : 0.0);
}

// Epoch 0: validation before any training step.
EpochMetrics untrained_epoch(const Score& val) {
  EpochMetrics epoch;
  epoch.epoch = 0;
  epoch.lr = 0.0;
  epoch.train_loss = epoch.train_accuracy = std::nan("");
  epoch.val_loss = val.loss;
  epoch.val_accuracy = val.accuracy;
  return epoch;
}

// One group at the trial's rate; where the strategy scales block rates, the
// head at the trial's rate and each trained block in a group of its own, at
// its block_lr_scale (strategy.h).
std::vector<ParamGroup> param_groups(TransferModel& model, const Strategy& strategy) {
  if (!scales_block_rates(strategy)) return {{model.trainable_parameters(), 1.0}};
  std::vector<ParamGroup> groups = {{model.head()->parameters(), 1.0}};
  const BlockRange trained = model.trained();
  for (int b = trained.end - 1; b >= trained.first; --b) {
    groups.push_back(
        {model.backbone().block_parameters(b), block_lr_scale(strategy, b, trained.end)});
  }
  return groups;
}

// The input's shape and normalisation, as text for keys.
std::string describe(const InputSpec& input) {
  std::string text = std::to_string(input.channels) + "x" + std::to_string(input.size);
  for (size_t c = 0; c < input.mean.size(); ++c) {
    text += " " + std::to_string(input.mean[c]) + "/" + std::to_string(input.std[c]);
  }
  return text;
}

std::string content_key(const TargetData& data, const InputSpec& input) {
  std::string bytes = describe(input);
  for (const ImageSet* set : {&data.train, &data.val, &data.test}) {
    bytes += "\n" + std::to_string(set->size()) + "\n";
    bytes.append(reinterpret_cast<const char*>(set->labels.data()),
                 set->labels.size() * sizeof(int));
    bytes.append(reinterpret_cast<const char*>(set->pixels.data()), set->pixels.size());
  }
  return sha256_hex(bytes);
}

// The splits as the trainable part of the model takes them, and how they got
// there.
struct TrainableInputs {
  TensorSet train, val, test;
  bool at_boundary = false;  // activations at the freeze boundary, else images
  FrozenInput frozen = FrozenInput::kNone;
  // The recipe's fixed augmented views of train at the boundary; empty when the
  // trial augments every step or not at all.
  std::vector<torch::Tensor> train_views;
};

TensorSet with_images(const TensorSet& labelled, torch::Tensor images) {
  TensorSet out = labelled;
  out.images = std::move(images);
  return out;
}

// Head-only trials always start from features (the probe needs them whole),
// trials with augmented views from those views at the freeze boundary; both
// compute them when the feature cache cannot give them, so that a result never
// depends on the cache. Other deeper trials start from the cached boundary when
// the cache has it and they do not augment, else from the images. Full
// fine-tunes freeze nothing and start from the images.
TrainableInputs trainable_inputs(TransferModel& model, const std::string& model_key,
                                 const TargetTensors& data, FeatureCache* cache,
                                 const TrainingRecipe& recipe) {
  TrainableInputs in{data.train, data.val, data.test, false, FrozenInput::kNone, {}};
  const int boundary = model.first_trainable_block();
  if (boundary == 0) return in;
  const bool head_only = boundary == model.backbone().num_blocks();
  const bool augments = !head_only && recipe.augment != AugmentKind::kNone;
  const int views = augments ? recipe.augment_views : 0;
  if (augments && views == 0) {
    in.frozen = FrozenInput::kAugmentation;
    return in;
  }
  // What goes through the frozen blocks: each view of train (or train), val, test.
  struct Split {
    std::function<torch::Tensor()> images;
    std::string key;
  };
  std::vector<Split> splits;
  for (int v = 0; v < views; ++v) {
    splits.push_back(
        {[&data, &recipe, v] { return augmented_view(data.train.images, recipe.augment, v); },
         data.key + "/train/" + augment_name(recipe.augment) + " view " + std::to_string(v)});
  }
  if (views == 0) splits.push_back({[&data] { return data.train.images; }, data.key + "/train"});
  splits.push_back({[&data] { return data.val.images; }, data.key + "/val"});
  splits.push_back({[&data] { return data.test.images; }, data.key + "/test"});

  std::vector<torch::Tensor> found;
  CacheSource worst = CacheSource::kMemory;
  if (cache) {
    const std::string prefix = prefix_key(model.backbone(), boundary, model_key);
    for (const Split& split : splits) {
      CacheSource source = CacheSource::kMemory;
      auto activations = cache->activations(model.backbone(), boundary, prefix, split.images(),
                                            split.key, &source);
      if (!activations) break;
      found.push_back(*activations);
      worst = std::max(worst, source);
    }
  }
  if (found.size() == splits.size()) {
    in.frozen = frozen_input(worst);
  } else {
    in.frozen = cache ? FrozenInput::kTooLarge : FrozenInput::kOff;
    if (!head_only && views == 0) return in;  // the model runs its frozen blocks itself
    found.clear();
    for (const Split& split : splits)
      found.push_back(boundary_activations(model.backbone(), boundary, split.images()));
  }
  const size_t n = found.size();
  in.train = with_images(data.train, found[0]);
  in.val = with_images(data.val, found[n - 2]);
  in.test = with_images(data.test, found[n - 1]);
  in.at_boundary = true;
  if (views > 0) in.train_views.assign(found.begin(), found.end() - 2);
  return in;
}

// A TorchScript backbone, checked to hold the weights the sweep was registered with.
PretrainedBackbone load_scripted(const BackboneSpec& spec, const torch::Device& device) {
  PretrainedBackbone out;
  out.backbone = ScriptedBackbone::load(spec.torchscript);
  if (content_digest(*out.backbone) != spec.content_sha256) {
    throw InputError(spec.torchscript +
                     ": the weights changed since the sweep was registered; "
                     "run `sweep run` again to register trials for the new file");
  }
  out.backbone->to(device);
  out.backbone->set_training(false);
  out.record = {pretrain_key(spec),
                read_backbone_metadata(spec.torchscript).model,
                "TorchScript file " + spec.torchscript,
                std::nan(""),
                0.0,
                spec.torchscript};
  return out;
}

}  // namespace

TrialResources::TrialResources(torch::Device device, std::string cache_dir,
                               std::optional<FeatureCacheOptions> features)
    : device_(device), cache_dir_(std::move(cache_dir)) {
  if (features) {
    if (features->dir.empty() && !cache_dir_.empty()) features->dir = cache_dir_ + "/features";
    features_.emplace(std::move(*features));
  }
}

const TargetData& TrialResources::target_data(const TargetSpec& target, int channels, int size) {
  const std::string key =
      to_json(target).dump() + "/" + std::to_string(channels) + "/" + std::to_string(size);
  auto it = targets_.find(key);
  if (it == targets_.end()) {
    it = targets_.emplace(key, load_target(target, channels, size, cache_dir_)).first;
  }
  return it->second;
}

const TargetTensors& TrialResources::target_tensors(const TargetSpec& target,
                                                    const InputSpec& input) {
  const std::string key = to_json(target).dump() + "/" + describe(input);
  auto it = tensors_.find(key);
  if (it == tensors_.end()) {
    const TargetData& data = target_data(target, input.channels, input.size);
    TargetTensors tensors{to_tensors(data.train, input, device_),
                          to_tensors(data.val, input, device_),
                          to_tensors(data.test, input, device_), content_key(data, input)};
    it = tensors_.emplace(key, std::move(tensors)).first;
  }
  return it->second;
}

const TargetData& TrialResources::source_data(const PretrainSpec& source, int channels, int size) {
  const std::string key =
      to_json(source).dump() + "/" + std::to_string(channels) + "/" + std::to_string(size);
  auto it = sources_.find(key);
  if (it == sources_.end()) {
    it = sources_.emplace(key, load_source(source, channels, size, cache_dir_)).first;
  }
  return it->second;
}

const PretrainedBackbone& TrialResources::backbone(const BackboneSpec& spec,
                                                   TrainingObserver& observer) {
  const std::string key = pretrain_key(spec);
  auto it = backbones_.find(key);
  if (it == backbones_.end()) {
    PretrainedBackbone loaded = spec.is_torchscript()
                                    ? load_scripted(spec, device_)
                                    : load_or_pretrain(spec, cache_dir_, device_, observer);
    it = backbones_.emplace(key, std::move(loaded)).first;
  }
  return it->second;
}

TrialResult run_trial(const TrialSpec& trial, TrialResources& resources,
                      TrainingObserver& observer) {
  const auto start = std::chrono::steady_clock::now();
  const torch::Device& device = resources.device();
  reset_peak_memory(device);
  std::unique_ptr<Backbone> backbone =
      resources.backbone(trial.backbone, observer).backbone->clone();
  InputSpec input = backbone->input();
  if (trial.recipe.image_size > 0) input.size = trial.recipe.image_size;
  const TargetData& data = resources.target_data(trial.target, input.channels, input.size);
  const TargetTensors& tensors = resources.target_tensors(trial.target, input);

  const Precision precision =
      resolve_precision(trial.recipe.precision, device, cpu_has_native_bf16());
  if (!precision.note.empty()) observer.progress(0.0, precision.note);
  const std::string model_key = pretrain_key(trial.backbone);
  // A start from the probe (LP-FT) reads pooled features through a head-only
  // model over a clone; cloning and that model's head draw from torch's
  // generator, so both come before the seed is set. The trial's own head then
  // starts as the head-only trial's at this seed does, and trains as its probe.
  std::optional<TransferModel> features_model;
  if (trial.strategy.starts_from_probe()) {
    features_model.emplace(backbone->clone(), data.train.num_classes(), 0);
    features_model->to(device);
  }
  torch::manual_seed(static_cast<uint64_t>(trial.seed));
  TransferModel model(std::move(backbone), data.train.num_classes(),
                      BlockRange{first_trained_block(trial), end_trained_block(trial)});
  model.to(device);
  const TrainableInputs in =
      trainable_inputs(model, model_key, tensors, resources.feature_cache(), trial.recipe);
  const LogitsFn logits = [&model, &in](const torch::Tensor& x) {
    return in.at_boundary ? model.from_boundary(x) : model.forward(x);
  };
  std::optional<EpochMetrics> from_probe;  // epoch 0 of the curve: where the fine-tune starts
  if (features_model) {
    const TrainableInputs features = trainable_inputs(*features_model, model_key, tensors,
                                                      resources.feature_cache(), trial.recipe);
    train_linear_probe(model.head(), features.train, features.val, trial.recipe, trial.lr,
                       observer);
    model.eval();
    from_probe = untrained_epoch(evaluate(logits, in.val, precision));
  }
  FitResult fitted;
  if (trial.unfrozen == 0) {
    fitted = train_linear_probe(model.head(), in.train, in.val, trial.recipe, trial.lr, observer);
  } else {
    FitSetup setup;
    setup.logits = logits;
    setup.set_training = [&model](bool on) { on ? model.train() : model.eval(); };
    setup.groups = param_groups(model, trial.strategy);
    setup.train = &in.train;
    setup.train_views = in.train_views;
    setup.val = &in.val;
    setup.recipe = trial.recipe;
    setup.lr = trial.lr;
    setup.epochs = trial.recipe.epochs;
    setup.validate_at = trial.schedule.validate_at;
    setup.rungs = trial.schedule.rungs;
    setup.precision = precision;
    fitted = fit(setup, observer);
  }
  if (from_probe) fitted.epochs.insert(fitted.epochs.begin(), *from_probe);

  model.eval();
  TrialResult result;
  // The last epoch's validation is the trained model's; a probe's was on
  // standardised features, so the folded head is evaluated anew.
  const EpochMetrics* last = fitted.epochs.empty() ? nullptr : &fitted.epochs.back();
  const bool validated = trial.unfrozen > 0 && last && !std::isnan(last->val_accuracy);
  // Head-only probes train on fp32 features and are evaluated in fp32; only
  // fine-tunes autocast.
  const Precision ran_in = trial.unfrozen == 0 ? Precision{} : precision;
  const Score val_score =
      validated ? Score{last->val_loss, last->val_accuracy} : evaluate(logits, in.val, ran_in);
  const Score test_score =
      fitted.stopped_epoch ? Score{std::nan(""), std::nan("")} : evaluate(logits, in.test, ran_in);
  result.frozen_input = in.frozen;
  result.diverged = fitted.diverged;
  result.stopped_epoch = fitted.stopped_epoch;
  result.precision = precision_name(ran_in);
  result.val_accuracy = val_score.accuracy;
  result.test_accuracy = test_score.accuracy;
  result.val_loss = val_score.loss;
  result.test_loss = test_score.loss;
  const Passes passes = passes_of(fitted, from_probe.has_value());
  result.epochs = std::move(fitted.epochs);
  result.trainable_params = model.trainable_count();
  result.total_params = model.total_count();
  const double head = 2.0 * static_cast<double>(model.head()->weight.numel());
  result.train_flops = training_flops(trial, block_flops(model.backbone(), device), head, data,
                                      passes, in.at_boundary);
  result.device = device_string(device);
  result.device_name = device_model(device);
  result.peak_memory_bytes = peak_memory_bytes(device);
  result.environment = current_environment(device);
  result.train_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace sweep
