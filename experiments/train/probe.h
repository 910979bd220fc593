// Head-only training done fairly. A linear probe trained for the few epochs of a
// fine-tune is undertrained and makes head-only look far worse than it is, so
// instead: the frozen backbone runs once over each split (extract_features, or
// the feature cache), the features are standardised with the training split's
// statistics, and the head trains on them for recipe.probe_epochs epochs with
// the trial's optimizer and learning rate on a cosine schedule to zero. The
// standardisation is then folded into the head's weights, so the head takes
// raw features like any other.
#pragma once

#include "experiments/models/backbone.h"
#include "experiments/train/fit.h"

namespace sweep {

// `train` and `val` hold pooled features (N, D).
FitResult train_linear_probe(torch::nn::Linear& head, const TensorSet& train, const TensorSet& val,
                             const TrainingRecipe& recipe, double lr, TrainingObserver& observer);

// Pooled features of every image, computed in batches in evaluation mode.
TensorSet extract_features(Backbone& backbone, const TensorSet& images);

}  // namespace sweep
