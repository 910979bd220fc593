// Which worker slots a run gets: --devices and --per-device against what the
// machine has. Pure: the machine, and the environment that shaped what it shows,
// come in as a DeviceInventory, so tests can pretend to have GPUs.
#pragma once

#include <optional>
#include <string>
#include <vector>

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

// `devices`: "auto" (every visible GPU, else the CPU), "cpu" (one CPU worker),
// "cpu:N" (N CPU workers sharing the cores) or a list like "cuda:0,cuda:2".
// `per_device`: workers per GPU. `threads` > 0 overrides threads per worker.
// Throws InputError for a malformed list or a GPU that is not there.
std::vector<Slot> plan_slots(const std::string& devices, int per_device, int threads,
                             const DeviceInventory& inventory);

}  // namespace sweep
