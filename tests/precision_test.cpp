// Mixed precision: what each request resolves to, autocast's reach, and loss
// scaling for fp16.
#include "experiments/train/precision.h"

#include <gtest/gtest.h>

namespace sweep {
namespace {

TEST(Precision, RequestsResolvePerDeviceWithAReasonWhenTheyCannotRun) {
  const torch::Device cpu(torch::kCPU);
  EXPECT_EQ(precision_name(resolve_precision(PrecisionKind::kFp32, cpu, true)), "fp32");
  EXPECT_EQ(precision_name(resolve_precision(PrecisionKind::kBf16, cpu, true)), "bf16");
  EXPECT_EQ(precision_name(resolve_precision(PrecisionKind::kAuto, cpu, true)), "bf16");
  EXPECT_EQ(precision_name(resolve_precision(PrecisionKind::kAuto, cpu, false)), "fp32");
  EXPECT_EQ(resolve_precision(PrecisionKind::kAuto, cpu, false).note, "") << "auto asks nothing";
  const Precision no_bf16 = resolve_precision(PrecisionKind::kBf16, cpu, false);
  EXPECT_EQ(precision_name(no_bf16), "fp32");
  EXPECT_EQ(no_bf16.note,
            "bf16 asked, but this CPU has no native bf16 arithmetic (avx512_bf16 or amx_bf16); "
            "ran in fp32");
  EXPECT_EQ(resolve_precision(PrecisionKind::kFp16, cpu, true).note,
            "fp16 asked, but autocast to fp16 runs on CUDA only; ran in fp32");
}

TEST(Precision, AutocastCastsConvolutionsOnlyWhileTheGuardLives) {
  torch::nn::Conv2d conv(torch::nn::Conv2dOptions(1, 2, 3));
  const torch::Tensor x = torch::randn({1, 1, 6, 6});
  {
    const AutocastGuard guard(torch::Device(torch::kCPU), Precision{torch::kBFloat16, ""});
    EXPECT_EQ(conv->forward(x).scalar_type(), torch::kBFloat16);
  }
  EXPECT_EQ(conv->forward(x).scalar_type(), torch::kFloat);
  {
    const AutocastGuard off(torch::Device(torch::kCPU), Precision{});
    EXPECT_EQ(conv->forward(x).scalar_type(), torch::kFloat) << "fp32 asks for no autocast";
  }
  EXPECT_EQ(conv->weight.scalar_type(), torch::kFloat) << "the weights stay fp32";
}

TEST(Precision, LossScalingSkipsOverflowingStepsAndGrowsBack) {
  LossScaler scaler(Precision{torch::kHalf, ""}, /*growth_interval=*/2);
  EXPECT_DOUBLE_EQ(scaler.current(), 65536.0);
  torch::Tensor w = torch::ones({2}, torch::requires_grad());
  w.mutable_grad() = torch::tensor({65536.0f, 131072.0f});
  EXPECT_TRUE(scaler.unscale({w}));
  EXPECT_TRUE(torch::allclose(w.grad(), torch::tensor({1.0f, 2.0f})));
  w.mutable_grad() = torch::tensor({INFINITY, 1.0f});
  EXPECT_FALSE(scaler.unscale({w})) << "the step is skipped";
  EXPECT_DOUBLE_EQ(scaler.current(), 32768.0);
  w.mutable_grad() = torch::ones({2});
  scaler.unscale({w});
  w.mutable_grad() = torch::ones({2});
  scaler.unscale({w});
  EXPECT_DOUBLE_EQ(scaler.current(), 65536.0) << "doubled after two good steps";
  torch::Tensor v = torch::ones({3}, torch::requires_grad());
  v.mutable_grad() = torch::tensor({1.0f, NAN, 1.0f});
  w.mutable_grad() = torch::ones({2});
  EXPECT_FALSE(scaler.unscale({w, v})) << "a NaN in any gradient skips the step";
  EXPECT_DOUBLE_EQ(scaler.current(), 32768.0);
  LossScaler none(Precision{torch::kBFloat16, ""});
  EXPECT_DOUBLE_EQ(none.current(), 1.0) << "bf16 keeps fp32's range: no scaling";
}

}  // namespace
}  // namespace sweep
