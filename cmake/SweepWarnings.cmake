# sweep_warnings: an interface target carrying our warning flags. Link it
# PRIVATE into our own targets only; third-party headers are SYSTEM.
add_library(sweep_warnings INTERFACE)
target_compile_options(sweep_warnings INTERFACE
  $<$<CXX_COMPILER_ID:GNU,Clang>:-Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor>)

# sweep_sanitize: address + undefined-behaviour sanitizers, only when asked for.
add_library(sweep_sanitize INTERFACE)
if(SWEEP_SANITIZE)
  target_compile_options(sweep_sanitize INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer)
  target_link_options(sweep_sanitize INTERFACE -fsanitize=address,undefined)
endif()
