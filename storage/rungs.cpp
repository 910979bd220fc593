#include "storage/rungs.h"

namespace sweep {

void Rungs::record_rung(const std::string& trial_id, int epoch, double val_accuracy, bool keep) {
  Transaction transaction(db_);
  db_.prepare(
         "INSERT OR REPLACE INTO rungs (trial_id, epoch, val_accuracy, decision) "
         "VALUES (?1, ?2, ?3, ?4)")
      .bind(1, trial_id)
      .bind(2, epoch)
      .bind(3, val_accuracy)
      .bind(4, keep ? "continue" : "stop")
      .run();
  transaction.commit();
}

std::map<std::string, double> Rungs::rung_values(const std::vector<std::string>& trial_ids,
                                                 int epoch) {
  std::map<std::string, double> values;
  Statement rung = db_.prepare("SELECT val_accuracy FROM rungs WHERE trial_id = ?1 AND epoch = ?2");
  Statement curve = db_.prepare(
      "SELECT e.val_accuracy FROM epochs e JOIN trials t USING (trial_id) WHERE e.trial_id = ?1 "
      "AND e.epoch = ?2 AND e.val_accuracy IS NOT NULL AND t.state IN ('done', 'stopped')");
  for (const std::string& id : trial_ids) {
    if (rung.bind(1, id).bind(2, epoch).step()) {
      values[id] = rung.real(0);
    } else if (curve.bind(1, id).bind(2, epoch).step()) {
      values[id] = curve.real(0);
    }
    rung.reset();
    curve.reset();
  }
  return values;
}

}  // namespace sweep
