// Runners on one machine share its cores through a folder of registrations.
#include "runner/core_budget.h"

#include <gtest/gtest.h>

#include <fstream>

#include "fake_system.h"
#include "temp_dir.h"

namespace sweep {
namespace {

TEST(CoreBudget, RunnersShareTheCoresAndFollowThoseThatStartOrEnd) {
  testing::ScopedTempDir dir;
  testing::FakeSystem first, second;
  first.cores = second.cores = 4;
  first.pid = 10;
  second.pid = 11;
  first.live_pids = second.live_pids = {10, 11};
  const auto folder = dir.path() / "runners";
  CoreBudget a(first, folder);
  EXPECT_EQ(a.runners(), 1);
  EXPECT_EQ(a.threads_per_worker(1), 4);
  EXPECT_EQ(a.threads_per_worker(2), 2);
  {
    CoreBudget b(second, folder);
    EXPECT_EQ(a.runners(), 2);
    EXPECT_EQ(a.threads_per_worker(1), 2);
    EXPECT_EQ(b.threads_per_worker(1), 2);
    EXPECT_EQ(a.threads_per_worker(4), 1) << "never below one thread";
    EXPECT_EQ(a.cores(), 2);
    EXPECT_EQ(b.cores(), 2);
  }
  EXPECT_EQ(a.threads_per_worker(1), 4) << "the second runner ended";
  EXPECT_EQ(a.cores(), 4);
}

TEST(CoreBudget, MoreRunnersThanCoresStillRunOneJobEach) {
  testing::ScopedTempDir dir;
  testing::FakeSystem first, second, third;
  first.cores = second.cores = third.cores = 2;
  first.pid = 10;
  second.pid = 11;
  third.pid = 12;
  first.live_pids = second.live_pids = third.live_pids = {10, 11, 12};
  const auto folder = dir.path() / "runners";
  CoreBudget a(first, folder), b(second, folder), c(third, folder);
  EXPECT_EQ(a.runners(), 3);
  EXPECT_EQ(a.cores(), 1);
  EXPECT_EQ(c.cores(), 1);
  EXPECT_EQ(b.threads_per_worker(2), 1);
}

TEST(CoreBudget, ADeadRunnersFileIsIgnoredAndRemoved) {
  testing::ScopedTempDir dir;
  testing::FakeSystem system;
  system.cores = 2;
  system.pid = 5;
  system.live_pids = {5};
  std::filesystem::create_directories(dir.path() / "r");
  std::ofstream(dir.path() / "r" / "runner-77").flush();  // killed with SIGKILL, say
  std::ofstream(dir.path() / "r" / "notes.txt").flush();  // not a registration
  CoreBudget budget(system, dir.path() / "r");
  EXPECT_EQ(budget.threads_per_worker(1), 2);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "r" / "runner-77"));
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "r" / "notes.txt"));
}

TEST(CoreBudget, AnUnusableFolderLeavesEveryCore) {
  testing::ScopedTempDir dir;
  std::ofstream(dir.path() / "file").flush();
  testing::FakeSystem system;
  system.cores = 2;
  CoreBudget budget(system, dir.path() / "file" / "runners");  // a folder under a file
  EXPECT_EQ(budget.threads_per_worker(1), 2);
}

TEST(CoreBudget, FolderFollowsTheRuntimeDirectory) {
  testing::FakeSystem system;
  system.environment["XDG_RUNTIME_DIR"] = "/run/user/1000";
  EXPECT_EQ(default_runner_folder(system), std::filesystem::path("/run/user/1000/sweep-runners"));
  system.environment.clear();
  EXPECT_EQ(default_runner_folder(system).string().rfind("/tmp/sweep-runners-", 0), 0u);
}

}  // namespace
}  // namespace sweep
