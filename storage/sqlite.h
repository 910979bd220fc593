// Thin RAII wrappers over the SQLite C API: a connection, prepared statements and
// a transaction guard. Every failure throws SqliteError carrying sqlite3_errmsg
// and the result code. A Database is used by one thread at a time.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "core/errors.h"

struct sqlite3;
struct sqlite3_stmt;

namespace sweep {

class SqliteError : public RuntimeError {
 public:
  // "PATH: REASON (ADVICE)": REASON is SQLite's words, ADVICE what a user can
  // do about this code (a full disk, a lock held too long, a read-only file),
  // left out where there is nothing to do.
  SqliteError(const std::string& path, std::string reason, const std::string& advice, int code)
      : RuntimeError(path + ": " + reason + (advice.empty() ? "" : " (" + advice + ")")),
        reason_(std::move(reason)),
        code_(code) {}
  const std::string& reason() const { return reason_; }  // SQLite's words alone
  int code() const { return code_; }                     // primary result code (SQLITE_BUSY, ...)

 private:
  std::string reason_;
  int code_;
};

class Statement {
 public:
  // `path` names the database in errors.
  Statement(sqlite3* db, sqlite3_stmt* stmt, std::string path)
      : db_(db), stmt_(stmt), path_(std::move(path)) {}

  // Parameters are 1-based, as in SQLite. Each returns *this for chaining.
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<int64_t>(value)); }
  Statement& bind(int index, double value);
  Statement& bind(int index, const std::string& value);
  Statement& bind(int index, const char* value) { return bind(index, std::string(value)); }
  Statement& bind_null(int index);
  template <typename T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind_null(index);
  }
  // The index of the named parameter (":name" in the SQL), for binding by name.
  // Throws RuntimeError when the statement has no such parameter.
  int parameter(const char* name) const;
  // The value of `column` in the current row of `from`, type and all (NULL too).
  Statement& bind_column(int index, const Statement& from, int column);

  // Advances to the next row; false when the statement is done.
  bool step();
  // Runs a statement that returns no rows.
  void run();
  void reset();

  int columns() const;
  std::string column_name(int column) const;
  bool is_null(int column) const;
  int column_type(int column) const;  // SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, ...
  int64_t int64(int column) const;
  double real(int column) const;
  std::string text(int column) const;
  std::optional<double> optional_real(int column) const;
  bool readonly() const;

 private:
  struct Finalizer {
    void operator()(sqlite3_stmt* stmt) const;
  };
  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
  std::string path_;
};

class Database {
 public:
  // kImmutable: read-only and without any locking, for a file that is never
  // changed in place, only replaced whole (a shard on a network filesystem,
  // where SQLite's locks cannot be trusted).
  enum class Mode { kReadOnly, kReadWrite, kReadWriteCreate, kImmutable };

  // Throws SqliteError when the file cannot be opened in that mode.
  Database(const std::string& path, Mode mode);

  void exec(const std::string& sql);
  Statement prepare(const std::string& sql);
  sqlite3* handle() const { return db_.get(); }
  const std::string& path() const { return path_; }
  int changes() const;
  // How long a statement waits for a lock another connection holds before it
  // fails with SQLITE_BUSY.
  void set_busy_wait(std::chrono::milliseconds wait);

 private:
  struct Closer {
    void operator()(sqlite3* db) const;
  };
  std::string path_;
  std::unique_ptr<sqlite3, Closer> db_;
};

// Runs `fn` again while SQLite answers SQLITE_BUSY or SQLITE_LOCKED, for up to a
// minute: some steps, such as switching a new database to WAL while another
// process opens it, fail at once instead of waiting in the busy handler.
template <typename Fn>
auto retry_while_busy(Fn fn) -> decltype(fn()) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  for (int attempt = 1;; ++attempt) {
    try {
      return fn();
    } catch (const SqliteError& e) {
      const bool busy = e.code() == 5 /* SQLITE_BUSY */ || e.code() == 6 /* SQLITE_LOCKED */;
      if (!busy || std::chrono::steady_clock::now() > deadline) throw;
      std::this_thread::sleep_for(std::chrono::milliseconds(5 * std::min(attempt, 20)));
    }
  }
}

// BEGIN IMMEDIATE on construction; ROLLBACK on destruction unless commit() ran.
// Immediate: the write lock is taken at the start, so a transaction never fails
// half-way with SQLITE_BUSY after it has read (see ResultsStore for the policy).
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Database& db_;
  bool done_ = false;
};

}  // namespace sweep
