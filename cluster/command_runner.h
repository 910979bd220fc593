// Running an external command and collecting what it prints: the one place the
// Slurm client starts processes, behind an interface so tests can fake Slurm.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace sweep {

struct CommandResult {
  bool started = false;  // false: the program could not be run (see `error`)
  int exit_code = 0;     // the exit status, or 128 + the signal that ended it
  std::string out;
  std::string err;
  std::string error;  // why it did not start, e.g. "not found on PATH"
};

class CommandRunner {
 public:
  virtual ~CommandRunner() = default;
  // Runs argv[0] (looked up on PATH) with the arguments and waits for it.
  virtual CommandResult run(const std::vector<std::string>& argv) = 0;
};

// Runs real processes: posix_spawnp, stdout and stderr through pipes.
std::unique_ptr<CommandRunner> make_process_runner();

}  // namespace sweep
