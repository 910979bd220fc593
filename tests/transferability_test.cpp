// LogME and the Fréchet distance against references computed here.
#include "experiments/train/transferability.h"

#include <gtest/gtest.h>

namespace sweep {
namespace {

// max_evidence's closed form must equal the Gaussian log-likelihood computed
// directly, and no nearby precisions may give more.
void expect_maximum(const torch::Tensor& f, const torch::Tensor& y) {
  const Evidence e = max_evidence(f, y);
  EXPECT_NEAR(e.value, log_evidence(f, y, e.alpha, e.beta), 1e-9);
  for (double a : {0.8, 1.25}) {
    EXPECT_LE(log_evidence(f, y, e.alpha * a, e.beta), e.value + 1e-9) << "alpha x" << a;
    EXPECT_LE(log_evidence(f, y, e.alpha, e.beta * a), e.value + 1e-9) << "beta x" << a;
  }
}

TEST(LogMe, EvidenceIsTheMaximumOfTheDirectLikelihood) {
  torch::manual_seed(0);
  const torch::Tensor f = torch::randn({60, 10}, torch::kFloat64);
  const torch::Tensor w = torch::randn({10}, torch::kFloat64);
  expect_maximum(f, f.matmul(w) + 0.3 * torch::randn({60}, torch::kFloat64));
  // Fewer samples than features: F^T F has zero eigenvalues.
  const torch::Tensor wide = torch::randn({12, 20}, torch::kFloat64);
  const torch::Tensor v = torch::randn({20}, torch::kFloat64);
  expect_maximum(wide, wide.matmul(v) + 0.5 * torch::randn({12}, torch::kFloat64));
}

TEST(LogMe, SeparableFeaturesScoreHigherThanNoise) {
  torch::manual_seed(1);
  const torch::Tensor labels = torch::arange(300).remainder(3);
  const torch::Tensor noise = torch::randn({300, 16});
  const torch::Tensor signal = noise.clone();
  signal.slice(1, 0, 3) += torch::one_hot(labels, 3).to(torch::kFloat) * 4.0;
  EXPECT_GT(logme(signal, labels), logme(noise, labels) + 0.1);
  const double average =
      (max_evidence(signal, labels.eq(0)).value + max_evidence(signal, labels.eq(1)).value +
       max_evidence(signal, labels.eq(2)).value) /
      3.0;
  EXPECT_NEAR(logme(signal, labels), average, 1e-12);
}

TEST(Frechet, MatchesTheGaussianClosedForm) {
  torch::manual_seed(2);
  const torch::Tensor a = torch::randn({500, 1}, torch::kFloat64) * 2.0 + 1.0;
  const torch::Tensor b = torch::randn({400, 1}, torch::kFloat64) * 0.5 - 3.0;
  // One dimension: (m_a - m_b)^2 + (s_a - s_b)^2 with the sample statistics.
  const double expected = std::pow(a.mean().item<double>() - b.mean().item<double>(), 2) +
                          std::pow(a.std().item<double>() - b.std().item<double>(), 2);
  EXPECT_NEAR(frechet_distance(a, b), expected, 1e-9);
  EXPECT_NEAR(frechet_distance(a, a), 0.0, 1e-9);
  // In several dimensions: unchanged by a shared shift or rotation, and scaled
  // by k^2 when both sets are scaled by k.
  const torch::Tensor x = torch::randn({300, 4}, torch::kFloat64);
  const torch::Tensor y = torch::randn({300, 4}, torch::kFloat64) * 1.5 + 0.5;
  const double d = frechet_distance(x, y);
  const torch::Tensor shift = torch::randn({1, 4}, torch::kFloat64);
  const torch::Tensor rotation =
      std::get<0>(torch::linalg_qr(torch::randn({4, 4}, torch::kFloat64)));
  EXPECT_NEAR(frechet_distance(x + shift, y + shift), d, 1e-9);
  EXPECT_NEAR(frechet_distance(x.matmul(rotation), y.matmul(rotation)), d, 1e-9);
  EXPECT_NEAR(frechet_distance(x * 3.0, y * 3.0), 9.0 * d, 1e-8);
}

}  // namespace
}  // namespace sweep
