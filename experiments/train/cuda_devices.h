// How many CUDA devices this process sees (CUDA_VISIBLE_DEVICES applies); 0 with
// a CPU-only LibTorch. A header without LibTorch's, for code that only counts.
#pragma once

namespace sweep {

int cuda_device_count();

}  // namespace sweep
