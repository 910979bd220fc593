#include "data_files.h"

#include <zlib.h>

#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <stdexcept>

namespace sweep::testing {
namespace {

void put_u32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xff);
}

void write_gz(const std::string& path, const std::string& bytes) {
  gzFile file = gzopen(path.c_str(), "wb");
  if (!file) throw std::runtime_error("cannot write " + path);
  gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size()));
  gzclose(file);
}

}  // namespace

void write_idx_pair(const std::string& images_path, const std::string& labels_path, int rows,
                    int cols, const std::vector<int>& labels) {
  std::string images, label_bytes;
  put_u32(images, 0x0803);
  put_u32(images, static_cast<uint32_t>(labels.size()));
  put_u32(images, static_cast<uint32_t>(rows));
  put_u32(images, static_cast<uint32_t>(cols));
  put_u32(label_bytes, 0x0801);
  put_u32(label_bytes, static_cast<uint32_t>(labels.size()));
  for (size_t i = 0; i < labels.size(); ++i) {
    images.append(static_cast<size_t>(rows) * cols, static_cast<char>((i * 7) % 256));
    label_bytes += static_cast<char>(labels[i]);
  }
  write_gz(images_path, images);
  write_gz(labels_path, label_bytes);
}

void write_fashion_folder(const std::string& root, int per_class, int test_per_class) {
  std::filesystem::create_directories(root);
  auto labels = [](int per) {
    std::vector<int> out;
    for (int i = 0; i < per * 10; ++i) out.push_back(i % 10);
    return out;
  };
  write_idx_pair(root + "/train-images-idx3-ubyte.gz", root + "/train-labels-idx1-ubyte.gz", 28, 28,
                 labels(per_class));
  write_idx_pair(root + "/t10k-images-idx3-ubyte.gz", root + "/t10k-labels-idx1-ubyte.gz", 28, 28,
                 labels(test_per_class));
}

void write_digits_png(const std::string& path) {
  cv::Mat sheet(1000, 2000, CV_8UC1);
  for (int y = 0; y < sheet.rows; ++y) {
    for (int x = 0; x < sheet.cols; ++x) sheet.at<uint8_t>(y, x) = static_cast<uint8_t>(y / 20 / 5);
  }
  cv::imwrite(path, sheet);
}

void write_image_folder(const std::string& root, const std::vector<std::string>& classes,
                        int per_class, int size) {
  for (size_t c = 0; c < classes.size(); ++c) {
    const auto folder = std::filesystem::path(root) / classes[c];
    std::filesystem::create_directories(folder);
    for (int i = 0; i < per_class; ++i) {
      cv::Mat image(size, size + 4, CV_8UC3, cv::Scalar::all(static_cast<double>(c * 40)));
      cv::imwrite((folder / (std::to_string(i) + ".png")).string(), image);
    }
  }
}

}  // namespace sweep::testing
