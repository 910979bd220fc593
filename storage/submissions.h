// Slurm submissions recorded in the main results database (table
// slurm_submissions): which job array ran which sweep, and where its shards are.
#pragma once

#include <string>
#include <vector>

#include "storage/results_store.h"

namespace sweep {

struct Submission {
  std::string sweep;
  std::string job_id;
  std::string folder;  // the submission's folder name under DB.shards/
  int tasks = 0;
  int trials = 0;
  std::string submitted_at;  // ISO 8601; set by the database
};

// Records a submission of a registered sweep, in one transaction.
void record_submission(ResultsStore& store, const Submission& submission);

// The sweep's submissions, oldest first.
std::vector<Submission> submissions(ResultsStore& store, const std::string& sweep);

}  // namespace sweep
