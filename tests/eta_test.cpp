#include "runner/eta.h"

#include <gtest/gtest.h>

namespace sweep {
namespace {

TEST(EtaTest, Cases) {
  struct Case {
    const char* name;
    double elapsed, completed, remaining;
    std::optional<double> eta;
  } cases[] = {
      {"nothing finished yet", 10.0, 0.0, 4.0, std::nullopt},
      {"a twentieth of a trial is too little to tell", 10.0, 0.05, 4.0, std::nullopt},
      {"the pace so far times what is left", 10.0, 2.0, 4.0, 20.0},
      {"running fractions count", 10.0, 0.5, 1.5, 30.0},
      {"nothing left", 10.0, 2.0, 0.0, 0.0},
      {"more finished than counted leaves nothing, not less", 10.0, 2.0, -1.0, 0.0},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(estimate_eta(c.elapsed, c.completed, c.remaining), c.eta) << c.name;
  }
}

}  // namespace
}  // namespace sweep
