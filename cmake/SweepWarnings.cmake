# sweep_warnings: an interface target carrying our warning flags. Link it
# PRIVATE into our own targets only; third-party headers are SYSTEM.
add_library(sweep_warnings INTERFACE)
target_compile_options(sweep_warnings INTERFACE
  $<$<CXX_COMPILER_ID:GNU,Clang>:-Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor>)
if(SWEEP_WERROR)
  target_compile_options(sweep_warnings INTERFACE $<$<CXX_COMPILER_ID:GNU,Clang>:-Werror>)
endif()

# sweep_sanitize: address + undefined-behaviour sanitizers, only when asked for.
# Undefined behaviour stops the program, so a test that meets it fails.
add_library(sweep_sanitize INTERFACE)
if(SWEEP_SANITIZE)
  target_compile_options(sweep_sanitize INTERFACE -fsanitize=address,undefined
                         -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(sweep_sanitize INTERFACE -fsanitize=address,undefined)
endif()
