#include "experiments/train/probe_curve.h"

#include <chrono>
#include <tuple>

#include "experiments/train/probe.h"
#include "experiments/train/transferability.h"

namespace sweep {
namespace {

constexpr int64_t kBatch = 256;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The best validation accuracy of a probe on these features over the learning
// rates, and that rate; each probe seeded alike.
std::pair<double, double> best_probe(const TensorSet& train, const TensorSet& val,
                                     const TrainingRecipe& recipe, const std::vector<double>& lrs,
                                     TrainingObserver& observer) {
  double best = -1.0, best_lr = 0.0;
  for (double lr : lrs) {
    torch::manual_seed(0);
    torch::nn::Linear head(train.images.size(1), train.num_classes);
    head->to(train.images.device());
    const FitResult fitted = train_linear_probe(head, train, val, recipe, lr, observer);
    const double accuracy = fitted.epochs.empty() ? 0.0 : fitted.epochs.back().val_accuracy;
    if (accuracy > best) {
      best = accuracy;
      best_lr = lr;
    }
  }
  return {best, best_lr};
}

// The pooled features of boundaries [first, end) side by side.
TensorSet side_by_side(const std::vector<BoundaryFeatures>& features, size_t first) {
  TensorSet set = features[first].pooled;
  std::vector<torch::Tensor> parts;
  for (size_t b = first; b < features.size(); ++b) parts.push_back(features[b].pooled.images);
  set.images = torch::cat(parts, /*dim=*/1);
  return set;
}

// Averaged over each cell of a 2x2 grid; an output with no spatial extent left
// (N, C) is its own grid.
torch::Tensor pool_grid(const torch::Tensor& activation) {
  if (activation.dim() == 2) return activation;
  return torch::adaptive_avg_pool2d(activation, {2, 2}).flatten(/*start_dim=*/1);
}

TensorSet labelled(const std::vector<torch::Tensor>& parts, const TensorSet& images) {
  TensorSet set;
  set.images = parts.empty() ? torch::zeros({0, 0}) : torch::cat(parts);
  set.labels = images.labels;
  set.num_classes = images.num_classes;
  return set;
}

}  // namespace

std::vector<BoundaryFeatures> features_at_every_boundary(Backbone& backbone,
                                                         const TensorSet& images) {
  torch::NoGradGuard no_grad;
  backbone.set_training(false);
  const auto blocks = static_cast<size_t>(backbone.num_blocks());
  std::vector<std::vector<torch::Tensor>> pooled(blocks), grid(blocks);
  for (int64_t start = 0; start < images.size(); start += kBatch) {
    torch::Tensor x = images.images.slice(0, start, start + kBatch);
    for (size_t b = 0; b < blocks; ++b) {
      x = backbone.forward(x, static_cast<int>(b), static_cast<int>(b) + 1);
      pooled[b].push_back(Backbone::pool(x));
      grid[b].push_back(pool_grid(x));
    }
  }
  std::vector<BoundaryFeatures> features;
  for (size_t b = 0; b < blocks; ++b)
    features.push_back({labelled(pooled[b], images), labelled(grid[b], images)});
  return features;
}

std::vector<BoundaryProbe> probe_curve(Backbone& backbone, const TensorSet& train,
                                       const TensorSet& val, const TrainingRecipe& recipe,
                                       const std::vector<double>& lrs, TrainingObserver& observer) {
  const std::vector<BoundaryFeatures> train_features = features_at_every_boundary(backbone, train);
  const std::vector<BoundaryFeatures> val_features = features_at_every_boundary(backbone, val);
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
    const TensorSet& pooled = train_features[b].pooled;
    probe.feature_dim = pooled.images.size(1);
    probe.logme = logme(pooled.images, pooled.labels);
    std::tie(probe.val_accuracy, probe.lr) =
        best_probe(pooled, val_features[b].pooled, recipe, lrs, progress);
    if (b + 1 == boundaries) {  // the layout question is asked of what head-only sees
      probe.grid_val_accuracy =
          best_probe(train_features[b].grid, val_features[b].grid, recipe, lrs, progress).first;
    }
    probe.suffix_val_accuracy =
        b + 1 == boundaries ? probe.val_accuracy
                            : best_probe(side_by_side(train_features, b),
                                         side_by_side(val_features, b), recipe, lrs, progress)
                                  .first;
    probe.seconds = seconds_since(start);
    curve.push_back(probe);
  }
  return curve;
}

}  // namespace sweep
