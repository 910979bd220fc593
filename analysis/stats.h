// Small-sample statistics for accuracies over seeds. Pure.
#pragma once

#include <vector>

namespace sweep {

double mean(const std::vector<double>& values);
// Sample standard deviation (n - 1); 0 for fewer than two values.
double sample_std(const std::vector<double>& values);

// P(T <= t) for Student's t with `dof` > 0 degrees of freedom.
double student_t_cdf(double t, double dof);
// The p-quantile of Student's t with `dof` > 0 degrees of freedom, 0 < p < 1,
// accurate to about 1e-9: student_t_quantile(0.975, 40) is 2.0211.
double student_t_quantile(double p, double dof);
// Two-sided 95% critical value of Student's t, t(0.975, dof); 0 for dof <= 0.
double t_critical_95(int dof);
// Accuracies move in steps of one image: a quarter of a point on the default
// study's 400 validation images. Seeds that agree to the step have not shown
// that the spread is zero, so wherever an interval is drawn from a few seeds, a
// smaller measured standard deviation counts as this much.
constexpr double kMinAccuracySpread = 0.0025;

// Half-width of the 95% confidence interval of the mean (t-based, the spread
// at least kMinAccuracySpread); 0 for fewer than two values, where no interval
// can be given.
double ci95_half_width(const std::vector<double>& values);

// Pearson's correlation of paired values, from -1 to 1; 0 when either side has
// no spread. `x` and `y` have the same length.
double pearson(const std::vector<double>& x, const std::vector<double>& y);
// Spearman's rank correlation of paired values (ties get their mean rank):
// the Pearson correlation of the ranks, from -1 to 1; 0 when either side has no
// spread. `x` and `y` have the same length.
double spearman(const std::vector<double>& x, const std::vector<double>& y);
// The one-sided p-value of a rank correlation `rho` over `n` pairs against no
// correlation, for the alternative that it is positive: Student's t with n - 2
// degrees of freedom of rho sqrt((n - 2) / (1 - rho^2)), the usual
// approximation. 1 for n < 3.
double rank_correlation_p(double rho, int n);

}  // namespace sweep
