#include "runner/query_format.h"

#include <nlohmann/json.hpp>

#include "analysis/text_table.h"

namespace sweep {
namespace {

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

}  // namespace

std::string format_query_table(const QueryTable& table) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& row : table.rows) {
    std::vector<std::string> cells;
    for (const auto& value : row) cells.push_back(value.text);
    rows.push_back(std::move(cells));
  }
  return format_table(table.columns, rows) + "(" + std::to_string(table.rows.size()) +
         (table.rows.size() == 1 ? " row)\n" : " rows)\n");
}

std::string format_query_csv(const QueryTable& table) {
  std::string out;
  for (size_t c = 0; c < table.columns.size(); ++c)
    out += (c ? "," : "") + csv_field(table.columns[c]);
  out += "\r\n";
  for (const auto& row : table.rows) {
    for (size_t c = 0; c < row.size(); ++c) out += (c ? "," : "") + csv_field(row[c].text);
    out += "\r\n";
  }
  return out;
}

std::string format_query_json(const QueryTable& table) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& row : table.rows) {
    nlohmann::json object = nlohmann::json::object();
    for (size_t c = 0; c < row.size(); ++c) {
      const QueryValue& v = row[c];
      switch (v.kind) {
        case QueryValue::Kind::kNull:
          object[table.columns[c]] = nullptr;
          break;
        case QueryValue::Kind::kInteger:
          object[table.columns[c]] = v.integer;
          break;
        case QueryValue::Kind::kReal:
          object[table.columns[c]] = v.real;
          break;
        case QueryValue::Kind::kText:
          object[table.columns[c]] = v.text;
          break;
      }
    }
    rows.push_back(std::move(object));
  }
  return rows.dump(2) + "\n";
}

}  // namespace sweep
