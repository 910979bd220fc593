// Successive halving's record in the results database: a trial's validation
// accuracy at each rung and whether it went on. A view over a Database the
// caller owns; not thread-safe.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "storage/sqlite.h"

namespace sweep {

class Rungs {
 public:
  explicit Rungs(Database& db) : db_(db) {}

  // A trial's validation accuracy at a rung and the decision.
  void record_rung(const std::string& trial_id, int epoch, double val_accuracy, bool keep);
  // The validation accuracy at `epoch` of those of `trial_ids` that have one,
  // from a rung decision or the curve of a finished (or stopped) trial.
  std::map<std::string, double> rung_values(const std::vector<std::string>& trial_ids, int epoch);

 private:
  Database& db_;
};

}  // namespace sweep
