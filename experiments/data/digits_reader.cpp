#include "experiments/data/digits_reader.h"

#include <opencv2/imgcodecs.hpp>

#include "core/errors.h"
#include "experiments/data/quiet_stderr.h"

namespace sweep {
namespace {

constexpr int kCell = 20;
constexpr int kRows = 50;
constexpr int kColumns = 100;
constexpr int kRowsPerDigit = 5;

}  // namespace

ImageSet read_digits_png(const std::string& path) {
  cv::Mat sheet;
  try {
    const QuietStderr quiet;  // a broken sheet is reported below, not by libpng
    sheet = cv::imread(path, cv::IMREAD_GRAYSCALE);
  } catch (const cv::Exception& e) {
    throw InputError(path + ": cannot decode: " + e.msg);
  }
  if (sheet.empty()) throw InputError(path + ": cannot read or decode the image");
  if (sheet.rows != kRows * kCell || sheet.cols != kColumns * kCell) {
    throw InputError(path + ": expected a " + std::to_string(kColumns * kCell) + "x" +
                     std::to_string(kRows * kCell) + " sheet of 20x20 digits, got " +
                     std::to_string(sheet.cols) + "x" + std::to_string(sheet.rows));
  }
  ImageSet set;
  set.height = kCell;
  set.width = kCell;
  for (int d = 0; d < 10; ++d) set.class_names.push_back(std::to_string(d));
  set.pixels.reserve(static_cast<size_t>(kRows) * kColumns * kCell * kCell);
  for (int row = 0; row < kRows; ++row) {
    for (int column = 0; column < kColumns; ++column) {
      for (int y = 0; y < kCell; ++y) {
        const uint8_t* line =
            sheet.ptr<uint8_t>(row * kCell + y) + static_cast<ptrdiff_t>(column) * kCell;
        set.pixels.insert(set.pixels.end(), line, line + kCell);
      }
      set.labels.push_back(row / kRowsPerDigit);
    }
  }
  return set;
}

}  // namespace sweep
