// The messages between `sweep run` and its worker processes: one JSON object per
// line. The runner sends jobs on the worker's stdin; the worker answers on its
// stdout with progress, then exactly one result, pretrained record or error per
// job. Only the runner touches the database.
#pragma once

#include <string>

#include "core/records.h"

namespace sweep {

struct Job {
  enum class Kind { kTrial, kBackbone, kMeasure } kind = Kind::kTrial;
  TrialSpec trial;        // kTrial: with id and position
  BackboneSpec backbone;  // kBackbone: make sure its pretrained weights exist; kMeasure
  TargetSpec target;      // kMeasure: measure how well the backbone suits it
};

struct WorkerMessage {
  enum class Kind { kProgress, kResult, kPretrained, kMeasured, kError } kind = Kind::kProgress;
  double fraction = 0.0;        // kProgress
  std::string status;           // kProgress
  TrialResult result;           // kResult
  PretrainedRecord pretrained;  // kPretrained
  TransferMeasure measure;      // kMeasured
  std::string error;            // kError: why the job failed; the worker lives on
};

std::string encode_job(const Job& job);
Job decode_job(const std::string& line);  // throws RuntimeError
std::string encode_message(const WorkerMessage& message);
WorkerMessage decode_message(const std::string& line);  // throws RuntimeError

}  // namespace sweep
