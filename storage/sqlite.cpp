#include "storage/sqlite.h"

#include <sqlite3.h>

namespace sweep {
namespace {

// What a user can do about a failure with this primary result code; empty
// where the code says nothing a user can act on.
std::string advice(int code) {
  switch (code) {
    case SQLITE_FULL:
      return "the disk is full: free space, then run again; what was recorded is kept";
    case SQLITE_BUSY:
      return "another process kept it locked for longer than sweep waits; run again once it is "
             "done";
    case SQLITE_READONLY:
      return "it cannot be written: check the permissions of the file and of its folder";
    case SQLITE_IOERR:
      return "the disk or filesystem failed a read or write: check it, then run again";
    default:
      return "";
  }
}

[[noreturn]] void throw_error(const std::string& path, const std::string& message, int code) {
  const int primary = code & 0xff;
  throw SqliteError(path, message, advice(primary), primary);
}

[[noreturn]] void fail(sqlite3* db, int code, const std::string& path) {
  throw_error(path, db ? sqlite3_errmsg(db) : sqlite3_errstr(code), code);
}

// "file:PATH?immutable=1", with the characters a URI reserves escaped.
std::string immutable_uri(const std::string& path) {
  std::string uri = "file:";
  for (unsigned char c : path) {
    if (c == '%' || c == '?' || c == '#' || c < 0x20 || c >= 0x7f) {
      static const char* hex = "0123456789ABCDEF";
      uri += '%';
      uri += hex[c >> 4];
      uri += hex[c & 15];
    } else {
      uri += static_cast<char>(c);
    }
  }
  return uri + "?immutable=1";
}

}  // namespace

void Statement::Finalizer::operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }

Statement& Statement::bind(int index, int64_t value) {
  if (int rc = sqlite3_bind_int64(stmt_.get(), index, value); rc != SQLITE_OK) fail(db_, rc, path_);
  return *this;
}

Statement& Statement::bind(int index, double value) {
  if (int rc = sqlite3_bind_double(stmt_.get(), index, value); rc != SQLITE_OK)
    fail(db_, rc, path_);
  return *this;
}

Statement& Statement::bind(int index, const std::string& value) {
  const int rc = sqlite3_bind_text(stmt_.get(), index, value.data(), static_cast<int>(value.size()),
                                   SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) fail(db_, rc, path_);
  return *this;
}

int Statement::parameter(const char* name) const {
  const int index = sqlite3_bind_parameter_index(stmt_.get(), name);
  if (index == 0)
    throw RuntimeError(path_ + ": no parameter " + name + " in " + sqlite3_sql(stmt_.get()));
  return index;
}

Statement& Statement::bind_column(int index, const Statement& from, int column) {
  const int rc =
      sqlite3_bind_value(stmt_.get(), index, sqlite3_column_value(from.stmt_.get(), column));
  if (rc != SQLITE_OK) fail(db_, rc, path_);
  return *this;
}

Statement& Statement::bind_null(int index) {
  if (int rc = sqlite3_bind_null(stmt_.get(), index); rc != SQLITE_OK) fail(db_, rc, path_);
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(db_, rc, path_);
}

void Statement::run() {
  while (step()) {
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

int Statement::columns() const { return sqlite3_column_count(stmt_.get()); }

std::string Statement::column_name(int column) const {
  return sqlite3_column_name(stmt_.get(), column);
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL;
}

int Statement::column_type(int column) const { return sqlite3_column_type(stmt_.get(), column); }

int64_t Statement::int64(int column) const { return sqlite3_column_int64(stmt_.get(), column); }

double Statement::real(int column) const { return sqlite3_column_double(stmt_.get(), column); }

std::string Statement::text(int column) const {
  const auto* text = sqlite3_column_text(stmt_.get(), column);
  if (!text) return "";
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_.get(), column)));
}

std::optional<double> Statement::optional_real(int column) const {
  if (is_null(column)) return std::nullopt;
  return real(column);
}

bool Statement::readonly() const { return sqlite3_stmt_readonly(stmt_.get()) != 0; }

void Database::Closer::operator()(sqlite3* db) const { sqlite3_close_v2(db); }

Database::Database(const std::string& path, Mode mode) : path_(path) {
  int flags = SQLITE_OPEN_NOMUTEX;
  switch (mode) {
    case Mode::kReadOnly:
      flags |= SQLITE_OPEN_READONLY;
      break;
    case Mode::kReadWrite:
      flags |= SQLITE_OPEN_READWRITE;
      break;
    case Mode::kReadWriteCreate:
      flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
      break;
    case Mode::kImmutable:
      flags |= SQLITE_OPEN_READONLY | SQLITE_OPEN_URI;
      break;
  }
  const std::string name = mode == Mode::kImmutable ? immutable_uri(path) : path;
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(name.c_str(), &raw, flags, nullptr);
  db_.reset(raw);
  if (rc != SQLITE_OK) fail(raw, rc, path);
  sqlite3_extended_result_codes(raw, 0);
}

void Database::exec(const std::string& sql) {
  char* error = nullptr;
  const int rc = sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    const std::string message = error ? error : sqlite3_errstr(rc);
    sqlite3_free(error);
    throw_error(path_, message, rc);
  }
}

Statement Database::prepare(const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v2(db_.get(), sql.c_str(), -1, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    fail(db_.get(), rc, path_);
  }
  return Statement(db_.get(), stmt, path_);
}

int Database::changes() const { return sqlite3_changes(db_.get()); }

void Database::set_busy_wait(std::chrono::milliseconds wait) {
  sqlite3_busy_timeout(db_.get(), static_cast<int>(wait.count()));
}

Transaction::Transaction(Database& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
  if (done_) return;
  try {
    db_.exec("ROLLBACK");
  } catch (const SqliteError&) {
    // Already rolled back by SQLite (e.g. after an I/O error); nothing to undo.
  }
}

void Transaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

}  // namespace sweep
