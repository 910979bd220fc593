#include "analysis/text_table.h"

#include <algorithm>

namespace sweep {
namespace {

bool looks_numeric(const std::string& cell) {
  if (cell.empty()) return true;
  return cell.find_first_not_of("0123456789.-+eE%x ±") == std::string::npos;
}

// Display width: counts UTF-8 code points, not bytes.
size_t width(const std::string& text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

}  // namespace

std::string format_table(const std::vector<std::string>& header,
                         const std::vector<std::vector<std::string>>& rows, int indent) {
  std::vector<size_t> widths(header.size(), 0);
  std::vector<bool> numeric(header.size(), true);
  for (size_t c = 0; c < header.size(); ++c) widths[c] = width(header[c]);
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size() && c < header.size(); ++c) {
      widths[c] = std::max(widths[c], width(row[c]));
      numeric[c] = numeric[c] && looks_numeric(row[c]);
    }
  }
  std::string out;
  auto line = [&](const std::vector<std::string>& cells) {
    std::string text(static_cast<size_t>(indent), ' ');
    for (size_t c = 0; c < header.size(); ++c) {
      const std::string cell = c < cells.size() ? cells[c] : "";
      const std::string pad(widths[c] - width(cell), ' ');
      text += numeric[c] ? pad + cell : cell + pad;
      if (c + 1 < header.size()) text += "  ";
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text + "\n";
  };
  line(header);
  for (const auto& row : rows) line(row);
  return out;
}

}  // namespace sweep
