#include "experiments/train/transferability.h"

#include <cmath>

namespace sweep {
namespace {

constexpr double kTolerance = 1e-7;
constexpr int kMaxIterations = 100;

// Square root of a symmetric positive semi-definite matrix.
torch::Tensor psd_sqrt(const torch::Tensor& m) {
  const auto [values, vectors] = torch::linalg_eigh(m, "L");
  return vectors.matmul(torch::diag(values.clamp_min(0.0).sqrt())).matmul(vectors.t());
}

// The covariance (d, d) of the rows of x (n, d).
torch::Tensor covariance(const torch::Tensor& x) {
  const torch::Tensor centred = x - x.mean(/*dim=*/0, /*keepdim=*/true);
  return centred.t().matmul(centred) / static_cast<double>(std::max<int64_t>(1, x.size(0) - 1));
}

}  // namespace

double log_evidence(const torch::Tensor& features, const torch::Tensor& y, double alpha,
                    double beta) {
  const torch::Tensor f = features.to(torch::kFloat64);
  const torch::Tensor t = y.to(torch::kFloat64);
  const auto n = f.size(0);
  const torch::Tensor cov = f.matmul(f.t()) / alpha + torch::eye(n, f.options()) / beta;
  const torch::Tensor chol = torch::linalg_cholesky(cov);
  const torch::Tensor z = torch::linalg_solve_triangular(chol, t.view({n, 1}), /*upper=*/false);
  const double log_det = 2.0 * chol.diagonal().log().sum().item<double>();
  const double quad = z.pow(2).sum().item<double>();
  return -0.5 * (static_cast<double>(n) * std::log(2.0 * M_PI) + log_det + quad) /
         static_cast<double>(n);
}

Evidence max_evidence(const torch::Tensor& features, const torch::Tensor& y_in) {
  const torch::Tensor f = features.to(torch::kFloat64).cpu();
  const torch::Tensor y = y_in.to(torch::kFloat64).cpu();
  const auto n = static_cast<double>(f.size(0));
  const auto d = static_cast<double>(f.size(1));
  // With F = U S V^T the evidence depends on y only through U^T y and the part of
  // y outside F's column space. (logme() repeats the SVD per class; d is small.)
  const auto [u, s, vh] = torch::linalg_svd(f, /*full_matrices=*/false);
  const torch::Tensor sigma = s.pow(2);  // eigenvalues of F^T F; the rest are zero
  const torch::Tensor x2 = u.t().matmul(y).pow(2);
  const double outside = std::max(0.0, y.pow(2).sum().item<double>() - x2.sum().item<double>());
  // |m|^2 of the posterior mean weights and the residual |y - F m|^2.
  const auto fit = [&](double ratio) {
    return std::make_pair((sigma * x2 / (sigma + ratio).pow(2)).sum().item<double>(),
                          (x2 / (1.0 + sigma / ratio).pow(2)).sum().item<double>() + outside);
  };
  // MacKay's fixed-point updates of the two precisions.
  double alpha = 1.0, beta = 1.0;
  for (int i = 0; i < kMaxIterations; ++i) {
    const double ratio = alpha / beta;
    const double gamma = (sigma / (sigma + ratio)).sum().item<double>();
    const auto [m2, res2] = fit(ratio);
    alpha = gamma / (m2 + 1e-12);
    beta = (n - gamma) / (res2 + 1e-12);
    if (std::abs(alpha / beta - ratio) / ratio < kTolerance) break;
  }
  const auto [m2, res2] = fit(alpha / beta);
  const double log_det = (alpha + beta * sigma).log().sum().item<double>() +
                         std::max(0.0, d - static_cast<double>(sigma.size(0))) * std::log(alpha);
  const double evidence = 0.5 * d * std::log(alpha) + 0.5 * n * std::log(beta) - 0.5 * alpha * m2 -
                          0.5 * beta * res2 - 0.5 * log_det - 0.5 * n * std::log(2.0 * M_PI);
  return {evidence / n, alpha, beta};
}

double logme(const torch::Tensor& features, const torch::Tensor& labels) {
  const torch::Tensor l = labels.cpu();
  const int64_t classes = l.max().item<int64_t>() + 1;
  double total = 0.0;
  for (int64_t k = 0; k < classes; ++k) total += max_evidence(features, l.eq(k)).value;
  return total / static_cast<double>(classes);
}

double frechet_distance(const torch::Tensor& features_a, const torch::Tensor& features_b) {
  const torch::Tensor a = features_a.to(torch::kFloat64).cpu();
  const torch::Tensor b = features_b.to(torch::kFloat64).cpu();
  const torch::Tensor cov_a = covariance(a);
  const torch::Tensor cov_b = covariance(b);
  // Tr((A B)^1/2) = Tr((A^1/2 B A^1/2)^1/2), which stays symmetric.
  const torch::Tensor root_a = psd_sqrt(cov_a);
  const double cross = psd_sqrt(root_a.matmul(cov_b).matmul(root_a)).trace().item<double>();
  const double mean_term = (a.mean(0) - b.mean(0)).pow(2).sum().item<double>();
  return std::max(
      0.0, mean_term + cov_a.trace().item<double>() + cov_b.trace().item<double>() - 2.0 * cross);
}

}  // namespace sweep
