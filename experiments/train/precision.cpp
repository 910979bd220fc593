#include "experiments/train/precision.h"

#include <ATen/autocast_mode.h>
#include <torch/version.h>

#include <fstream>
#include <sstream>

#ifdef SWEEP_WITH_CUDA
#include <cuda_runtime_api.h>
#endif

namespace sweep {
namespace {

// LibTorch 2.4 replaced the per-device autocast calls by ones that take the
// device type and deprecated the old ones; 1.13 has only the old ones.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
bool autocast_enabled(bool cuda) {
  return at::autocast::is_autocast_enabled(cuda ? at::kCUDA : at::kCPU);
}
void set_autocast(bool cuda, bool on) {
  at::autocast::set_autocast_enabled(cuda ? at::kCUDA : at::kCPU, on);
}
torch::ScalarType autocast_dtype(bool cuda) {
  return at::autocast::get_autocast_dtype(cuda ? at::kCUDA : at::kCPU);
}
void set_autocast_dtype(bool cuda, torch::ScalarType dtype) {
  at::autocast::set_autocast_dtype(cuda ? at::kCUDA : at::kCPU, dtype);
}
#else
bool autocast_enabled(bool cuda) {
  return cuda ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled();
}
void set_autocast(bool cuda, bool on) {
  cuda ? at::autocast::set_enabled(on) : at::autocast::set_cpu_enabled(on);
}
torch::ScalarType autocast_dtype(bool cuda) {
  return cuda ? at::autocast::get_autocast_gpu_dtype() : at::autocast::get_autocast_cpu_dtype();
}
void set_autocast_dtype(bool cuda, torch::ScalarType dtype) {
  cuda ? at::autocast::set_autocast_gpu_dtype(dtype) : at::autocast::set_autocast_cpu_dtype(dtype);
}
#endif

bool cuda_has_bf16(const torch::Device& device) {
#ifdef SWEEP_WITH_CUDA
  cudaDeviceProp properties{};
  if (cudaGetDeviceProperties(&properties, device.index()) == cudaSuccess)
    return properties.major >= 8;
#endif
  (void)device;
  return false;
}

}  // namespace

std::string precision_name(const Precision& precision) {
  if (precision.dtype == torch::kBFloat16) return "bf16";
  if (precision.dtype == torch::kHalf) return "fp16";
  return "fp32";
}

bool cpu_has_native_bf16() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("flags", 0) != 0) continue;
    std::istringstream flags(line.substr(line.find(':') + 1));
    std::string flag;
    while (flags >> flag) {
      if (flag == "avx512_bf16" || flag == "amx_bf16") return true;
    }
    return false;
  }
  return false;
}

Precision resolve_precision(PrecisionKind requested, const torch::Device& device,
                            bool cpu_has_bf16) {
  const bool bf16 = device.is_cuda() ? cuda_has_bf16(device) : cpu_has_bf16;
  const char* where = device.is_cuda() ? "this GPU" : "this CPU";
  switch (requested) {
    case PrecisionKind::kFp32:
      return {};
    case PrecisionKind::kAuto:
      return {bf16 ? torch::kBFloat16 : torch::kFloat, ""};
    case PrecisionKind::kBf16:
      if (bf16) return {torch::kBFloat16, ""};
      return {torch::kFloat,
              std::string("bf16 asked, but ") + where + " has no native bf16 arithmetic (" +
                  (device.is_cuda() ? "compute capability 8.0" : "avx512_bf16 or amx_bf16") +
                  "); ran in fp32"};
    case PrecisionKind::kFp16:
      if (device.is_cuda()) return {torch::kHalf, ""};
      return {torch::kFloat, "fp16 asked, but autocast to fp16 runs on CUDA only; ran in fp32"};
  }
  return {};
}

AutocastGuard::AutocastGuard(const torch::Device& device, const Precision& precision)
    : active_(precision.dtype != torch::kFloat), cuda_(device.is_cuda()) {
  if (!active_) return;
  was_enabled_ = autocast_enabled(cuda_);
  was_dtype_ = autocast_dtype(cuda_);
  set_autocast(cuda_, true);
  set_autocast_dtype(cuda_, precision.dtype);
  at::autocast::increment_nesting();
}

AutocastGuard::~AutocastGuard() {
  if (!active_) return;
  // Casts of the weights are cached while autocast is on; drop them when the
  // outermost guard ends, since the optimizer changes the weights.
  if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
  set_autocast(cuda_, was_enabled_);
  set_autocast_dtype(cuda_, was_dtype_);
}

LossScaler::LossScaler(const Precision& precision, int growth_interval)
    : enabled_(precision.dtype == torch::kHalf),
      scale_(enabled_ ? 65536.0 : 1.0),
      growth_interval_(growth_interval) {}

torch::Tensor LossScaler::scale(const torch::Tensor& loss) const {
  return enabled_ ? loss * scale_ : loss;
}

bool LossScaler::unscale(const std::vector<torch::Tensor>& params) {
  if (!enabled_) return true;
  // One flag per gradient, read back once: on a GPU each read is a
  // synchronisation, and a step has one gradient per parameter tensor.
  std::vector<torch::Tensor> finite;
  for (const torch::Tensor& p : params) {
    if (!p.grad().defined()) continue;
    p.mutable_grad().div_(scale_);
    finite.push_back(torch::isfinite(p.grad()).all());
  }
  if (!finite.empty() && !torch::stack(finite).all().item<bool>()) {
    scale_ /= 2.0;
    good_steps_ = 0;
    return false;
  }
  if (++good_steps_ >= growth_interval_) {
    scale_ *= 2.0;
    good_steps_ = 0;
  }
  return true;
}

}  // namespace sweep
