#include "runner/devices.h"

#include <gtest/gtest.h>

#include "core/errors.h"

namespace sweep {
namespace {

constexpr int kMnist = 28 * 28;  // the default study's input: two CPU workers

std::string error_of(const std::string& devices, int per_device, const DeviceInventory& inventory) {
  try {
    plan_slots(devices, per_device, 0, inventory, kMnist);
  } catch (const InputError& e) {
    return e.lines().at(0);
  }
  return "";
}

TEST(PlanSlots, AutoUsesEveryGpuOrTheCpu) {
  const auto cpu = plan_slots("auto", 1, 0, {0, 8}, kMnist);
  ASSERT_EQ(cpu.size(), 2u) << "two workers splitting the cores";
  EXPECT_EQ(cpu[1].device, "cpu");
  EXPECT_EQ(cpu[1].threads, 4);
  EXPECT_DOUBLE_EQ(cpu[1].share, 0.5);
  EXPECT_EQ(plan_slots("cpu", 1, 0, {0, 2}, kMnist).size(), 2u);
  EXPECT_EQ(plan_slots("cpu", 1, 0, {0, 1}, kMnist).size(), 1u) << "one core, one worker";
  EXPECT_EQ(plan_slots("cpu", 1, 2, {0, 2}, kMnist).size(), 1u)
      << "--threads 2 on 2 cores: one worker";
  EXPECT_EQ(plan_slots("auto", 1, 2, {0, 8}, kMnist).size(), 2u) << "at most two by default";

  const auto gpus = plan_slots("auto", 2, 0, {3, 12}, kMnist);
  ASSERT_EQ(gpus.size(), 6u);
  EXPECT_EQ(gpus[0].device, "cuda:0");
  EXPECT_EQ(gpus[1].label, "cuda:0#1");
  EXPECT_EQ(gpus[5].device, "cuda:2");
  EXPECT_DOUBLE_EQ(gpus[0].share, 0.5);
  EXPECT_EQ(gpus[0].threads, 2) << "12 cores for 6 workers";
}

TEST(PlanSlots, LargeInputsGetOneCpuWorkerOnEveryCore) {
  const int photo = 224 * 224;
  const auto cpu = plan_slots("auto", 1, 0, {0, 2}, photo);
  ASSERT_EQ(cpu.size(), 1u);
  EXPECT_EQ(cpu[0].threads, 2);
  EXPECT_DOUBLE_EQ(cpu[0].share, 1.0);
  EXPECT_EQ(plan_slots("cpu", 1, 0, {0, 16}, photo)[0].threads, 16);
  EXPECT_EQ(plan_slots("cpu", 1, 0, {0, 2}, kOneCpuWorkerPixels).size(), 1u) << "from the bound";
  EXPECT_EQ(plan_slots("cpu", 1, 0, {0, 2}, kOneCpuWorkerPixels - 1).size(), 2u);
  EXPECT_EQ(plan_slots("cpu", 1, 1, {0, 2}, photo).size(), 2u) << "--threads keeps its meaning";
  EXPECT_EQ(plan_slots("cpu:2", 1, 0, {0, 2}, photo).size(), 2u) << "as many as asked for";
  EXPECT_EQ(plan_slots("auto", 1, 0, {2, 8}, photo).size(), 2u) << "GPUs: one worker each";
}

TEST(PlanSlots, TheLargestBackboneInputDecides) {
  SweepSpec spec;
  EXPECT_EQ(largest_input_pixels(spec), 0);
  spec.backbones.resize(2);
  spec.backbones[0].image_size = 28;
  spec.backbones[1].image_size = 224;
  EXPECT_EQ(largest_input_pixels(spec), 224 * 224);
}

TEST(PlanSlots, CpuWorkersShareTheCores) {
  const auto slots = plan_slots("cpu:2", 1, 0, {0, 8}, kMnist);
  ASSERT_EQ(slots.size(), 2u);
  EXPECT_EQ(slots[0].threads, 4);
  EXPECT_DOUBLE_EQ(slots[1].share, 0.5);
  EXPECT_EQ(slots[1].label, "cpu#1");
  EXPECT_EQ(plan_slots("cpu:4", 1, 0, {0, 2}, kMnist)[0].threads, 1) << "never below one thread";
  EXPECT_EQ(plan_slots("cpu:2", 1, 3, {0, 8}, kMnist)[0].threads, 3) << "--threads overrides";
}

TEST(PlanSlots, ExplicitGpuList) {
  const auto slots = plan_slots("cuda:0,cuda:2", 1, 0, {4, 8}, kMnist);
  ASSERT_EQ(slots.size(), 2u);
  EXPECT_EQ(slots[1].device, "cuda:2");
}

TEST(PlanSlots, BadListsAreRefused) {
  EXPECT_EQ(error_of("gpu", 1, {2, 4}),
            "--devices gpu: expected auto, cpu, cpu:N, or a list of GPUs like cuda:0,cuda:2");
  EXPECT_EQ(error_of("cpu:0", 1, {2, 4}),
            "--devices cpu:0: expected auto, cpu, cpu:N, or a list of GPUs like cuda:0,cuda:2");
  EXPECT_EQ(error_of("cuda:0,cuda:0", 1, {2, 4}),
            "--devices cuda:0,cuda:0: cuda:0 is listed twice; use --per-device to run several "
            "workers on one GPU");
  EXPECT_EQ(
      error_of("cuda:1", 1, {1, 4})
          .rfind("--devices cuda:1: cuda:1 is not there; this machine has 1 visible CUDA device(s)",
                 0),
      0u);
  EXPECT_EQ(error_of("auto", 0, {1, 4}), "--per-device 0: expected 1 or more");
}

TEST(PlanSlots, AMissingGpuNamesTheVisibleDevicesItWasGiven) {
  EXPECT_EQ(error_of("cuda:1", 1, {1, 4, "3"}),
            "--devices cuda:1: cuda:1 is not there; this machine has 1 visible CUDA device(s) "
            "(CUDA_VISIBLE_DEVICES=3)");
  EXPECT_EQ(error_of("cuda:1", 1, {1, 4, std::nullopt}),
            "--devices cuda:1: cuda:1 is not there; this machine has 1 visible CUDA device(s)");
}

}  // namespace
}  // namespace sweep
