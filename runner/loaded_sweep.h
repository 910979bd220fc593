// A sweep file as the commands hold it once loaded and checked: where it came
// from, its spec and its grid. Plain data; commands/sweep_loading.h loads it.
#pragma once

#include <string>
#include <vector>

#include "core/sweep_spec.h"

namespace sweep {

struct LoadedSweep {
  std::string path;               // the sweep file, as the user named it
  SweepSpec spec;                 // canonical
  std::vector<TrialSpec> trials;  // the grid, in grid order
  // What the data check has to say without refusing the sweep: per class of an
  // image folder, the files passed over and why.
  std::vector<std::string> notes;
};

}  // namespace sweep
