#include "storage/trial_renames.h"

#include "core/identity.h"
#include "core/spec_json.h"

namespace sweep {

int adopt_legacy_ids(Database& db, const std::vector<TrialSpec>& trials) {
  Transaction transaction(db);
  // The rows that point at a trial are renamed after it, within the transaction.
  db.exec("PRAGMA defer_foreign_keys = ON");
  Statement known = db.prepare(
      "SELECT (SELECT count(*) FROM trials WHERE trial_id = ?1), "
      "(SELECT count(*) FROM trials WHERE trial_id = ?2)");
  Statement rename = db.prepare(
      "UPDATE trials SET trial_id = ?2, config_json = ?3, pretrain_key = ?4 WHERE trial_id = ?1");
  std::vector<Statement> followers;
  for (const char* table : {"sweep_trials", "epochs", "rungs"}) {
    followers.push_back(
        db.prepare(std::string("UPDATE ") + table + " SET trial_id = ?2 WHERE trial_id = ?1"));
  }
  int renamed = 0;
  for (const TrialSpec& trial : trials) {
    const std::string legacy = legacy_trial_id(trial);
    if (legacy == trial.id) continue;
    known.bind(1, legacy).bind(2, trial.id).step();
    const bool adopt = known.int64(0) == 1 && known.int64(1) == 0;
    known.reset();
    if (!adopt) continue;
    rename.bind(1, legacy)
        .bind(2, trial.id)
        .bind(3, to_json(trial).dump())
        .bind(4, pretrain_key(trial.backbone))
        .run();
    rename.reset();
    for (Statement& follower : followers) {
      follower.bind(1, legacy).bind(2, trial.id).run();
      follower.reset();
    }
    ++renamed;
  }
  transaction.commit();
  return renamed;
}

}  // namespace sweep
