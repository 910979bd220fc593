#include "runner/devices.h"

#include <algorithm>
#include <sstream>

#include "core/errors.h"

namespace sweep {
namespace {

bool parse_count(const std::string& text, int& out) {
  if (text.empty() || text.size() > 4 ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    return false;
  }
  out = std::stoi(text);
  return true;
}

[[noreturn]] void bad_list(const std::string& devices) {
  throw InputError("--devices " + devices +
                   ": expected auto, cpu, cpu:N, or a list of GPUs like cuda:0,cuda:2");
}

std::string visible_devices_note(const DeviceInventory& inventory) {
  const auto& visible = inventory.cuda_visible_devices;
  return visible ? " (CUDA_VISIBLE_DEVICES=" + *visible + ")" : "";
}

// `auto` and `cpu`: for small inputs two workers when there are two cores,
// splitting them (with --threads, as many as fit, up to two): small models train
// faster as two single-thread trials side by side than as one trial on two
// threads, which wait for each other at every operation; more workers would each
// hold a copy of the datasets. Large inputs: one worker (kOneCpuWorkerPixels).
int default_cpu_workers(int threads, const DeviceInventory& inventory, int input_pixels) {
  if (threads <= 0 && input_pixels >= kOneCpuWorkerPixels) return 1;
  const int cores = std::max(1, inventory.cores);
  return std::clamp(cores / std::max(1, threads), 1, 2);
}

std::vector<Slot> cpu_slots(int workers, int threads, const DeviceInventory& inventory) {
  const int cores = std::max(1, inventory.cores);
  const int each = threads > 0 ? threads : std::max(1, cores / workers);
  std::vector<Slot> slots;
  for (int i = 0; i < workers; ++i) {
    slots.push_back({"cpu", "cpu#" + std::to_string(i), each,
                     std::min(1.0, static_cast<double>(each) / cores)});
  }
  return slots;
}

std::vector<Slot> gpu_slots(const std::vector<int>& gpus, int per_device, int threads,
                            const DeviceInventory& inventory) {
  // The CPU still feeds the GPUs: its cores are split between the workers.
  const int workers = static_cast<int>(gpus.size()) * per_device;
  const int each = threads > 0 ? threads : std::max(1, inventory.cores / std::max(1, workers));
  std::vector<Slot> slots;
  for (int gpu : gpus) {
    for (int k = 0; k < per_device; ++k) {
      const std::string device = "cuda:" + std::to_string(gpu);
      slots.push_back({device, device + "#" + std::to_string(k), each, 1.0 / per_device});
    }
  }
  return slots;
}

}  // namespace

int largest_input_pixels(const SweepSpec& spec) {
  int largest = 0;
  for (const BackboneSpec& b : spec.backbones)
    largest = std::max(largest, b.image_size * b.image_size);
  return largest;
}

std::vector<Slot> plan_slots(const std::string& devices, int per_device, int threads,
                             const DeviceInventory& inventory, int input_pixels) {
  if (per_device < 1)
    throw InputError("--per-device " + std::to_string(per_device) + ": expected 1 or more");
  if (devices == "auto") {
    if (inventory.cuda_devices == 0)
      return cpu_slots(default_cpu_workers(threads, inventory, input_pixels), threads, inventory);
    std::vector<int> all;
    for (int i = 0; i < inventory.cuda_devices; ++i) all.push_back(i);
    return gpu_slots(all, per_device, threads, inventory);
  }
  if (devices == "cpu")
    return cpu_slots(default_cpu_workers(threads, inventory, input_pixels), threads, inventory);
  if (devices.rfind("cpu:", 0) == 0) {
    int workers = 0;
    if (!parse_count(devices.substr(4), workers) || workers < 1) bad_list(devices);
    return cpu_slots(workers, threads, inventory);
  }
  std::vector<int> gpus;
  std::stringstream list(devices);
  std::string item;
  while (std::getline(list, item, ',')) {
    int index = 0;
    if (item.rfind("cuda:", 0) != 0 || !parse_count(item.substr(5), index)) bad_list(devices);
    if (index >= inventory.cuda_devices) {
      throw InputError("--devices " + devices + ": " + item + " is not there; this machine has " +
                       std::to_string(inventory.cuda_devices) + " visible CUDA device(s)" +
                       visible_devices_note(inventory));
    }
    if (std::find(gpus.begin(), gpus.end(), index) != gpus.end()) {
      throw InputError("--devices " + devices + ": " + item +
                       " is listed twice; use --per-device " + "to run several workers on one GPU");
    }
    gpus.push_back(index);
  }
  if (gpus.empty()) bad_list(devices);
  return gpu_slots(gpus, per_device, threads, inventory);
}

}  // namespace sweep
