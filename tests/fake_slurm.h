// Slurm's commands faked: a CommandRunner that answers each program (sbatch,
// squeue, sacct) with the next result scripted for it, "not found on PATH" once
// none is left, and keeps every command line it was given.
#pragma once

#include <deque>
#include <map>
#include <string>
#include <vector>

#include "cluster/command_runner.h"

namespace sweep::testing {

class FakeRunner : public CommandRunner {
 public:
  CommandResult run(const std::vector<std::string>& argv) override {
    calls.push_back(argv);
    auto& queue = answers[argv.at(0)];
    if (queue.empty()) return {false, 0, "", "", "not found on PATH"};
    CommandResult r = queue.front();
    queue.pop_front();
    return r;
  }
  std::map<std::string, std::deque<CommandResult>> answers;
  std::vector<std::vector<std::string>> calls;
};

}  // namespace sweep::testing
