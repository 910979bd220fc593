// How numbers appear in reports, the same in the terminal and in HTML. Pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace sweep {

struct BackboneNote;
struct PairedDifference;
struct DepthRow;
struct GapToBest;

std::string printf_string(const char* pattern, double value);
std::string percent(double fraction);              // "91.0%"
std::string format_points(double fraction);        // a difference in points: "+1.2"
std::string format_seconds(double seconds);        // "42.1 s", "3m05s", "1h02m"
std::string format_count(int64_t count);           // "1.3k", "2.1M"
std::string format_lr(double lr);                  // "0.01", "3e-05"
std::string format_money(double amount);           // "0.0123"
std::string format_accuracy(const DepthRow& row);  // "83.1% ± 0.4"
std::string format_flops(double flops);            // "830 MFLOP", "1.2 TFLOP"
std::string format_bytes(double bytes);            // "830 MB", "1.2 GB"
// A Fréchet distance, "12.34"; "not measured" where there is none (NaN: a
// TorchScript backbone comes without the images it learnt from).
std::string format_frechet(double distance);
// "1 image did not decode and was left out", "3 images did not decode and were left out".
std::string skipped_images_phrase(size_t skipped);
// The gap to the best depth on validation and how the verdict rule judged it:
// "best", "+1.1 (-1.3 to 3.7): unclear", "+9.0 (7.2 to 10.8): worse".
std::string format_gap(const GapToBest& gap, bool is_best);
// A paired difference in points with its 95% interval: "+4.2 (+2.9 to +5.5)";
// "+4.2" with fewer than two pairs, "" with none.
std::string format_difference(const PairedDifference& difference);
// "fashion-resnet10: resnet10 pretrained on fashion-mnist classes 0,1 (2000 per
// class), source accuracy 91.2%"
std::string describe_backbone(const BackboneNote& backbone);

}  // namespace sweep
