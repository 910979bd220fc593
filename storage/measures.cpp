#include "storage/measures.h"

#include <cmath>

namespace sweep {

void Measures::record_measure(const TransferMeasure& m) {
  Transaction transaction(db_);
  db_.prepare(
         "INSERT OR REPLACE INTO transfer_measures (pretrain_key, target_key, backbone, target, "
         "logme, frechet_distance, source_images, target_images, seconds, probe_key) "
         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)")
      .bind(1, m.pretrain_key)
      .bind(2, m.target_key)
      .bind(3, m.backbone)
      .bind(4, m.target)
      .bind(5, m.logme)
      .bind(6, m.frechet)
      .bind(7, m.source_images)
      .bind(8, m.target_images)
      .bind(9, m.seconds)
      .bind(10, m.probe_key)
      .run();
  db_.prepare("DELETE FROM probe_curve WHERE pretrain_key = ?1 AND target_key = ?2")
      .bind(1, m.pretrain_key)
      .bind(2, m.target_key)
      .run();
  Statement probe = db_.prepare(
      "INSERT INTO probe_curve (pretrain_key, target_key, boundary, block, feature_dim, "
      "val_accuracy, lr, suffix_val_accuracy, logme, seconds, train_accuracy) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
  for (const BoundaryProbe& p : m.curve) {
    probe.bind(1, m.pretrain_key)
        .bind(2, m.target_key)
        .bind(3, p.boundary)
        .bind(4, p.block)
        .bind(5, p.feature_dim)
        .bind(6, p.val_accuracy)
        .bind(7, p.lr)
        .bind(8, p.suffix_val_accuracy)
        .bind(9, p.logme)
        .bind(10, p.seconds)
        .bind(11, p.train_accuracy)
        .run();
    probe.reset();
  }
  Statement skipped = db_.prepare(
      "INSERT OR IGNORE INTO skipped_images (target_key, target, entry) VALUES (?1, ?2, ?3)");
  for (const std::string& entry : m.skipped_images) {
    skipped.bind(1, m.target_key).bind(2, m.target).bind(3, entry).run();
    skipped.reset();
  }
  transaction.commit();
}

std::optional<TransferMeasure> Measures::measure(const std::string& pretrain_key,
                                                 const std::string& target_key) {
  Statement stmt = db_.prepare(
      "SELECT backbone, target, logme, frechet_distance, source_images, target_images, seconds, "
      "probe_key FROM transfer_measures WHERE pretrain_key = ?1 AND target_key = ?2");
  if (!stmt.bind(1, pretrain_key).bind(2, target_key).step()) return std::nullopt;
  std::vector<std::string> skipped;
  Statement files =
      db_.prepare("SELECT entry FROM skipped_images WHERE target_key = ?1 ORDER BY entry");
  files.bind(1, target_key);
  while (files.step()) skipped.push_back(files.text(0));
  std::vector<BoundaryProbe> curve;
  Statement probes = db_.prepare(
      "SELECT boundary, block, feature_dim, val_accuracy, lr, suffix_val_accuracy, logme, "
      "seconds, train_accuracy FROM probe_curve WHERE pretrain_key = ?1 AND target_key = ?2 "
      "ORDER BY boundary");
  probes.bind(1, pretrain_key).bind(2, target_key);
  while (probes.step()) {
    BoundaryProbe p;
    p.boundary = static_cast<int>(probes.int64(0));
    p.block = probes.text(1);
    p.feature_dim = probes.int64(2);
    p.val_accuracy = probes.real(3);
    p.lr = probes.real(4);
    p.suffix_val_accuracy = probes.real(5);
    p.logme = probes.optional_real(6).value_or(std::nan(""));
    p.seconds = probes.real(7);
    p.train_accuracy = probes.optional_real(8).value_or(std::nan(""));
    curve.push_back(p);
  }
  return TransferMeasure{pretrain_key,
                         target_key,
                         stmt.text(0),
                         stmt.text(1),
                         stmt.optional_real(2).value_or(std::nan("")),
                         stmt.optional_real(3).value_or(std::nan("")),
                         static_cast<int>(stmt.int64(4)),
                         static_cast<int>(stmt.int64(5)),
                         stmt.real(6),
                         skipped,
                         curve,
                         stmt.text(7)};
}

void Measures::record_pretrained(const PretrainedRecord& record) {
  Transaction transaction(db_);
  db_.prepare(
         "INSERT OR REPLACE INTO pretrained (pretrain_key, arch, source, source_accuracy, "
         "train_seconds, weights_path) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
      .bind(1, record.key)
      .bind(2, record.arch)
      .bind(3, record.source)
      .bind(4, record.source_accuracy)
      .bind(5, record.train_seconds)
      .bind(6, record.weights_path)
      .run();
  transaction.commit();
}

std::optional<PretrainedRecord> Measures::pretrained(const std::string& key) {
  Statement stmt = db_.prepare(
      "SELECT pretrain_key, arch, source, source_accuracy, train_seconds, weights_path "
      "FROM pretrained WHERE pretrain_key = ?1");
  if (!stmt.bind(1, key).step()) return std::nullopt;
  return PretrainedRecord{stmt.text(0), stmt.text(1),
                          stmt.text(2), stmt.optional_real(3).value_or(std::nan("")),
                          stmt.real(4), stmt.text(5)};
}

}  // namespace sweep
