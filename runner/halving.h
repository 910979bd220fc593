// Successive halving's decision at a rung, asynchronous in the manner of ASHA
// (Li et al., "A System for Massively Parallel Hyperparameter Tuning", MLSys
// 2020): a trial that reaches a rung goes on when its validation accuracy there
// ranks within the best `keep` fraction of its learning-rate siblings that have
// reached the rung so far, itself included (at least one always goes on). The
// first sibling at a rung always goes on; later ones only when they hold their
// own. Ties go on. Pure.
#pragma once

#include <vector>

namespace sweep {

bool keep_at_rung(double value, const std::vector<double>& siblings, double keep);

}  // namespace sweep
