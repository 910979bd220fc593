// Typed errors shared by every layer of sweep.
//
// Error policy (see README "Errors"): bad input from the user -- a sweep file, a
// dataset on disk, a database path -- is reported by throwing InputError, which the
// command layer turns into its lines on stderr and exit code 2, before anything is
// written. Failures of the environment while working (SQLite, I/O) are RuntimeError.
// Third-party exceptions are caught at the adapter that calls the library and
// rethrown as one of these. assert() is for programmer errors only.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace sweep {

// One or more complete, one-line messages about bad user input.
class InputError : public std::runtime_error {
 public:
  explicit InputError(std::string line);
  explicit InputError(std::vector<std::string> lines);
  const std::vector<std::string>& lines() const { return lines_; }

 private:
  std::vector<std::string> lines_;
};

// The user asked sweep to stop (Ctrl-C); work in progress is abandoned and its
// trial returned to pending.
class Interrupted : public std::runtime_error {
 public:
  Interrupted() : std::runtime_error("interrupted") {}
};

// The environment failed while sweep was working (disk, database, a library).
class RuntimeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace sweep
