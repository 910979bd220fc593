#include "experiments/train/device.h"

#include <sys/resource.h>
#include <sys/utsname.h>

#include <fstream>

#include "core/errors.h"
#include "core/system.h"

#ifdef SWEEP_WITH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAFunctions.h>
#include <cuda_runtime_api.h>
#endif

namespace sweep {
namespace {

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(line.find_first_not_of(" \t", colon + 1));
    }
  }
  return "cpu";
}

}  // namespace

int cuda_device_count() { return static_cast<int>(torch::cuda::device_count()); }

torch::Device parse_device(const std::string& name) {
  if (name == "cpu") return torch::Device(torch::kCPU);
  if (name.rfind("cuda:", 0) == 0) {
    const std::string index = name.substr(5);
    const bool digits = !index.empty() && index.size() < 4 &&
                        index.find_first_not_of("0123456789") == std::string::npos;
    if (digits) {
      const int i = std::stoi(index);
      if (i < cuda_device_count()) return torch::Device(torch::kCUDA, static_cast<int8_t>(i));
      throw InputError("device " + name + ": this machine has " +
                       std::to_string(cuda_device_count()) + " CUDA device(s) visible");
    }
  }
  throw InputError("device \"" + name + "\": expected \"cpu\" or \"cuda:N\"");
}

std::string device_string(const torch::Device& device) {
  if (device.is_cuda()) return "cuda:" + std::to_string(device.index());
  return "cpu";
}

std::string device_model(const torch::Device& device) {
#ifdef SWEEP_WITH_CUDA
  if (device.is_cuda()) {
    cudaDeviceProp properties{};
    if (cudaGetDeviceProperties(&properties, device.index()) == cudaSuccess) return properties.name;
    return "cuda";
  }
#endif
  (void)device;
  return cpu_model();
}

void reset_peak_memory(const torch::Device& device) {
#ifdef SWEEP_WITH_CUDA
  if (device.is_cuda()) {
    c10::cuda::CUDACachingAllocator::resetPeakStats(device.index());
    return;
  }
#endif
  (void)device;
  // "5" resets the resident set's high-water mark to what is resident now
  // (Linux 4.0 and later); without it, the peak stays the process's lifetime one.
  std::ofstream("/proc/self/clear_refs") << "5";
}

int64_t peak_memory_bytes(const torch::Device& device) {
#ifdef SWEEP_WITH_CUDA
  if (device.is_cuda()) {
    const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(device.index());
    return stats.allocated_bytes[0].peak;  // StatType::AGGREGATE
  }
#endif
  (void)device;
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoll(line.substr(6)) * 1024;  // "VmHWM: N kB"
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<int64_t>(usage.ru_maxrss) * 1024;
}

void make_current(const torch::Device& device) {
#ifdef SWEEP_WITH_CUDA
  if (device.is_cuda()) c10::cuda::set_device(device.index());
#endif
  (void)device;
}

void release_cached_memory(const torch::Device& device) {
#ifdef SWEEP_WITH_CUDA
  if (device.is_cuda()) c10::cuda::CUDACachingAllocator::emptyCache();
#endif
  (void)device;
}

Environment current_environment(const torch::Device& device) {
  Environment env;
  env.sweep_version = SWEEP_VERSION;
  env.torch_version = TORCH_VERSION;
  env.device_kind = device.is_cuda() ? "cuda" : "cpu";
#ifdef SWEEP_WITH_CUDA
  int runtime = 0;
  if (cudaRuntimeGetVersion(&runtime) == cudaSuccess) {
    env.cuda_version = std::to_string(runtime / 1000) + "." + std::to_string(runtime % 1000 / 10);
  }
#endif
  env.host = this_host_name();
  utsname name{};
  if (uname(&name) == 0) env.os = std::string(name.sysname) + " " + name.release;
  env.threads = torch::get_num_threads();
  return env;
}

}  // namespace sweep
