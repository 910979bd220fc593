#include "storage/read_only_query.h"

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace sweep {
namespace {

// Pragmas that take an argument and only read.
bool is_reading_pragma(const char* name) {
  static const char* const kReading[] = {"table_info",    "table_xinfo", "index_list",
                                         "index_info",    "index_xinfo", "foreign_key_list",
                                         "function_list", "pragma_list"};
  for (const char* reading : kReading) {
    if (sqlite3_stricmp(name, reading) == 0) return true;
  }
  return false;
}

int authorize(void* refusal, int action, const char* a, const char* b, const char*, const char*) {
  auto* why = static_cast<std::string*>(refusal);
  switch (action) {
    case SQLITE_ATTACH:
    case SQLITE_DETACH:
      *why = "ATTACH and DETACH reach other files";
      return SQLITE_DENY;
    case SQLITE_PRAGMA:
      if (b != nullptr && !is_reading_pragma(a)) {
        *why = std::string("PRAGMA ") + a + " with a value can change the database";
        return SQLITE_DENY;
      }
      return SQLITE_OK;
    default:
      return SQLITE_OK;
  }
}

QueryValue value_of(Statement& stmt, int column) {
  QueryValue value;
  switch (stmt.column_type(column)) {
    case SQLITE_NULL:
      return value;
    case SQLITE_INTEGER:
      value.kind = QueryValue::Kind::kInteger;
      value.integer = stmt.int64(column);
      break;
    case SQLITE_FLOAT:
      value.kind = QueryValue::Kind::kReal;
      value.real = stmt.real(column);
      break;
    default:
      value.kind = QueryValue::Kind::kText;
      break;
  }
  value.text = stmt.text(column);
  return value;
}

bool blank(const std::string& text) {
  return std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c); });
}

std::string first_word(const std::string& sql) {
  const size_t start = sql.find_first_not_of(" \t\r\n(");
  if (start == std::string::npos) return "";
  size_t end = start;
  while (end < sql.size() && std::isalpha(static_cast<unsigned char>(sql[end]))) ++end;
  std::string word = sql.substr(start, end - start);
  std::transform(word.begin(), word.end(), word.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return word;
}

}  // namespace

QueryTable run_read_only_query(Database& db, const std::string& sql) {
  const std::string refused = "sweep query: refused: ";
  if (blank(sql)) throw InputError(refused + "the query is empty");
  std::string why;
  sqlite3_set_authorizer(db.handle(), authorize, &why);
  struct Reset {
    sqlite3* db;
    ~Reset() { sqlite3_set_authorizer(db, nullptr, nullptr); }
  } reset{db.handle()};

  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v2(db.handle(), sql.c_str(), -1, &raw, &tail);
  Statement stmt(db.handle(), raw, db.path());
  if (rc != SQLITE_OK) {
    if (!why.empty()) throw InputError(refused + why + "; sweep query only reads");
    throw InputError("sweep query: " + std::string(sqlite3_errmsg(db.handle())));
  }
  if (raw == nullptr) throw InputError(refused + "the query holds no statement");
  if (tail && !blank(tail)) {
    throw InputError(refused + "more than one statement; run them one at a time");
  }
  if (!stmt.readonly()) {
    throw InputError(refused + first_word(sql) +
                     " would write to the database; sweep query only reads");
  }
  QueryTable table;
  for (int c = 0; c < stmt.columns(); ++c) table.columns.push_back(stmt.column_name(c));
  try {
    while (stmt.step()) {
      std::vector<QueryValue> row;
      for (int c = 0; c < stmt.columns(); ++c) row.push_back(value_of(stmt, c));
      table.rows.push_back(std::move(row));
    }
  } catch (const SqliteError& e) {
    throw InputError("sweep query: " + std::string(e.what()));
  }
  return table;
}

}  // namespace sweep
