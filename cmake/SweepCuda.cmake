# SWEEP_WITH_CUDA is true when the LibTorch we found was built with CUDA (Debian
# 13's libtorch-cuda-dev from contrib, or the one inside a Python torch install);
# Debian's libtorch-dev is CPU-only. Code that includes CUDA-only headers
# (ATen/cuda/..., cuda_runtime_api.h) is compiled only then, behind SWEEP_WITH_CUDA.
set(SWEEP_WITH_CUDA OFF)
set(_sweep_cuda "")
if(TARGET torch_cuda OR TORCH_CUDA_LIBRARIES OR CAFFE2_USE_CUDA)
  set(SWEEP_WITH_CUDA ON)
  # LibTorch's CMake package found the toolkit (FindCUDAToolkit) to get here.
  if(CUDAToolkit_VERSION)
    set(_sweep_cuda " (CUDA ${CUDAToolkit_VERSION})")
  endif()
endif()
message(STATUS "sweep: LibTorch ${Torch_VERSION}, CUDA support: ${SWEEP_WITH_CUDA}${_sweep_cuda}")
