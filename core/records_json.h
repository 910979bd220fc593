// Result records <-> JSON, for the messages a worker process sends its runner.
// Reading throws RuntimeError on malformed input: these messages come from
// sweep itself, never from users.
#pragma once

#include <nlohmann/json.hpp>

#include "core/records.h"

namespace sweep {

nlohmann::json to_json(const TrialResult& result);
TrialResult trial_result_from_json(const nlohmann::json& value);

nlohmann::json to_json(const PretrainedRecord& record);
PretrainedRecord pretrained_from_json(const nlohmann::json& value);

nlohmann::json to_json(const TransferMeasure& measure);
TransferMeasure measure_from_json(const nlohmann::json& value);

}  // namespace sweep
