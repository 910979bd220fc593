// The messages between `sweep run` and its worker processes: one JSON object per
// line. The runner sends jobs on the worker's stdin; the worker answers on its
// stdout with progress, then exactly one result, pretrained record or error per
// job. Only the runner touches the database.
#pragma once

#include <string>

#include "core/records.h"

namespace sweep {

// What a measure job needs to train the probe curve's probes: the sweep's
// recipe and learning rates (see probe_key()).
struct ProbeSettings {
  TrainingRecipe recipe;
  std::vector<double> lrs;
};

struct Job {
  enum class Kind { kTrial, kBackbone, kMeasure } kind = Kind::kTrial;
  TrialSpec trial;        // kTrial: with id, position and schedule
  BackboneSpec backbone;  // kBackbone: make sure its pretrained weights exist; kMeasure
  TargetSpec target;      // kMeasure: measure how well the backbone suits it
  ProbeSettings probes;   // kMeasure
  int threads = 0;        // CPU threads for this job (the runner's share now); 0 = as started
};

// A trial at a rung of successive halving says kRung and waits for the
// runner's decision (encode_decision) on its stdin before it goes on. Once gone
// on, it may be sent a later "stop" unasked (a withdrawal: siblings arriving at
// the rung after it pushed it out), which it reads after an epoch when one is
// waiting; one that arrives after the trial ended is skipped.
struct WorkerMessage {
  enum class Kind {
    kProgress,
    kResult,
    kPretrained,
    kMeasured,
    kError,
    kRung
  } kind = Kind::kProgress;
  double fraction = 0.0;        // kProgress
  std::string status;           // kProgress
  int epoch = 0;                // kRung: the epoch just validated
  double val_accuracy = 0.0;    // kRung
  TrialResult result;           // kResult
  PretrainedRecord pretrained;  // kPretrained
  TransferMeasure measure;      // kMeasured
  std::string error;            // kError: why the job failed; the worker lives on
};

std::string encode_job(const Job& job);
Job decode_job(const std::string& line);  // throws RuntimeError
std::string encode_message(const WorkerMessage& message);
WorkerMessage decode_message(const std::string& line);  // throws RuntimeError
// The runner's answer to kRung: whether the trial goes on.
std::string encode_decision(bool keep);
bool decode_decision(const std::string& line);  // throws RuntimeError
bool is_decision(const std::string& line);      // rather than a job

}  // namespace sweep
