// What a worker process is started with.
#include "runner/process_pool.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace sweep {
namespace {

std::vector<std::string> environment_for(int threads, std::vector<std::string> parent) {
  std::vector<char*> pointers;
  for (auto& entry : parent) pointers.push_back(entry.data());
  pointers.push_back(nullptr);
  return worker_environment(threads, pointers.data());
}

bool has(const std::vector<std::string>& env, const std::string& entry) {
  return std::count(env.begin(), env.end(), entry) == 1;
}

bool sets(const std::vector<std::string>& env, const std::string& name) {
  return std::any_of(env.begin(), env.end(),
                     [&](const std::string& e) { return e.rfind(name + "=", 0) == 0; });
}

TEST(WorkerEnvironment, ThreadCountsAreTheSlotsNotTheParents) {
  const auto env = environment_for(3, {"PATH=/bin", "OMP_NUM_THREADS=16", "MKL_NUM_THREADS=16"});
  EXPECT_TRUE(has(env, "OMP_NUM_THREADS=3"));
  EXPECT_TRUE(has(env, "MKL_NUM_THREADS=3"));
  EXPECT_TRUE(has(env, "PATH=/bin"));
  EXPECT_FALSE(has(env, "OMP_NUM_THREADS=16"));
  EXPECT_FALSE(has(env, "MKL_NUM_THREADS=16"));
}

TEST(WorkerEnvironment, WaitingThreadsSpinBrieflyThenSleep) {
  const auto env = environment_for(2, {"HOME=/root"});
  EXPECT_TRUE(has(env, "OMP_WAIT_POLICY=PASSIVE"));
  EXPECT_TRUE(has(env, "GOMP_SPINCOUNT=2000"));
}

TEST(WorkerEnvironment, AUsersWaitSettingsWin) {
  for (const std::string own : {"OMP_WAIT_POLICY=ACTIVE", "GOMP_SPINCOUNT=0"}) {
    const auto env = environment_for(2, {own});
    EXPECT_TRUE(has(env, own)) << own;
    EXPECT_EQ(sets(env, "OMP_WAIT_POLICY"), own.rfind("OMP_WAIT_POLICY", 0) == 0) << own;
    EXPECT_EQ(sets(env, "GOMP_SPINCOUNT"), own.rfind("GOMP_SPINCOUNT", 0) == 0) << own;
  }
}

}  // namespace
}  // namespace sweep
