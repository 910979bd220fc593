#include "experiments/train/probe.h"

#include <cassert>

namespace sweep {
namespace {

constexpr int64_t kBatch = 512;

// Intra-op threads limited for the guard's lifetime.
class ThreadLimit {
 public:
  explicit ThreadLimit(int threads) : before_(torch::get_num_threads()) {
    torch::set_num_threads(threads);
  }
  ~ThreadLimit() { torch::set_num_threads(before_); }
  ThreadLimit(const ThreadLimit&) = delete;
  ThreadLimit& operator=(const ThreadLimit&) = delete;

 private:
  int before_;
};

}  // namespace

TensorSet extract_features(Backbone& backbone, const TensorSet& images) {
  torch::NoGradGuard no_grad;
  backbone.set_training(false);
  std::vector<torch::Tensor> parts;
  for (int64_t start = 0; start < images.size(); start += kBatch) {
    parts.push_back(backbone.features(images.images.slice(0, start, start + kBatch)));
  }
  TensorSet out;
  out.images = parts.empty() ? torch::zeros({0, 0}) : torch::cat(parts);
  out.labels = images.labels;
  out.num_classes = images.num_classes;
  return out;
}

FitResult train_linear_probe(torch::nn::Linear& head, const TensorSet& train, const TensorSet& val,
                             const TrainingRecipe& recipe, double lr, TrainingObserver& observer) {
  assert(train.images.dim() == 2);
  // Batches of a linear head are too small to share between threads: waiting
  // for each other costs more than the arithmetic. Measured on 2 cores, a digits
  // probe took 0.3 s on one thread and 2 to 15 s on two.
  const ThreadLimit one_thread(1);
  TensorSet train_features = train;
  TensorSet val_features = val;
  const torch::Tensor mean = train_features.images.mean(/*dim=*/0);
  const torch::Tensor spread = train_features.images.std(/*dim=*/0);
  const torch::Tensor scale = spread.clamp_min(1e-6);
  // A feature that does not vary on the training split teaches nothing; its
  // standardised value is held at 0 and its weight at 0, or the division by
  // its tiny spread would make any later variation (other images, a fine-tune
  // from this head) swamp the logits.
  const torch::Tensor live = (spread > 1e-6).to(scale.dtype());
  train_features.images = (train_features.images - mean) / scale * live;
  val_features.images = (val_features.images - mean) / scale * live;

  FitSetup setup;
  setup.logits = [&head](const torch::Tensor& z) { return head->forward(z); };
  setup.set_training = [&head](bool on) { head->train(on); };
  setup.groups = {{head->parameters(), 1.0}};
  setup.train = &train_features;
  setup.val = &val_features;
  setup.recipe = recipe;
  setup.recipe.schedule = ScheduleKind::kCosine;
  setup.recipe.augment = AugmentKind::kNone;  // features, not images
  setup.lr = lr;
  setup.epochs = recipe.probe_epochs;
  setup.label = "head-only probe, ";
  FitResult result = fit(setup, observer);

  // W((f - mean) / scale * live) + b  ==  (W live / scale) f + (b - W live (mean / scale))
  torch::NoGradGuard no_grad;
  const torch::Tensor weight = head->weight * live;
  head->weight.copy_(weight / scale);
  head->bias.sub_(weight.matmul(mean / scale));
  return result;
}

}  // namespace sweep
