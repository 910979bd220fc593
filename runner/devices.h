// Which worker slots a run gets: --devices and --per-device against what the
// machine has. Pure: the machine, and the environment that shaped what it shows,
// come in as a DeviceInventory, so tests can pretend to have GPUs.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/sweep_spec.h"

namespace sweep {

struct DeviceInventory {
  int cuda_devices = 0;  // visible to this process (CUDA_VISIBLE_DEVICES applies)
  int cores = 1;
  // CUDA_VISIBLE_DEVICES as the process found it (nullopt: unset), for messages.
  std::optional<std::string> cuda_visible_devices = std::nullopt;
};

// One worker process and the device it is bound to.
struct Slot {
  std::string device;  // "cpu" or "cuda:N"
  std::string label;   // "cpu#0", "cuda:1#2": unique per slot
  int threads = 1;     // intra-op CPU threads of the worker
  // The part of the device this slot holds: 1/per-device on a GPU, threads/cores
  // on the CPU. Device-seconds (and cost) are wall seconds times this share.
  double share = 1.0;
};

// Inputs of at least this many pixels (height x width) get one CPU worker on
// every core by default; smaller ones two workers splitting them. Measured with
// a resnet18 on 2 cores (bench/RESULTS.md): two threads on one trial train 1.1x
// faster than one at 64 px and 1.8x at 96 to 224 px, so from 96 px two workers
// gain at most a tenth, and one worker holds the data, the activations and the
// cache once, uses every core in the phases no second trial runs beside
// (measuring, the last trial), and never leaves a core idle at the end.
constexpr int kOneCpuWorkerPixels = 96 * 96;

// The pixels of the largest input among the sweep's backbones.
int largest_input_pixels(const SweepSpec& spec);

// `devices`: "auto" (every visible GPU, else the CPU), "cpu" (the CPU, with the
// default number of workers: see kOneCpuWorkerPixels), "cpu:N" (N CPU workers
// sharing the cores) or a list like "cuda:0,cuda:2". `per_device`: workers per
// GPU. `threads` > 0 overrides threads per worker. `input_pixels`:
// largest_input_pixels() of the sweep. Throws InputError for a malformed list or
// a GPU that is not there.
std::vector<Slot> plan_slots(const std::string& devices, int per_device, int threads,
                             const DeviceInventory& inventory, int input_pixels);

}  // namespace sweep
