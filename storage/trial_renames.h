// Bringing trials recorded by earlier releases under today's identities.
// Releases before content identities hashed a trial's canonical form with the
// paths of its files (legacy_trial_id, core/identity.h); today's ids hash
// content digests instead (trial_id). A database they wrote holds its trials
// under the old ids, which the project's files at their recorded place still
// give: those trials are renamed, with their epochs, rungs and sweep links, so
// that nothing they finished runs again.
#pragma once

#include <vector>

#include "core/sweep_spec.h"
#include "storage/sqlite.h"

namespace sweep {

// Renames each of `trials` recorded under its legacy id (and not yet under its
// id) to its id, in one transaction, updating its stored configuration and
// pretrain key to today's. Returns how many were renamed.
int adopt_legacy_ids(Database& db, const std::vector<TrialSpec>& trials);

}  // namespace sweep
