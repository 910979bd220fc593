// A training observer for tests: counts progress reports, keeps the last
// fraction, and asks to stop after `stop_after` of them.
#pragma once

#include <string>

#include "core/observer.h"

namespace sweep::testing {

class CountingObserver : public TrainingObserver {
 public:
  void progress(double fraction, const std::string&) override {
    ++calls;
    last = fraction;
  }
  bool stop_requested() override { return calls >= stop_after; }
  int calls = 0;
  int stop_after = 1 << 30;
  double last = 0.0;
};

}  // namespace sweep::testing
