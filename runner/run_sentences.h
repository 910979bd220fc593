// The sentences a run prints above its progress line, one function each, so that
// what `sweep run` says is read and changed in one place. Each takes the trial
// already described (describe_trial in scheduler.h) and the slot's label; pure.
#pragma once

#include <string>

#include "core/records.h"

namespace sweep {

// "backbone resnet18: ..." once a backbone's weights are pretrained.
std::string pretrained_sentence(const std::string& backbone, const PretrainedRecord& record);
// "measured resnet18 on clothes: LogME ..., Frechet distance ...; <prediction>".
std::string measured_sentence(const TransferMeasure& measure, double tolerance);
// "skipped  clothes: ..." when the measure skipped unreadable images; else empty.
std::string skipped_sentence(const TransferMeasure& measure);

// Successive halving: a trial stopped at its rung, and a go-on withdrawn.
std::string rung_stopped_sentence(const std::string& trial, int epoch, double val_accuracy);
std::string withdrawn_sentence(const std::string& trial, int epoch, double val_accuracy);

// "done     ...", "diverged ..." or "stopped  ..." (at a rung) for a trial's result;
// a finished one with its peak memory (the worker's resident set on the CPU, the
// allocator's peak on a GPU).
std::string trial_result_sentence(const std::string& trial, const std::string& where,
                                  const TrialResult& result);
std::string trial_failed_sentence(const std::string& trial, const std::string& where,
                                  const std::string& cause);
std::string backbone_failed_sentence(const std::string& backbone, const std::string& where,
                                     const std::string& cause);
std::string measure_failed_sentence(const std::string& backbone, const std::string& target,
                                    const std::string& where, const std::string& cause);
std::string retired_sentence(const std::string& where, int failures);
std::string out_of_devices_sentence();
// The cause a trial that ran past SchedulerOptions::trial_timeout fails with.
std::string timed_out_cause(double seconds);

}  // namespace sweep
