// The report as one self-contained HTML file: the charting library (Vega,
// Vega-Lite, vega-embed) is inlined, so the page opens with no network and no
// server. Every string that comes from a sweep file or the database is escaped,
// in the HTML and in the chart data alike. Pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "analysis/summary.h"

namespace sweep {

// The JavaScript of the charting library, in load order.
struct ChartLibrary {
  std::string vega, vega_lite, vega_embed;
};

struct ReportContext {
  std::string database;                // the results database the report was made from
  std::string generated_at;            // ISO 8601
  std::optional<ChartLibrary> charts;  // without it, the report says so and keeps its tables
};

std::string render_html_report(const std::vector<SweepSummary>& sweeps,
                               const ReportContext& context);

// JSON that is safe inside a <script> element: '<', '>' and '&' become \u escapes.
std::string script_safe_json(const std::string& json_text);

}  // namespace sweep
