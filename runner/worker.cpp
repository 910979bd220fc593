#include "runner/worker.h"

#include <unistd.h>
#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <new>
#include <sstream>
#include <thread>

#include "core/errors.h"
#include "runner/progress.h"
#include "runner/worker_protocol.h"

namespace sweep {
namespace {

const char* const kFaultKinds[] = {"segv", "abort", "exit", "hang", "throw", "oom"};

void send(std::FILE* out, const WorkerMessage& message) {
  std::fprintf(out, "%s\n", encode_message(message).c_str());
  std::fflush(out);
}

// Forwards progress to the runner, at most five times a second, asks it at
// successive halving's rungs whether the trial goes on, and after a rung reads
// a withdrawal when one is waiting (the input must report what is waiting:
// std::cin only with sync_with_stdio(false)).
class ProgressReporter : public TrainingObserver {
 public:
  ProgressReporter(std::istream& in, std::FILE* out)
      : in_(in), out_(out), clock_(steady_clock_seconds()) {}

  bool continue_at_rung(int epoch, double val_accuracy) override {
    WorkerMessage m;
    m.kind = WorkerMessage::Kind::kRung;
    m.epoch = epoch;
    m.val_accuracy = val_accuracy;
    send(out_, m);
    std::string line;
    if (!std::getline(in_, line)) throw Interrupted();  // the runner is gone
    return decode_decision(line);
  }

  bool withdrawn_after_rung() override {
    if (in_.rdbuf()->in_avail() <= 0) return false;
    std::string line;
    if (!std::getline(in_, line)) throw Interrupted();
    return !decode_decision(line);
  }

  void progress(double fraction, const std::string& status) override {
    const double now = clock_();
    if (now - last_ < 0.2 && fraction < 1.0) return;
    last_ = now;
    WorkerMessage m;
    m.fraction = fraction;
    m.status = status;
    send(out_, m);
  }

 private:
  std::istream& in_;
  std::FILE* out_;
  Clock clock_;
  double last_ = -1.0;
};

void inject(const std::string& fault) {
  if (fault == "segv") std::raise(SIGSEGV);
  if (fault == "abort") std::abort();
  if (fault == "exit") _exit(3);
  if (fault == "hang") {
    while (true) std::this_thread::sleep_for(std::chrono::hours(1));
  }
  if (fault == "throw") throw RuntimeError("injected fault");
  if (fault == "oom") throw std::bad_alloc();
}

WorkerMessage run_job(const Job& job, TrialExecutor& executor, const FaultPlan& faults,
                      ProgressReporter& reporter) {
  WorkerMessage reply;
  if (job.threads > 0) executor.use_threads(job.threads);
  if (job.kind == Job::Kind::kBackbone) {
    reply.kind = WorkerMessage::Kind::kPretrained;
    reply.pretrained = executor.prepare_backbone(job.backbone, reporter);
    return reply;
  }
  if (job.kind == Job::Kind::kMeasure) {
    reply.kind = WorkerMessage::Kind::kMeasured;
    reply.measure = executor.measure(job.backbone, job.target, job.probes, reporter);
    return reply;
  }
  if (auto fault = faults.find(job.trial.position); fault != faults.end()) inject(fault->second);
  reply.kind = WorkerMessage::Kind::kResult;
  reply.result = executor.run(job.trial, reporter);
  return reply;
}

}  // namespace

FaultPlan parse_fault_plan(const std::string& text) {
  FaultPlan plan;
  std::stringstream items(text);
  std::string item;
  while (std::getline(items, item, ',')) {
    const size_t at = item.find('@');
    const std::string kind = item.substr(0, at);
    const bool known =
        std::find(std::begin(kFaultKinds), std::end(kFaultKinds), kind) != std::end(kFaultKinds);
    if (at == std::string::npos || !known || item.size() == at + 1 ||
        item.find_first_not_of("0123456789", at + 1) != std::string::npos) {
      throw InputError("SWEEP_TEST_FAULT: \"" + item + "\": expected KIND@POSITION, KIND one of " +
                       "segv, abort, exit, hang, throw, oom");
    }
    plan[std::stoi(item.substr(at + 1))] = kind;
  }
  return plan;
}

void serve_jobs(std::istream& in, std::FILE* out, TrialExecutor& executor,
                const FaultPlan& faults) {
  ProgressReporter reporter(in, out);
  std::string line;
  while (std::getline(in, line)) {
    if (is_decision(line)) continue;  // a withdrawal that came after its trial ended
    WorkerMessage reply;
    try {
      reply = run_job(decode_job(line), executor, faults, reporter);
    } catch (const std::bad_alloc&) {
      reply.kind = WorkerMessage::Kind::kError;
      reply.error = "out of memory";
    } catch (const std::exception& e) {
      reply.kind = WorkerMessage::Kind::kError;
      const std::string what = e.what();
      reply.error =
          what.find("out of memory") != std::string::npos ? "out of memory: " + what : what;
    }
    send(out, reply);
  }
}

}  // namespace sweep
