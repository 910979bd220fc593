// Running one SQL statement from a user against the results database, with the
// guarantee that it cannot change anything: the connection is read-only, the
// statement must be one SQLite itself classifies as read-only, and an authorizer
// refuses ATTACH, DETACH and pragmas that set a value (VACUUM INTO and
// writable pragmas work even on read-only connections).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "storage/sqlite.h"

namespace sweep {

struct QueryValue {
  enum class Kind { kNull, kInteger, kReal, kText } kind = Kind::kNull;
  int64_t integer = 0;
  double real = 0.0;
  std::string text;  // also set for numbers, as SQLite prints them
};

struct QueryTable {
  std::vector<std::string> columns;
  std::vector<std::vector<QueryValue>> rows;
};

// Throws InputError ("... refused: ...") for anything that would write, for more
// than one statement and for SQL errors, with SQLite's message.
QueryTable run_read_only_query(Database& db, const std::string& sql);

}  // namespace sweep
