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
};

}  // namespace sweep
