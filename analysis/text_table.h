// Plain-text tables with aligned columns, for the terminal. Pure.
#pragma once

#include <string>
#include <vector>

namespace sweep {

// Columns are left-aligned unless every non-empty cell in them looks numeric,
// in which case they are right-aligned. Each line is indented by `indent`.
std::string format_table(const std::vector<std::string>& header,
                         const std::vector<std::vector<std::string>>& rows, int indent = 0);

}  // namespace sweep
