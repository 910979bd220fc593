// The report for the terminal: the verdicts and, per target, the table of test
// accuracy by depth. Pure.
#pragma once

#include <string>

#include "analysis/summary.h"

namespace sweep {

std::string render_text_report(const SweepSummary& summary);

}  // namespace sweep
