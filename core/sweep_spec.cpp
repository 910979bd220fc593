#include "core/sweep_spec.h"

namespace sweep {

const char* dataset_name(DatasetKind kind) {
  switch (kind) {
    case DatasetKind::kFashionMnist:
      return "fashion-mnist";
    case DatasetKind::kOpencvDigits:
      return "opencv-digits";
    case DatasetKind::kImageFolder:
      return "image-folder";
  }
  return "?";
}

const char* optimizer_name(OptimizerKind kind) {
  switch (kind) {
    case OptimizerKind::kSgd:
      return "sgd";
    case OptimizerKind::kAdam:
      return "adam";
    case OptimizerKind::kAdamW:
      return "adamw";
  }
  return "?";
}

const char* schedule_name(ScheduleKind kind) {
  switch (kind) {
    case ScheduleKind::kConstant:
      return "constant";
    case ScheduleKind::kCosine:
      return "cosine";
    case ScheduleKind::kStep:
      return "step";
  }
  return "?";
}

const char* augment_name(AugmentKind kind) {
  switch (kind) {
    case AugmentKind::kNone:
      return "none";
    case AugmentKind::kCrop:
      return "crop";
    case AugmentKind::kCropFlip:
      return "crop-flip";
  }
  return "?";
}

const char* precision_name(PrecisionKind kind) {
  switch (kind) {
    case PrecisionKind::kFp32:
      return "fp32";
    case PrecisionKind::kBf16:
      return "bf16";
    case PrecisionKind::kFp16:
      return "fp16";
    case PrecisionKind::kAuto:
      return "auto";
  }
  return "?";
}

std::string target_path(const SweepSpec& spec, size_t i) {
  return i < spec.target_paths.size() ? spec.target_paths[i] : "/targets/" + std::to_string(i);
}

const char* shift_name(ShiftKind kind) {
  switch (kind) {
    case ShiftKind::kRotate:
      return "rotate";
    case ShiftKind::kInvert:
      return "invert";
    case ShiftKind::kBlur:
      return "blur";
    case ShiftKind::kNoise:
      return "noise";
    case ShiftKind::kContrast:
      return "contrast";
    case ShiftKind::kMix:
      return "mix";
  }
  return "?";
}

}  // namespace sweep
