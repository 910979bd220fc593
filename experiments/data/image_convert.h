// Bringing images to a backbone's input shape: channel count and square size.
// OpenCV does the pixel work; oneTBB spreads images over the cores. Thread-safe.
#pragma once

#include <opencv2/core.hpp>

#include "experiments/data/image_set.h"

namespace sweep {

// One image (8-bit, 1 or 3 channels; 3 = RGB order) to `channels` channels and a
// size x size square: the shorter side is scaled to `size`, then the centre is
// cropped. Grey becomes RGB by repetition; RGB becomes grey by luminance.
cv::Mat fit_image(const cv::Mat& image, int channels, int size);

// Copies an 8-bit HWC image into `out` as CHW, and back.
void store_chw(const cv::Mat& image, uint8_t* out);
cv::Mat load_chw(const uint8_t* chw, int channels, int height, int width);

// Every image of `set` through fit_image(); labels and classes unchanged.
ImageSet convert_images(const ImageSet& set, int channels, int size);

}  // namespace sweep
