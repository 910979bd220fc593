// Mixed precision for training: the forward pass autocast to a 16-bit type
// while weights, optimizer state and the loss stay in fp32. On the CPU only
// bf16, and only where the processor computes it natively (avx512_bf16 or
// amx_bf16): elsewhere oneDNN would emulate it more slowly than fp32. On CUDA,
// bf16 where the GPU has it (compute capability 8.0 or later) and fp16, which
// needs loss scaling (LossScaler).
#pragma once

#include <torch/torch.h>

#include <string>

#include "core/sweep_spec.h"

namespace sweep {

// What a trial runs in: the requested precision resolved for a device. `note`
// says why it differs from the request ("" when it does not).
struct Precision {
  torch::ScalarType dtype = torch::kFloat;  // kFloat: no autocast
  std::string note;
};

// "fp32", "bf16" or "fp16": the name a trial records.
std::string precision_name(const Precision& precision);

// `cpu_has_bf16` says whether this CPU computes bf16 natively; tests pass it,
// the trainer passes cpu_has_native_bf16().
Precision resolve_precision(PrecisionKind requested, const torch::Device& device,
                            bool cpu_has_bf16);

// avx512_bf16 or amx_bf16 among /proc/cpuinfo's flags.
bool cpu_has_native_bf16();

// Autocast for the guard's lifetime on `device`'s kind, to `precision.dtype`;
// nothing when that is fp32. Not thread-safe (autocast state is thread-local).
class AutocastGuard {
 public:
  AutocastGuard(const torch::Device& device, const Precision& precision);
  ~AutocastGuard();
  AutocastGuard(const AutocastGuard&) = delete;
  AutocastGuard& operator=(const AutocastGuard&) = delete;

 private:
  bool active_ = false;
  bool cuda_ = false;
  bool was_enabled_ = false;
  torch::ScalarType was_dtype_ = torch::kFloat;
};

// Dynamic loss scaling for fp16, whose small gradients would underflow: the
// loss is multiplied by a scale before backward, gradients divided by it before
// the step, and a step whose gradients overflowed is skipped and the scale
// halved; after `growth_interval` good steps it doubles. A no-op (scale 1,
// every step taken) for other precisions.
class LossScaler {
 public:
  explicit LossScaler(const Precision& precision, int growth_interval = 2000);
  torch::Tensor scale(const torch::Tensor& loss) const;
  // Unscales the gradients of `params`; false when they hold inf or NaN, in
  // which case the caller skips the optimizer step.
  bool unscale(const std::vector<torch::Tensor>& params);
  double current() const { return scale_; }

 private:
  bool enabled_;
  double scale_;
  int growth_interval_;
  int good_steps_ = 0;
};

}  // namespace sweep
