// What the results database keeps of backbones and targets, apart from trials:
// each pretrained backbone, and each (backbone, target) pair's transfer measures,
// probe curve and skipped images. A view over a Database the caller owns; not
// thread-safe.
#pragma once

#include <optional>
#include <string>

#include "core/records.h"
#include "storage/sqlite.h"

namespace sweep {

class Measures {
 public:
  explicit Measures(Database& db) : db_(db) {}

  // Replaces the pair's measures and probe curve; adds its skipped images.
  void record_measure(const TransferMeasure& measure);
  std::optional<TransferMeasure> measure(const std::string& pretrain_key,
                                         const std::string& target_key);

  void record_pretrained(const PretrainedRecord& record);
  std::optional<PretrainedRecord> pretrained(const std::string& key);

 private:
  Database& db_;
};

}  // namespace sweep
