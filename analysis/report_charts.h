// The report's charts as Vega-Lite specifications, data inlined. Pure: building
// the JSON needs no browser; the HTML page renders them with vega-embed.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "analysis/summary.h"

namespace sweep {

struct Chart {
  std::string title;
  std::string caption;  // what to read from it
  nlohmann::json spec;  // a Vega-Lite specification
};

// Every chart the sweep's data supports, in reading order; charts whose data is
// missing (no measures yet, no finished trial) are left out.
std::vector<Chart> report_charts(const SweepSummary& summary);

// Points on the cost-accuracy Pareto front of each target: no other point of the
// same target is at least as accurate for at most the cost (one of them strictly).
// `points` are (target, cost, accuracy); returns a flag per point.
std::vector<bool> pareto_front(const std::vector<std::tuple<std::string, double, double>>& points);

}  // namespace sweep
