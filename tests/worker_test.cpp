// The worker's side of the protocol, with a fake executor.
#include "runner/worker.h"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "core/errors.h"
#include "runner/worker_protocol.h"
#include "temp_dir.h"

namespace sweep {
namespace {

class EchoExecutor : public TrialExecutor {
 public:
  PretrainedRecord prepare_backbone(const BackboneSpec& b, TrainingObserver&) override {
    return {"k", b.arch, "src", 0.5, 1.0, "w"};
  }
  TransferMeasure measure(const BackboneSpec& b, const TargetSpec& t, const ProbeSettings&,
                          TrainingObserver&) override {
    return {"k", "t", b.name, t.name, 1.5, 2.5, 10, 20, 0.1, {}, {}, ""};
  }
  TrialResult run(const TrialSpec& trial, TrainingObserver& observer) override {
    observer.progress(1.0, "epoch 2/2");
    if (trial.position == 9) throw RuntimeError("bad trial");
    TrialResult r;
    if (trial.position == 7 && observer.continue_at_rung(5, 0.8)) {
      // Past its rung at epoch 5 of 10: asks after each later epoch but the last.
      for (int epoch = 6; epoch < 10 && !r.stopped_epoch; ++epoch) {
        if (observer.withdrawn_after_rung()) r.stopped_epoch = epoch;
      }
    }
    r.val_accuracy = trial.lr;
    r.diverged = trial.position == 8;
    r.val_loss = r.diverged ? std::nan("") : 0.5;
    r.epochs = {{1, 0.1, 0.9, 0.5, 0.8, 0.6, 1.0}};
    return r;
  }
};

std::vector<WorkerMessage> serve_input(const std::string& input, const FaultPlan& faults = {}) {
  std::istringstream in(input);
  testing::ScopedTempDir dir;
  std::FILE* out = std::fopen(dir.file("out").c_str(), "w+");
  EchoExecutor executor;
  serve_jobs(in, out, executor, faults);
  std::rewind(out);
  std::vector<WorkerMessage> messages;
  char line[1 << 16];
  while (std::fgets(line, sizeof line, out)) {
    std::string text(line);
    text.pop_back();
    messages.push_back(decode_message(text));
  }
  std::fclose(out);
  return messages;
}

std::vector<WorkerMessage> serve(const std::vector<Job>& jobs, const FaultPlan& faults = {}) {
  std::string input;
  for (const auto& job : jobs) input += encode_job(job) + "\n";
  return serve_input(input, faults);
}

Job trial_job(int position, double lr) {
  Job job;
  job.trial.id = "id" + std::to_string(position);
  job.trial.position = position;
  job.trial.blocks = 5;
  job.trial.lr = lr;
  job.trial.target.name = "t";
  job.trial.backbone.name = "b";
  return job;
}

TEST(Worker, AnswersEachJobAfterItsProgress) {
  Job backbone;
  backbone.kind = Job::Kind::kBackbone;
  backbone.backbone.name = "b";
  const auto messages = serve({backbone, trial_job(0, 0.25), trial_job(9, 0.1), trial_job(8, 0.5)});
  ASSERT_EQ(messages.size(), 7u);
  EXPECT_EQ(messages[0].kind, WorkerMessage::Kind::kPretrained);
  EXPECT_EQ(messages[0].pretrained.arch, "resnet10");
  EXPECT_EQ(messages[1].kind, WorkerMessage::Kind::kProgress);
  EXPECT_EQ(messages[1].status, "epoch 2/2");
  EXPECT_EQ(messages[2].kind, WorkerMessage::Kind::kResult);
  EXPECT_DOUBLE_EQ(messages[2].result.val_accuracy, 0.25);
  ASSERT_EQ(messages[2].result.epochs.size(), 1u);
  EXPECT_EQ(messages[4].kind, WorkerMessage::Kind::kError);
  EXPECT_EQ(messages[4].error, "bad trial");
  EXPECT_TRUE(messages[6].result.diverged);
  EXPECT_TRUE(std::isnan(messages[6].result.val_loss)) << "NaN travels as null and back";
}

// The runner let trial 7 go on at its rung, withdrew that, and sent a second
// withdrawal the trial never read (it had ended): the next job still runs.
TEST(Worker, ReadsAWithdrawalAfterARungAndSkipsOneThatCameLate) {
  const auto messages = serve_input(encode_job(trial_job(7, 0.3)) + "\n" + encode_decision(true) +
                                    "\n" + encode_decision(false) + "\n" + encode_decision(false) +
                                    "\n" + encode_job(trial_job(0, 0.25)) + "\n");
  ASSERT_EQ(messages.size(), 5u);
  EXPECT_EQ(messages[1].kind, WorkerMessage::Kind::kRung);
  EXPECT_EQ(messages[1].epoch, 5);
  EXPECT_EQ(messages[2].kind, WorkerMessage::Kind::kResult);
  EXPECT_EQ(messages[2].result.stopped_epoch, 6);
  EXPECT_EQ(messages[4].kind, WorkerMessage::Kind::kResult);
  EXPECT_DOUBLE_EQ(messages[4].result.val_accuracy, 0.25);
  EXPECT_TRUE(is_decision(encode_decision(false)));
  EXPECT_FALSE(is_decision(encode_job(trial_job(0, 0.25))));
}

TEST(Worker, MeasuresBackboneOnTarget) {
  Job job;
  job.kind = Job::Kind::kMeasure;
  job.backbone.name = "b";
  job.target.name = "t";
  job.target.data.class_ids = {1, 2};
  const auto messages = serve({job});
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].kind, WorkerMessage::Kind::kMeasured);
  EXPECT_EQ(messages[0].measure.target, "t");
  EXPECT_DOUBLE_EQ(messages[0].measure.frechet, 2.5);
  EXPECT_EQ(decode_job(encode_job(job)).target.data.class_ids, (std::vector<int>{1, 2}));
}

TEST(Worker, InjectedThrowAndOutOfMemoryBecomeErrors) {
  const auto messages =
      serve({trial_job(1, 0.1), trial_job(2, 0.1)}, parse_fault_plan("throw@1,oom@2"));
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].error, "injected fault");
  EXPECT_EQ(messages[1].error, "out of memory");
}

TEST(Worker, FaultPlanSyntax) {
  const FaultPlan plan = parse_fault_plan("segv@3,hang@12");
  EXPECT_EQ(plan.at(3), "segv");
  EXPECT_EQ(plan.at(12), "hang");
  EXPECT_TRUE(parse_fault_plan("").empty());
  EXPECT_THROW(parse_fault_plan("melt@3"), InputError);
  EXPECT_THROW(parse_fault_plan("segv@x"), InputError);
  EXPECT_THROW(parse_fault_plan("segv"), InputError);
}

TEST(WorkerProtocol, JobsRoundTrip) {
  const Job job = trial_job(4, 0.03);
  const Job back = decode_job(encode_job(job));
  EXPECT_EQ(back.trial.id, "id4");
  EXPECT_EQ(back.trial.position, 4);
  EXPECT_DOUBLE_EQ(back.trial.lr, 0.03);
  EXPECT_THROW(decode_job("{not json"), RuntimeError);
  // Every kind carries its threads: pretraining on a worker started with one
  // thread once ran on one although the runner gave it two.
  for (const Job::Kind kind : {Job::Kind::kTrial, Job::Kind::kBackbone, Job::Kind::kMeasure}) {
    Job threaded = job;
    threaded.kind = kind;
    threaded.backbone.name = "b";
    threaded.target.name = "t";
    threaded.threads = 2;
    EXPECT_EQ(decode_job(encode_job(threaded)).threads, 2) << static_cast<int>(kind);
  }
  EXPECT_THROW(decode_message("{\"kind\": \"dance\"}"), RuntimeError);
}

}  // namespace
}  // namespace sweep
