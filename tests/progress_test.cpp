#include "runner/progress.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "temp_dir.h"

namespace sweep {
namespace {

TEST(Progress, LogSinkPrintsAtItsInterval) {
  testing::ScopedTempDir dir;
  std::FILE* out = std::fopen(dir.file("log").c_str(), "w+");
  double now = 0.0;
  auto sink = make_log_progress(out, 30.0, [&now] { return now; });
  ProgressState state;
  state.total = 4;
  for (int i = 0; i < 100; ++i) {
    now += 1.0;
    sink->show(state);
  }
  sink->print("a line");
  std::fflush(out);
  std::rewind(out);
  char buffer[4096] = {};
  const size_t n = std::fread(buffer, 1, sizeof buffer - 1, out);
  std::fclose(out);
  const std::string text(buffer, n);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 4) << text;  // at 30, 60, 90 s and the line
  EXPECT_EQ(text.rfind("[0/4] 0 running, 0 failed, 0.0 s elapsed\n", 0), 0u) << text;
}

}  // namespace
}  // namespace sweep
