#include "analysis/sequential.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <mutex>
#include <random>
#include <tuple>

#include "analysis/stats.h"

namespace sweep {
namespace {

// Simulated sequences behind every design: the crossing rate they give is
// within about 0.14 percentage points (two Monte Carlo standard errors) of the
// true one. Chosen so that a design costs well under a second. Designs of
// many looks get fewer, down to 20,000 (0.3 points), so that the statistics
// kept stay within kMaxValues floats (80 MB).
constexpr size_t kPaths = 100000;
constexpr size_t kMinPaths = 20000;
constexpr size_t kMaxValues = 20000000;
constexpr uint64_t kPathSeed = 25;
constexpr double kPi = 3.14159265358979323846;

// Standard normal deviates by the Box-Muller transform on mt19937_64's raw
// bits: both are specified to the bit, unlike std::normal_distribution, so every
// standard library simulates the same sequences.
class Normals {
 public:
  double next() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double radius = std::sqrt(-2.0 * std::log(uniform()));
    const double angle = 2.0 * kPi * uniform();
    spare_ = radius * std::sin(angle);
    has_spare_ = true;
    return radius * std::cos(angle);
  }

 private:
  double uniform() { return (static_cast<double>(engine_() >> 11) + 0.5) * 0x1p-53; }  // (0, 1)

  std::mt19937_64 engine_{kPathSeed};
  double spare_ = 0.0;
  bool has_spare_ = false;
};

// T_n at the looks first..last of kPaths sequences of Gaussian gaps whose mean
// is the tolerance, one row per sequence. Floats: only their order against the
// critical values matters.
std::vector<float> null_paths(const SeedLooks& looks) {
  const int looks_count = looks.last - looks.first + 1;
  const auto width = static_cast<size_t>(looks_count);
  const size_t paths = std::clamp(kMaxValues / width, kMinPaths, kPaths);
  std::vector<float> t(paths * width);
  Normals normal;
  for (size_t path = 0; path < paths; ++path) {
    double mean = 0.0, squares = 0.0;  // Welford's running mean and sum of squares
    for (int n = 1; n <= looks.last; ++n) {
      const double x = normal.next();
      const double before = mean;
      mean += (x - mean) / n;
      squares += (x - before) * (x - mean);
      if (n >= looks.first) {
        t[path * width + static_cast<size_t>(n - looks.first)] =
            static_cast<float>(mean * std::sqrt(n / (squares / (n - 1))));
      }
    }
  }
  return t;
}

// The critical values of a shape whose z boundary at the maximum is `z`.
std::vector<double> boundaries(const SeedLooks& looks, BoundaryShape shape, double z) {
  std::vector<double> c;
  for (int n = looks.first; n <= looks.last; ++n) {
    const double weight =
        shape == BoundaryShape::kOBrienFleming ? std::sqrt(double(looks.last) / n) : 1.0;
    const double tail = 0.5 * std::erfc(z * weight / std::sqrt(2.0));
    c.push_back(tail < 1e-12 ? std::numeric_limits<double>::infinity()
                             : student_t_quantile(1.0 - tail, n - 1));
  }
  return c;
}

double crossing_rate(const std::vector<float>& paths, const std::vector<double>& c) {
  const size_t width = c.size();
  const size_t sequences = paths.size() / width;  // whole rows of `width` looks
  size_t crossed = 0;
  for (size_t row = 0; row < paths.size(); row += width) {
    for (size_t look = 0; look < width; ++look) {
      if (paths[row + look] > c[look]) {
        ++crossed;
        break;
      }
    }
  }
  return static_cast<double>(crossed) / static_cast<double>(sequences);
}

// Bisection on the z boundary at the maximum: the crossing rate falls as it
// rises. The highest rate not above kVerdictError on the simulated sequences.
std::vector<double> design(const SeedLooks& looks, BoundaryShape shape) {
  const std::vector<float> paths = null_paths(looks);
  double low = 0.0, high = 8.0;
  for (int i = 0; i < 40; ++i) {
    const double middle = 0.5 * (low + high);
    (crossing_rate(paths, boundaries(looks, shape, middle)) > kVerdictError ? low : high) = middle;
  }
  return boundaries(looks, shape, high);
}

const std::vector<double>& cached_design(const SeedLooks& looks, BoundaryShape shape) {
  static std::mutex mutex;
  static std::map<std::tuple<int, int, BoundaryShape>, std::vector<double>> designs;
  const std::lock_guard<std::mutex> lock(mutex);
  const auto key = std::make_tuple(looks.first, looks.last, shape);
  auto it = designs.find(key);
  if (it == designs.end()) it = designs.emplace(key, design(looks, shape)).first;
  return it->second;
}

// t(0.95, n - 1), kept: estimates of the seeds a verdict needs ask for many.
double single_look(int pairs) {
  static std::mutex mutex;
  static std::vector<double> values;  // by pairs
  const std::lock_guard<std::mutex> lock(mutex);
  while (static_cast<int>(values.size()) <= pairs) {
    const int n = static_cast<int>(values.size());
    values.push_back(n < 2 ? std::numeric_limits<double>::infinity()
                           : student_t_quantile(1.0 - kVerdictError, n - 1));
  }
  return values[static_cast<size_t>(pairs)];
}

}  // namespace

SeedLooks seed_looks(const GridSpec& grid) {
  const int seeds = static_cast<int>(grid.seeds.size());
  return {seeds, std::max(seeds, grid.max_seeds)};
}

double critical_t(const SeedLooks& looks, int pairs, BoundaryShape shape) {
  constexpr double kNever = std::numeric_limits<double>::infinity();
  if (pairs < 2) return kNever;
  if (!looks.adaptive()) return single_look(pairs);
  const SeedLooks planned{std::max(looks.first, 2), looks.last};
  if (!planned.adaptive()) return single_look(pairs);
  if (pairs < planned.first) return kNever;
  return cached_design(planned, shape)[std::min(pairs, planned.last) - planned.first];
}

}  // namespace sweep
