#include "experiments/data/image_folder.h"

#include <tbb/parallel_for.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/errors.h"
#include "experiments/data/image_convert.h"
#include "experiments/data/quiet_stderr.h"

namespace sweep {
namespace {

// Decodes one file to RGB or grey; an empty Mat when OpenCV cannot decode it.
cv::Mat decode(const std::string& path, int channels) {
  cv::Mat image = cv::imread(path, channels == 1 ? cv::IMREAD_GRAYSCALE : cv::IMREAD_COLOR);
  if (!image.empty() && channels == 3) cv::cvtColor(image, image, cv::COLOR_BGR2RGB);
  return image;
}

}  // namespace

DecodedFolder decode_image_folder(const FolderIndex& index, int channels, int size, bool strict) {
  std::vector<std::pair<std::string, int>> files;  // path, label
  ImageSet images;
  for (size_t c = 0; c < index.classes.size(); ++c) {
    images.class_names.push_back(index.classes[c].name);
    for (const auto& file : index.classes[c].files) files.emplace_back(file, static_cast<int>(c));
  }
  images.channels = channels;
  images.height = size;
  images.width = size;
  std::vector<uint8_t> pixels(files.size() * images.image_bytes());
  std::vector<std::string> failure(files.size());
  const QuietStderr quiet;  // a broken file is reported below, not by libpng
  tbb::parallel_for(size_t{0}, files.size(), [&](size_t i) {
    try {
      const cv::Mat image = decode(files[i].first, channels);
      if (image.empty()) {
        failure[i] = "not a decodable image";
        return;
      }
      store_chw(fit_image(image, channels, size), pixels.data() + i * images.image_bytes());
    } catch (const cv::Exception& e) {
      failure[i] = e.msg;
    }
  });
  DecodedFolder out;
  for (size_t i = 0; i < files.size(); ++i) {
    if (!failure[i].empty()) {
      if (strict) throw InputError(files[i].first + ": " + failure[i] + " (strict mode)");
      out.skipped.push_back(files[i].first + ": " + failure[i]);
      continue;
    }
    const uint8_t* image = pixels.data() + i * images.image_bytes();
    images.pixels.insert(images.pixels.end(), image, image + images.image_bytes());
    images.labels.push_back(files[i].second);
  }
  out.images = std::move(images);
  return out;
}

}  // namespace sweep
