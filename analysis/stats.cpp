#include "analysis/stats.h"

#include <cmath>
#include <numeric>

namespace sweep {

double mean(const std::vector<double>& values) {
  if (values.empty()) return 0.0;
  return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

double sample_std(const std::vector<double>& values) {
  if (values.size() < 2) return 0.0;
  const double m = mean(values);
  double squares = 0.0;
  for (double v : values) squares += (v - m) * (v - m);
  return std::sqrt(squares / static_cast<double>(values.size() - 1));
}

double t_critical_95(int dof) {
  // Quantiles t(0.975, dof) for small dof; the normal 1.96 beyond the table.
  static const double table[] = {0.0,   12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365,
                                 2.306, 2.262,  2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
                                 2.120, 2.110,  2.101, 2.093, 2.086, 2.080, 2.074, 2.069,
                                 2.064, 2.060,  2.056, 2.052, 2.048, 2.045, 2.042};
  if (dof <= 0) return 0.0;
  if (dof < static_cast<int>(std::size(table))) return table[dof];
  if (dof <= 60) return 2.000;
  if (dof <= 120) return 1.980;
  return 1.960;
}

double ci95_half_width(const std::vector<double>& values) {
  if (values.size() < 2) return 0.0;
  const int n = static_cast<int>(values.size());
  return t_critical_95(n - 1) * sample_std(values) / std::sqrt(static_cast<double>(n));
}

}  // namespace sweep
