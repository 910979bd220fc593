// The depth predicted before training: for a frozen backbone and a target, a
// converged linear probe and LogME on the pooled features after every block
// boundary (see BoundaryProbe), with how well each probe fits the training
// split. When an earlier boundary's probe beats the last one's, the later
// blocks learnt something specific to the source; when the last one's cannot
// fit the target's own training images, the features do not separate its
// classes. Either way a fine-tune must open blocks (analysis/prediction.h turns
// the curve into a verdict).
//
// The images run through the backbone once, in batches, in evaluation mode;
// only the pooled features of each boundary are kept, so memory stays small
// whatever the activations' size.
#pragma once

#include <vector>

#include "core/observer.h"
#include "core/records.h"
#include "experiments/models/backbone.h"
#include "experiments/train/tensors.h"

namespace sweep {

// One BoundaryProbe per boundary 1..num_blocks. Each probe is trained as
// head-only trials train theirs (train_linear_probe with `recipe`), once per
// learning rate of `lrs`, seeded, and keeps the best on validation.
std::vector<BoundaryProbe> probe_curve(Backbone& backbone, const TensorSet& train,
                                       const TensorSet& val, const TrainingRecipe& recipe,
                                       const std::vector<double>& lrs, TrainingObserver& observer);

// The pooled features after each boundary: result[b - 1] for boundary b.
std::vector<TensorSet> pooled_at_every_boundary(Backbone& backbone, const TensorSet& images);

}  // namespace sweep
