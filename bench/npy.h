// Arrays in NumPy's .npy format (version 1.0, C order, little-endian), which
// numpy.load and therefore any Python script read without sweep's help. Used by
// the benchmark programs to hand sweep's data and weights to Python.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sweep::bench {

// `descr` is NumPy's type string: "|u1" (uint8), "<f4" (float32), "<i8" (int64).
// `data` holds the product of `shape` elements of that type. Throws
// RuntimeError when the file cannot be written.
void write_npy(const std::string& path, const std::string& descr, const std::vector<int64_t>& shape,
               const void* data, size_t bytes);

}  // namespace sweep::bench
