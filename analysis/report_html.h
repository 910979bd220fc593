// The report as one self-contained HTML file: no scripts, fonts or images from
// the network. Every string that comes from a sweep file or the database is
// escaped. Pure.
#pragma once

#include <string>
#include <vector>

#include "analysis/summary.h"

namespace sweep {

struct ReportContext {
  std::string database;      // the results database the report was made from
  std::string generated_at;  // ISO 8601
};

std::string render_html_report(const std::vector<SweepSummary>& sweeps,
                               const ReportContext& context);

}  // namespace sweep
