// The worker side of the protocol: read jobs, run them with an executor, answer
// with progress and one result or error per job. Exceptions from a job become an
// error message and the worker goes on; only a crash ends it.
//
// For tests only, SWEEP_TEST_FAULT (read here and nowhere else) makes the worker
// misbehave on chosen trials: a list like "segv@3,hang@5" of KIND@POSITION with
// KIND one of segv, abort, exit, hang, throw, oom.
#pragma once

#include <cstdio>
#include <istream>
#include <map>
#include <string>

#include "runner/trial_executor.h"

namespace sweep {

using FaultPlan = std::map<int, std::string>;  // trial position -> fault kind

// Parses SWEEP_TEST_FAULT; throws InputError for an unknown kind.
FaultPlan parse_fault_plan(const std::string& text);

// Serves jobs from `in` until it ends, writing messages to `out`.
void serve_jobs(std::istream& in, std::FILE* out, TrialExecutor& executor, const FaultPlan& faults);

}  // namespace sweep
