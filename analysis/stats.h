// Small-sample statistics for accuracies over seeds. Pure.
#pragma once

#include <vector>

namespace sweep {

double mean(const std::vector<double>& values);
// Sample standard deviation (n - 1); 0 for fewer than two values.
double sample_std(const std::vector<double>& values);
// Two-sided 95% critical value of Student's t with `dof` degrees of freedom.
double t_critical_95(int dof);
// Half-width of the 95% confidence interval of the mean (t-based); 0 for fewer
// than two values, where no interval can be given.
double ci95_half_width(const std::vector<double>& values);

}  // namespace sweep
