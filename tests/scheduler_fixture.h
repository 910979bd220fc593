// The scheduler over the fake pool, on the spec fixture's sweep (24 trials)
// registered in a fresh results database.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <map>

#include "core/grid.h"
#include "core/sweep_file.h"
#include "fake_pool.h"
#include "fake_system.h"
#include "runner/scheduler.h"
#include "spec_fixture.h"
#include "temp_dir.h"

namespace sweep {

class SchedulerTest : public ::testing::Test {
 protected:
  SchedulerTest()
      : spec_(parse_sweep_text(testing::valid_sweep_json().dump(), "s.json")),
        store_(dir_.file("r.db"), Access::kReadWrite),
        pool_(system_) {
    store_.register_sweep(spec_, expand_grid(spec_), "s.json");
  }

  RunOutcome run(
      int slots, std::function<bool()> stop = [] { return false; }) {
    SchedulerOptions options = options_;
    options.stop_requested = std::move(stop);
    options.after_trial = after_trial_;
    return Scheduler(spec_, store_, pool_, cpu_slots(slots), sink_, system_, options).run();
  }

  // The fixture's sweep replaced by `doc`'s, registered anew.
  void use(const nlohmann::json& doc) {
    spec_ = parse_sweep_text(doc.dump(), "s.json");
    store_.register_sweep(spec_, expand_grid(spec_), "s.json");
  }

  std::map<TrialState, int> states() {
    std::map<TrialState, int> counts;
    for (const auto& t : store_.trials("unit")) ++counts[t.state];
    return counts;
  }

  testing::ScopedTempDir dir_;
  SweepSpec spec_;
  ResultsStore store_;
  testing::FakeSystem system_;  // host "here", pid 1, alive; Unix time 1e9 + its clock
  FakePool pool_;
  RecordingSink sink_;
  SchedulerOptions options_;
  std::function<void()> after_trial_;
};

}  // namespace sweep
