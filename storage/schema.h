// The results database: its schema, its version, and opening it safely. The
// README's "Results database" section documents the tables and views.
//
// The schema version lives in PRAGMA user_version and sweep's mark in PRAGMA
// application_id; both are checked before anything is written, so that a file
// that is not a results database, or one from a newer sweep, is left untouched.
#pragma once

#include <string>

#include "storage/sqlite.h"

namespace sweep {

constexpr int kSchemaVersion = 4;
constexpr int kApplicationId = 0x53575045;  // "SWPE"

// kImmutable: read-only without locks, for a shard (see Database::Mode).
enum class Access { kReadOnly, kReadWrite, kImmutable };

// Opens the database at `path`. kReadWrite creates the file and the schema when
// they do not exist yet, upgrades an older schema in place and turns on WAL.
// Throws InputError, naming the path and what to do, when the file is not a
// sweep results database, has a newer schema (or, opened read-only, an older
// one), or cannot be opened or created.
Database open_results_database(const std::string& path, Access access);

// The documented views, with one line each on what they hold.
struct ViewDoc {
  const char* name;
  const char* about;
};
const std::vector<ViewDoc>& documented_views();

}  // namespace sweep
