// Cheap measures of how well a frozen backbone suits a target, computed from
// features before any training:
//
// - LogME (You et al., "LogME: Practical Assessment of Pre-trained Models for
//   Transfer Learning", ICML 2021): the maximum evidence of a Bayesian linear
//   model from features to each one-hot label column, per sample, averaged over
//   classes. Higher means the features already separate the classes.
// - The Fréchet distance between Gaussians fitted to source and target features
//   (as in FID): how far the target lies from what the backbone learnt on.
//   0 for identical distributions; larger is farther.
//
// Both work in float64 on the CPU. Thread-compatible.
#pragma once

#include <torch/torch.h>

namespace sweep {

// features: (n, d); labels: (n) int64 in 0..classes-1.
double logme(const torch::Tensor& features, const torch::Tensor& labels);

// The maximum over alpha (precision of the weights) and beta (of the noise) of
// the evidence of one target column y (n), per sample, and where it is.
struct Evidence {
  double value = 0.0;
  double alpha = 0.0;
  double beta = 0.0;
};
Evidence max_evidence(const torch::Tensor& features, const torch::Tensor& y);

// The evidence computed directly, log N(y | 0, F F^T / alpha + I / beta) / n: an
// independent check of max_evidence, for tests.
double log_evidence(const torch::Tensor& features, const torch::Tensor& y, double alpha,
                    double beta);

// features_a: (n, d), features_b: (m, d).
double frechet_distance(const torch::Tensor& features_a, const torch::Tensor& features_b);

}  // namespace sweep
