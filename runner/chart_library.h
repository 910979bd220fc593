// Finding the charting library the HTML report inlines: Vega, Vega-Lite and
// vega-embed as installed by `npm ci` from package.json, in $SWEEP_VEGA_DIR or
// else the node_modules folder of the source tree sweep was built from.
#pragma once

#include <optional>
#include <string>

#include "analysis/report_html.h"

namespace sweep {

// The library, or nullopt with `why` saying what is missing.
std::optional<ChartLibrary> load_chart_library(std::string& why);

}  // namespace sweep
