// Reader for OpenCV's digits.png (package opencv-doc): 5,000 handwritten digits
// in a grid of 50 rows x 100 columns of 20x20 cells; each block of five rows holds
// one digit, 0 to 9.
#pragma once

#include <string>

#include "experiments/data/image_set.h"

namespace sweep {

// Throws InputError naming the file when it is missing or has the wrong size.
ImageSet read_digits_png(const std::string& path);

}  // namespace sweep
