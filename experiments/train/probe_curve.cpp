#include "experiments/train/probe_curve.h"

#include <chrono>

#include "experiments/train/probe.h"
#include "experiments/train/transferability.h"

namespace sweep {
namespace {

constexpr int64_t kBatch = 256;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

struct ProbeScore {
  double val_accuracy = -1.0;
  double lr = 0.0;
  double train_accuracy = 0.0;  // in the last epoch, when the schedule has all but stopped
};

// The probe with the best validation accuracy over the learning rates; each
// probe seeded alike.
ProbeScore best_probe(const TensorSet& train, const TensorSet& val, const TrainingRecipe& recipe,
                      const std::vector<double>& lrs, TrainingObserver& observer) {
  ProbeScore best;
  for (double lr : lrs) {
    torch::manual_seed(0);
    torch::nn::Linear head(train.images.size(1), train.num_classes);
    head->to(train.images.device());
    const FitResult fitted = train_linear_probe(head, train, val, recipe, lr, observer);
    if (fitted.epochs.empty()) continue;
    const EpochMetrics& last = fitted.epochs.back();
    if (last.val_accuracy > best.val_accuracy) best = {last.val_accuracy, lr, last.train_accuracy};
  }
  return best;
}

// The features of boundaries [first, end) side by side.
TensorSet side_by_side(const std::vector<TensorSet>& pooled, size_t first) {
  TensorSet set = pooled[first];
  std::vector<torch::Tensor> parts;
  for (size_t b = first; b < pooled.size(); ++b) parts.push_back(pooled[b].images);
  set.images = torch::cat(parts, /*dim=*/1);
  return set;
}

}  // namespace

std::vector<TensorSet> pooled_at_every_boundary(Backbone& backbone, const TensorSet& images) {
  torch::NoGradGuard no_grad;
  backbone.set_training(false);
  const int blocks = backbone.num_blocks();
  std::vector<std::vector<torch::Tensor>> parts(static_cast<size_t>(blocks));
  for (int64_t start = 0; start < images.size(); start += kBatch) {
    torch::Tensor x = images.images.slice(0, start, start + kBatch);
    for (int b = 0; b < blocks; ++b) {
      x = backbone.forward(x, b, b + 1);
      parts[static_cast<size_t>(b)].push_back(Backbone::pool(x));
    }
  }
  std::vector<TensorSet> pooled;
  for (auto& boundary : parts) {
    TensorSet set;
    set.images = boundary.empty() ? torch::zeros({0, 0}) : torch::cat(boundary);
    set.labels = images.labels;
    set.num_classes = images.num_classes;
    pooled.push_back(std::move(set));
  }
  return pooled;
}

std::vector<BoundaryProbe> probe_curve(Backbone& backbone, const TensorSet& train,
                                       const TensorSet& val, const TrainingRecipe& recipe,
                                       const std::vector<double>& lrs, TrainingObserver& observer) {
  const std::vector<TensorSet> train_features = pooled_at_every_boundary(backbone, train);
  const std::vector<TensorSet> val_features = pooled_at_every_boundary(backbone, val);
  const std::vector<std::string> names = backbone.block_names();
  const size_t boundaries = train_features.size();
  std::vector<BoundaryProbe> curve;
  for (size_t b = 0; b < boundaries; ++b) {
    const auto start = std::chrono::steady_clock::now();
    ProgressSpan progress(observer, static_cast<double>(b) / static_cast<double>(boundaries),
                          1.0 / static_cast<double>(boundaries), "probing after " + names[b]);
    BoundaryProbe probe;
    probe.boundary = static_cast<int>(b) + 1;
    probe.block = names[b];
    probe.feature_dim = train_features[b].images.size(1);
    probe.logme = logme(train_features[b].images, train_features[b].labels);
    const ProbeScore alone = best_probe(train_features[b], val_features[b], recipe, lrs, progress);
    probe.val_accuracy = alone.val_accuracy;
    probe.lr = alone.lr;
    probe.train_accuracy = alone.train_accuracy;
    probe.suffix_val_accuracy =
        b + 1 == boundaries ? probe.val_accuracy
                            : best_probe(side_by_side(train_features, b),
                                         side_by_side(val_features, b), recipe, lrs, progress)
                                  .val_accuracy;
    probe.seconds = seconds_since(start);
    curve.push_back(probe);
  }
  return curve;
}

}  // namespace sweep
