// Moving a target away from its dataset: a chain of seeded, deterministic
// changes applied to every image once it is loaded (see ShiftStep in
// core/sweep_spec.h). Each image's random draws depend only on the seed, the
// split, the step's place in the chain and the image's place in its split,
// never on the amounts: at a larger level the same images are inverted, plus
// more; the same noise is added, stronger; the same partner is blended in,
// heavier. So a ladder's levels differ only by how far they moved. Thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "core/sweep_spec.h"
#include "experiments/data/image_set.h"

namespace sweep {

// Applies `chain` to every image of `images` in order. `blends[k]` holds the
// images step k blends in when it is a mix step (at the same shape as
// `images`), and is unused otherwise. `seed` and `split` (0 train, 1
// validation, 2 test) choose the random draws. Throws std::invalid_argument
// when a mix step has no images to blend in.
void apply_shift(const std::vector<ShiftStep>& chain, const std::vector<ImageSet>& blends,
                 uint64_t seed, int split, ImageSet& images);

}  // namespace sweep
