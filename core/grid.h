// Grid expansion: a sweep spec -> its trials, in a stable order. Pure.
#pragma once

#include <string>
#include <vector>

#include "core/sweep_spec.h"

namespace sweep {

// Every trial of the grid, nested in this order (outermost first): backbone,
// target, unfrozen, lr, weight_decay, batch_size, epochs, seed. "all" resolves to
// each backbone's block count. Ids and positions are filled in.
std::vector<TrialSpec> expand_grid(const SweepSpec& spec);

// Blocks a backbone exposes as freeze units.
int block_count(const BackboneSpec& backbone);

}  // namespace sweep
