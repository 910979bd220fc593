// A worker pool and a progress display for tests of the scheduler and of
// run_sweep: no processes, no LibTorch, no training.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/identity.h"
#include "fake_system.h"
#include "runner/devices.h"
#include "runner/progress.h"
#include "runner/worker_pool.h"

namespace sweep {

// Answers jobs at once, or as told per trial position or, for trials, per slot:
// "crash" (the worker dies), "error", "oom", "hang" (never answers). A trial's
// validation accuracy is `val_of(trial)` when set; a trial with rungs first
// reports `rung_val_of(trial)` at its first rung when set (after
// `rung_delay_of(trial)` rounds of wait() when set), and answers once decide()
// says whether it goes on, `result_delay_of(trial)` rounds later when set; a
// withdrawal before then makes it stop one epoch after the rung.
class FakePool : public WorkerPool {
 public:
  explicit FakePool(testing::FakeSystem& system) : system_(system) {}

  void assign(int slot, const Job& job) override {
    assigned.push_back({slot, job.kind == Job::Kind::kTrial ? job.trial.position : -1});
    busy.insert(slot);
    busy_when_assigned.push_back(busy.size());
    if (on_assign) on_assign(job);
    threads_by_kind[job.kind].insert(job.threads);
    std::string behaviour = "ok";
    if (job.kind == Job::Kind::kTrial && slot_behaviour.count(slot))
      behaviour = slot_behaviour[slot];
    if (job.kind == Job::Kind::kTrial && trial_behaviour.count(job.trial.position)) {
      behaviour = trial_behaviour[job.trial.position];
    }
    if (job.kind == Job::Kind::kBackbone && backbone_behaviour.count(job.backbone.name)) {
      behaviour = backbone_behaviour[job.backbone.name];
    }
    if (behaviour == "hang") return;
    PoolEvent progress;
    progress.slot = slot;
    progress.message.fraction = 0.5;
    progress.message.status = "epoch 1/2";
    queued.push_back(progress);
    PoolEvent reply;
    reply.slot = slot;
    if (behaviour == "crash") {
      reply.kind = PoolEvent::Kind::kExited;
      reply.cause = "worker crashed with signal 11 (SIGSEGV)";
    } else if (behaviour == "error" || behaviour == "oom") {
      reply.message.kind = WorkerMessage::Kind::kError;
      reply.message.error = behaviour == "oom" ? "out of memory" : "boom";
    } else if (job.kind == Job::Kind::kBackbone) {
      reply.message.kind = WorkerMessage::Kind::kPretrained;
      reply.message.pretrained = {pretrain_key(job.backbone), "resnet10", "fake", 0.9, 1.0, "w.pt"};
    } else if (job.kind == Job::Kind::kMeasure) {
      reply.message.kind = WorkerMessage::Kind::kMeasured;
      reply.message.measure = measure_of(job);
    } else if (rung_val_of && !job.trial.schedule.rungs.empty()) {
      reply.message.kind = WorkerMessage::Kind::kRung;
      reply.message.epoch = job.trial.schedule.rungs.front();
      reply.message.val_accuracy = rung_val_of(job.trial);
      awaiting[slot] = job.trial;
      if (rung_delay_of) {
        delayed.push_back({rung_delay_of(job.trial), reply});
        return;
      }
    } else {
      reply.message = result_of(job.trial, std::nullopt);
      if (job.kind == Job::Kind::kTrial && result_delay_of) {
        delayed.push_back({result_delay_of(job.trial), reply});
        return;
      }
    }
    queued.push_back(reply);
  }

  static TransferMeasure measure_of(const Job& job) {
    TransferMeasure m;
    m.pretrain_key = pretrain_key(job.backbone);
    m.target_key = target_key(job.target);
    m.backbone = job.backbone.name;
    m.target = job.target.name;
    m.logme = -0.5;
    m.frechet = 3.0;
    m.source_images = 100;
    m.target_images = 80;
    m.seconds = 0.1;
    m.probe_key = probe_key(job.probes.recipe, job.probes.lrs);
    return m;
  }

  void decide(int slot, bool keep) override {
    decisions.push_back({awaiting.at(slot).position, keep});
    PoolEvent reply;
    reply.slot = slot;
    const TrialSpec& trial = awaiting.at(slot);
    reply.message =
        result_of(trial, keep ? std::nullopt : std::optional<int>(trial.schedule.rungs.front()));
    if (keep && result_delay_of) {
      delayed.push_back({result_delay_of(trial), reply});
      past_rung[slot] = trial;
    } else {
      queued.push_back(reply);
    }
    awaiting.erase(slot);
  }

  void withdraw(int slot) override {
    const TrialSpec& trial = past_rung.at(slot);
    withdrawals.push_back(trial.position);
    for (auto& [rounds, event] : delayed) {
      if (event.slot == slot) event.message = result_of(trial, trial.schedule.rungs.front() + 1);
    }
  }

  WorkerMessage result_of(const TrialSpec& trial, std::optional<int> stopped_epoch) {
    WorkerMessage m;
    m.kind = WorkerMessage::Kind::kResult;
    m.result.val_accuracy = val_of ? val_of(trial) : 0.5 + 0.01 * trial.position;
    m.result.test_accuracy = 0.5;
    m.result.train_seconds = 2.0;
    m.result.train_flops = 1e9;
    m.result.device = "fake";
    m.result.stopped_epoch = stopped_epoch;
    return m;
  }

  std::vector<PoolEvent> wait(double timeout) override {
    system_.advance(timeout);
    ++waits;
    std::vector<PoolEvent> out;
    out.swap(queued);
    for (auto it = delayed.begin(); it != delayed.end();) {
      if (--it->first > 0) {
        ++it;
        continue;
      }
      out.push_back(it->second);
      it = delayed.erase(it);
    }
    for (const PoolEvent& e : out) {
      const auto kind = e.message.kind;
      if (e.kind == PoolEvent::Kind::kExited ||
          (kind != WorkerMessage::Kind::kProgress && kind != WorkerMessage::Kind::kRung))
        busy.erase(e.slot);
    }
    return out;
  }

  void kill(int slot) override {
    killed.push_back(slot);
    std::vector<PoolEvent> keep;
    for (auto& e : queued) {
      if (e.slot != slot) keep.push_back(e);
    }
    queued.swap(keep);
  }

  std::map<int, std::string> trial_behaviour, slot_behaviour;
  std::map<std::string, std::string> backbone_behaviour;
  std::vector<std::pair<int, int>> assigned;  // slot, trial position (-1: backbone)
  std::vector<int> killed;
  std::function<void(const Job&)> on_assign;
  std::set<int> busy;                      // slots with a job not answered yet
  std::vector<size_t> busy_when_assigned;  // busy slots, that one included, at each assign
  std::map<Job::Kind, std::set<int>> threads_by_kind;  // the threads each kind of job was given
  std::function<double(const TrialSpec&)> val_of, rung_val_of;
  std::function<int(const TrialSpec&)> rung_delay_of, result_delay_of;
  std::map<int, TrialSpec> past_rung;           // slot -> its trial gone on past a rung
  std::vector<int> withdrawals;                 // trial positions
  std::map<int, TrialSpec> awaiting;            // slot -> its trial waiting at a rung
  std::vector<std::pair<int, bool>> decisions;  // trial position, keep
  std::vector<PoolEvent> queued;
  std::vector<std::pair<int, PoolEvent>> delayed;  // rounds of wait() left, event
  int waits = 0;

 private:
  testing::FakeSystem& system_;
};

class RecordingSink : public ProgressSink {
 public:
  void show(const ProgressState& state) override { states.push_back(state); }
  void print(const std::string& line) override { lines.push_back(line); }
  void close() override {}
  bool printed(const std::string& prefix) const {
    for (const auto& l : lines) {
      if (l.rfind(prefix, 0) == 0) return true;
    }
    return false;
  }
  std::vector<ProgressState> states;
  std::vector<std::string> lines;
};

inline std::vector<Slot> cpu_slots(int n) {
  std::vector<Slot> slots;
  for (int i = 0; i < n; ++i) slots.push_back({"cpu", "cpu#" + std::to_string(i), 1, 0.5});
  return slots;
}

}  // namespace sweep
