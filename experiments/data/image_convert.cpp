#include "experiments/data/image_convert.h"

#include <tbb/parallel_for.h>

#include <opencv2/imgproc.hpp>

#include "core/errors.h"

namespace sweep {

cv::Mat fit_image(const cv::Mat& image, int channels, int size) {
  cv::Mat converted;
  if (image.channels() == channels) {
    converted = image;
  } else if (channels == 3) {
    cv::cvtColor(image, converted, cv::COLOR_GRAY2RGB);
  } else {
    cv::cvtColor(image, converted, cv::COLOR_RGB2GRAY);
  }
  if (converted.rows == size && converted.cols == size) return converted.clone();
  const double scale = static_cast<double>(size) / std::min(converted.rows, converted.cols);
  const int height = std::max(size, static_cast<int>(std::lround(converted.rows * scale)));
  const int width = std::max(size, static_cast<int>(std::lround(converted.cols * scale)));
  cv::Mat resized;
  cv::resize(converted, resized, cv::Size(width, height), 0, 0,
             scale < 1.0 ? cv::INTER_AREA : cv::INTER_LINEAR);
  const cv::Rect centre((width - size) / 2, (height - size) / 2, size, size);
  return resized(centre).clone();
}

void store_chw(const cv::Mat& image, uint8_t* out) {
  const int channels = image.channels();
  const size_t plane = static_cast<size_t>(image.rows) * image.cols;
  for (int y = 0; y < image.rows; ++y) {
    const uint8_t* row = image.ptr<uint8_t>(y);
    for (int x = 0; x < image.cols; ++x) {
      for (int c = 0; c < channels; ++c) {
        out[c * plane + static_cast<size_t>(y) * image.cols + x] = row[x * channels + c];
      }
    }
  }
}

cv::Mat load_chw(const uint8_t* chw, int channels, int height, int width) {
  cv::Mat image(height, width, CV_8UC(channels));
  const size_t plane = static_cast<size_t>(height) * width;
  for (int y = 0; y < height; ++y) {
    uint8_t* row = image.ptr<uint8_t>(y);
    for (int x = 0; x < width; ++x) {
      for (int c = 0; c < channels; ++c) {
        row[x * channels + c] = chw[c * plane + static_cast<size_t>(y) * width + x];
      }
    }
  }
  return image;
}

ImageSet convert_images(const ImageSet& set, int channels, int size) {
  if (set.channels == channels && set.height == size && set.width == size) return set;
  ImageSet out;
  out.channels = channels;
  out.height = size;
  out.width = size;
  out.labels = set.labels;
  out.class_names = set.class_names;
  out.pixels.resize(set.size() * out.image_bytes());
  try {
    tbb::parallel_for(size_t{0}, set.size(), [&](size_t i) {
      const cv::Mat image = load_chw(set.image(i), set.channels, set.height, set.width);
      store_chw(fit_image(image, channels, size), out.pixels.data() + i * out.image_bytes());
    });
  } catch (const cv::Exception& e) {
    throw RuntimeError("resizing images to " + std::to_string(size) + "x" + std::to_string(size) +
                       ": " + e.msg);
  }
  return out;
}

}  // namespace sweep
