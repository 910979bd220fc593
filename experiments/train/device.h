// Devices as sweep names them ("cpu", "cuda:1"), what they are, and their peak
// memory. CUDA specifics compile only against a LibTorch built with CUDA
// (SWEEP_WITH_CUDA); elsewhere the CUDA answers are "none".
#pragma once

#include <torch/torch.h>

#include <string>

#include "core/records.h"
#include "experiments/train/cuda_devices.h"

namespace sweep {

// "cpu" or "cuda:N"; throws InputError for anything else or a CUDA device that
// is not there.
torch::Device parse_device(const std::string& name);
std::string device_string(const torch::Device& device);

// The CPU model or GPU name.
std::string device_model(const torch::Device& device);

// Peak memory since the last reset: the process's resident set on the CPU
// (Linux's VmHWM, reset through /proc/self/clear_refs; where that cannot be
// written, the high-water mark over the process's life), allocated bytes on a
// GPU. A worker resets it before each trial, so each trial reports its own.
void reset_peak_memory(const torch::Device& device);
int64_t peak_memory_bytes(const torch::Device& device);

// Makes a GPU the process's current CUDA device: a worker serves one GPU slot,
// and whatever LibTorch puts on "the current device" (its CUDA context, streams,
// the caching allocator's first pool) then lands on that GPU, not on cuda:0.
// Nothing for the CPU.
void make_current(const torch::Device& device);

// Returns the blocks a GPU's caching allocator holds but no tensor uses (after
// an out-of-memory error); nothing on the CPU.
void release_cached_memory(const torch::Device& device);

// Versions, host and threads of this process, for the trials it runs.
Environment current_environment(const torch::Device& device);

}  // namespace sweep
