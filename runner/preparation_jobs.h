// The jobs that come before a sweep's trials: pretraining each backbone, then
// measuring each (backbone, target) pair -- transfer measures and the probe
// curve -- that the store does not hold with this sweep's probe settings.
#pragma once

#include <string>
#include <vector>

#include "core/sweep_spec.h"
#include "runner/worker_protocol.h"
#include "storage/results_store.h"

namespace sweep {

// Every backbone's pretraining (its weights are cached; a job finds them there).
std::vector<Job> backbone_jobs(const SweepSpec& spec);

// The pairs not measured yet, leaving out the backbones whose pretrain keys are
// in `unprepared` (they could not be pretrained).
std::vector<Job> measure_jobs(const SweepSpec& spec, ResultsStore& store,
                              const std::vector<std::string>& unprepared);

// Whether the store holds this pair's measures with the sweep's probe settings.
bool measured(const SweepSpec& spec, ResultsStore& store, const BackboneSpec& backbone,
              const TargetSpec& target);

}  // namespace sweep
