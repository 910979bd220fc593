// Successive halving's decision at a rung, in the manner of ASHA (Li et al.,
// "A System for Massively Parallel Hyperparameter Tuning", MLSys 2020): a trial
// that reaches a rung goes on when its validation accuracy there ranks within the
// best `keep` fraction of the learning-rate siblings whose value at the rung is
// known, itself included (at least one always goes on). Ties go on. Pure.
// The scheduler holds a trial at its rung until the siblings running beside it
// arrive, so that siblings run together are judged together; a sibling that runs
// later is judged against the values recorded before it.
#pragma once

#include <vector>

namespace sweep {

bool keep_at_rung(double value, const std::vector<double>& siblings, double keep);

}  // namespace sweep
