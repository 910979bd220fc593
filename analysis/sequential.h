// The critical values of the verdict's paired t statistic across the looks that
// adaptive seeds take, so that each one-sided claim keeps its stated error
// (kVerdictError, 5%) over every look, not at each. Pure; the boundaries are
// computed once per design and cached (thread-safe).
//
// With adaptive seeds (grid "seeds": {"min": a, "max": b}) the verdict is looked
// at with a, a+1, ..., b paired seeds and the run stops at the first decision.
// At each look n the statistic is T_n = sqrt(n) (m_n - tolerance) / s_n over the
// paired gaps; a claim is made when |T_n| passes the look's critical value c_n.
// When the true gap equals the tolerance and the paired gaps are Gaussian, the
// sequence T_a..T_b does not depend on the spread, so critical values found on
// simulated sequences hold for every spread. They are found once, on a fixed
// set of kPaths simulated sequences (seeded, with our own normal generator, so
// every machine gets the same values; fewer for designs of many looks), by
// bisection on one constant:
//   - O'Brien-Fleming shape (the verdict's): c_n is Student's t quantile with
//     n - 1 degrees of freedom at the nominal level of a z boundary
//     C sqrt(b / n): strict early, near the single-look value at the maximum;
//   - Pocock shape: the same nominal level at every look.
// The constant is the one at which kVerdictError of the sequences cross some
// c_n. A fixed seed list is one look: c_n = t(0.95, n - 1), exactly.
#pragma once

#include <vector>

#include "core/sweep_spec.h"

namespace sweep {

// The error each one-sided claim of a verdict carries across all its looks.
constexpr double kVerdictError = 0.05;

// The seed counts at which a verdict is looked at: first..last with adaptive
// seeds; one look (last <= first) for a fixed seed list.
struct SeedLooks {
  int first = 0;
  int last = 0;
  bool adaptive() const { return last > first; }
};

// {min, max} for adaptive seeds; one look at the seed list's length otherwise.
SeedLooks seed_looks(const GridSpec& grid);

enum class BoundaryShape { kOBrienFleming, kPocock };

// The critical value of T_n at `pairs` paired seeds: +infinity below the first
// look of an adaptive design (not a look it planned) and for fewer than two
// pairs; the last look's value beyond the last.
double critical_t(const SeedLooks& looks, int pairs,
                  BoundaryShape shape = BoundaryShape::kOBrienFleming);

}  // namespace sweep
