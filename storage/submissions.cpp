#include "storage/submissions.h"

namespace sweep {

void record_submission(ResultsStore& store, const Submission& s) {
  Database& db = store.database();
  Transaction transaction(db);
  db.prepare(
        "INSERT INTO slurm_submissions (sweep_id, job_id, folder, tasks, trials) "
        "SELECT sweep_id, ?2, ?3, ?4, ?5 FROM sweeps WHERE name = ?1")
      .bind(1, s.sweep)
      .bind(2, s.job_id)
      .bind(3, s.folder)
      .bind(4, s.tasks)
      .bind(5, s.trials)
      .run();
  if (db.changes() == 0) {
    throw RuntimeError(db.path() + ": cannot record the submission of sweep " + s.sweep +
                       ": the sweep is not registered");
  }
  transaction.commit();
}

std::vector<Submission> submissions(ResultsStore& store, const std::string& sweep) {
  Statement stmt = store.database().prepare(
      "SELECT s.name, j.job_id, j.folder, j.tasks, j.trials, j.submitted_at "
      "FROM slurm_submissions j JOIN sweeps s USING (sweep_id) WHERE s.name = ?1 "
      "ORDER BY j.submission_id");
  stmt.bind(1, sweep);
  std::vector<Submission> out;
  while (stmt.step()) {
    out.push_back({stmt.text(0), stmt.text(1), stmt.text(2), static_cast<int>(stmt.int64(3)),
                   static_cast<int>(stmt.int64(4)), stmt.text(5)});
  }
  return out;
}

}  // namespace sweep
