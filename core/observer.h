// Watches long work (pretraining, a trial): reports progress and may ask it to
// stop, which makes the work throw Interrupted at its next safe point.
#pragma once

#include <string>

namespace sweep {

class TrainingObserver {
 public:
  virtual ~TrainingObserver() = default;
  // `fraction` of the current job is done; `status` says where it is.
  virtual void progress(double fraction, const std::string& status);
  virtual bool stop_requested();
  // Successive halving: the trial has validated at a rung; false stops it there
  // (its result is then what it has so far). Called only at a trial's rungs.
  virtual bool continue_at_rung(int epoch, double val_accuracy);
  // Successive halving: a trial let go on at a rung is asked after each later
  // epoch whether that was withdrawn (siblings that reached the rung after it
  // pushed it out); true stops it there.
  virtual bool withdrawn_after_rung();
};

// Passes progress on to another observer as the part [begin, begin + span) of a
// larger job, under its own status when one is given; stop requests and rung
// decisions go through unchanged.
class ProgressSpan : public TrainingObserver {
 public:
  ProgressSpan(TrainingObserver& outer, double begin, double span, std::string status = "");
  void progress(double fraction, const std::string& status) override;
  bool stop_requested() override;
  bool continue_at_rung(int epoch, double val_accuracy) override;
  bool withdrawn_after_rung() override;

 private:
  TrainingObserver& outer_;
  double begin_, span_;
  std::string status_;
};

}  // namespace sweep
