#include "runner/stored_sweeps.h"

#include "core/errors.h"
#include "core/identity.h"
#include "core/json_reader.h"

namespace sweep {

std::vector<std::string> selected_sweeps(ResultsStore& store, const std::string& name) {
  std::vector<std::string> names = store.sweep_names();
  if (name.empty()) return names;
  for (const auto& n : names) {
    if (n == name) return {name};
  }
  std::string known;
  for (const auto& n : names) known += (known.empty() ? "" : ", ") + quote(n);
  throw InputError(store.database().path() + ": no sweep named " + quote(name) + "; it holds " +
                   (known.empty() ? "none yet" : known));
}

SweepSummary summarize_stored(ResultsStore& store, const std::string& name, double tolerance) {
  const auto info = store.sweep(name);
  SweepSummary summary =
      summarize(name, store.trials(name), info ? info->spec.price_per_device_hour : std::nullopt,
                tolerance, info ? seed_looks(info->spec.grid) : SeedLooks{});
  if (!info) return summary;
  for (const BackboneSpec& backbone : info->spec.backbones) {
    summary.backbones.push_back({backbone.name, store.pretrained(pretrain_key(backbone))});
    for (TargetSummary& t : summary.targets) {
      if (t.backbone != backbone.name) continue;
      for (const TargetSpec& target : info->spec.targets) {
        if (target.name != t.target) continue;
        t.measure = store.measure(pretrain_key(backbone), target_key(target));
        // Measures are stored per (backbone, target): another sweep on this
        // database with other probe settings (learning rates, recipe) may have
        // measured its own curve over this sweep's. Its prediction is not this
        // sweep's; the distance and LogME do not depend on the probes.
        if (t.measure && t.measure->probe_key != probe_key(info->spec.training, info->spec.grid.lr))
          t.measure->curve.clear();
      }
    }
  }
  return summary;
}

}  // namespace sweep
