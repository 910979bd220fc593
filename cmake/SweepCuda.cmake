# SWEEP_WITH_CUDA is true when the LibTorch we found was built with CUDA (the one
# inside a Python torch install); Debian's LibTorch is CPU-only. Code that includes
# CUDA-only headers (ATen/cuda/...) is compiled only then, behind SWEEP_WITH_CUDA.
set(SWEEP_WITH_CUDA OFF)
if(TARGET torch_cuda OR TORCH_CUDA_LIBRARIES OR CAFFE2_USE_CUDA)
  set(SWEEP_WITH_CUDA ON)
endif()
message(STATUS "sweep: LibTorch ${Torch_VERSION}, CUDA support: ${SWEEP_WITH_CUDA}")
