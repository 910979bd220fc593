#include "runner/commands/sweep_loading.h"

#include <cstdio>

#include "core/backbone_files.h"
#include "core/content_digest.h"
#include "core/errors.h"
#include "core/grid.h"
#include "core/json_reader.h"
#include "core/path_kind.h"
#include "core/sweep_file.h"
#include "core/system.h"
#include "experiments/data/target_data.h"
#include "experiments/models/check_scripted.h"
#include "storage/results_store.h"
#include "storage/trial_renames.h"

namespace sweep {
namespace {

std::string axis(size_t n, const std::string& what) { return std::to_string(n) + " " + what; }

// Loads each TorchScript backbone once, so that a bad file is reported before
// anything is written rather than by every trial, and records its digest.
void check_torchscript_files(SweepSpec& spec, Diagnostics& diag) {
  for (size_t i = 0; i < spec.backbones.size(); ++i) {
    BackboneSpec& backbone = spec.backbones[i];
    if (!backbone.is_torchscript()) continue;
    try {
      backbone.content_sha256 = check_scripted_backbone(backbone.torchscript);
    } catch (const InputError& e) {
      diag.error(json_pointer_child(json_pointer_child("/backbones", i), "torchscript"),
                 e.lines().at(0));
    }
  }
}

}  // namespace

LoadedSweep load_checked_sweep(const std::string& path, const std::string& cache_dir) {
  LoadedSweep sweep;
  sweep.path = path;
  sweep.spec = load_sweep_file(path);
  Diagnostics diag(path);
  resolve_backbone_files(sweep.spec, diag);
  if (diag.ok()) check_torchscript_files(sweep.spec, diag);
  check_sweep_data(sweep.spec, diag, sweep.notes);
  if (diag.ok()) {
    FileDigests digests(real_system(), cache_dir.empty() ? "" : cache_dir + "/file-digests.tsv");
    fill_data_digests(sweep.spec, digests, diag);
  }
  diag.throw_if_any();
  sweep.trials = expand_grid(sweep.spec);
  return sweep;
}

void adopt_earlier_trials(const LoadedSweep& sweep, const std::string& db) {
  if (path_kind(db) == PathKind::kMissing) return;
  ResultsStore store(db, Access::kReadWrite);
  const int renamed = adopt_legacy_ids(store.database(), sweep.trials);
  if (renamed == 0) return;
  std::printf(
      "%s: %d %s recorded by an earlier release of sweep renamed: a trial's id now hashes its "
      "backbone's and data's content, not where their files lie; their results are kept\n",
      db.c_str(), renamed, renamed == 1 ? "trial" : "trials");
}

void print_notes(const LoadedSweep& sweep) {
  for (const std::string& note : sweep.notes) {
    std::printf("%s: %s\n", sweep.path.c_str(), note.c_str());
  }
}

std::string describe_grid(const LoadedSweep& sweep) {
  const SweepSpec& s = sweep.spec;
  const GridSpec& g = s.grid;
  std::string settings = axis(g.unfrozen.size(), "depths");
  if (!g.strategies.empty()) {
    settings = "(" + settings + " + " +
               axis(g.strategies.size(), g.strategies.size() == 1 ? "strategy" : "strategies") +
               ")";
  }
  std::string text = axis(s.backbones.size(), s.backbones.size() == 1 ? "backbone" : "backbones") +
                     " x " + axis(s.targets.size(), s.targets.size() == 1 ? "target" : "targets") +
                     " x " + settings + " x " + axis(g.lr.size(), "lr");
  if (!g.weight_decay.empty()) text += " x " + axis(g.weight_decay.size(), "weight decays");
  if (!g.batch_size.empty()) text += " x " + axis(g.batch_size.size(), "batch sizes");
  if (!g.epochs.empty()) text += " x " + axis(g.epochs.size(), "epoch counts");
  text += " x " + axis(g.seeds.size(), g.seeds.size() == 1 ? "seed" : "seeds");
  return text + " = " + std::to_string(sweep.trials.size()) + " trials";
}

}  // namespace sweep
