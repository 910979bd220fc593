#include "runner/preparation_jobs.h"

#include <algorithm>

#include "core/identity.h"

namespace sweep {

std::vector<Job> backbone_jobs(const SweepSpec& spec) {
  std::vector<Job> jobs;
  for (const BackboneSpec& backbone : spec.backbones) {
    Job job;
    job.kind = Job::Kind::kBackbone;
    job.backbone = backbone;
    jobs.push_back(job);
  }
  return jobs;
}

std::vector<Job> measure_jobs(const SweepSpec& spec, ResultsStore& store,
                              const std::vector<std::string>& unprepared) {
  std::vector<Job> jobs;
  for (const BackboneSpec& backbone : spec.backbones) {
    const std::string key = pretrain_key(backbone);
    if (std::count(unprepared.begin(), unprepared.end(), key)) continue;
    for (const TargetSpec& target : spec.targets) {
      if (measured(spec, store, backbone, target)) continue;
      Job job;
      job.kind = Job::Kind::kMeasure;
      job.backbone = backbone;
      job.target = target;
      job.probes = {spec.training, spec.grid.lr};
      jobs.push_back(job);
    }
  }
  return jobs;
}

bool measured(const SweepSpec& spec, ResultsStore& store, const BackboneSpec& backbone,
              const TargetSpec& target) {
  const auto stored = store.measure(pretrain_key(backbone), target_key(target));
  return stored && stored->probe_key == probe_key(spec.training, spec.grid.lr);
}

}  // namespace sweep
