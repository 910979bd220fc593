// What a user's path names, and the message when it cannot be looked at.
#include "core/path_kind.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/errors.h"
#include "storage/schema.h"
#include "temp_dir.h"

namespace sweep {
namespace {

namespace fs = std::filesystem;

TEST(PathKind, NamesFilesFoldersAndWhatIsMissing) {
  testing::ScopedTempDir dir;
  std::ofstream(dir.file("file")) << "x";
  EXPECT_EQ(path_kind(dir.file("file")), PathKind::kFile);
  EXPECT_EQ(path_kind(dir.path().string()), PathKind::kFolder);
  EXPECT_EQ(path_kind(dir.file("nothing")), PathKind::kMissing);
  EXPECT_EQ(path_kind(dir.file("file") + "/below"), PathKind::kMissing) << "a file is no folder";
  fs::create_symlink(dir.file("nothing"), dir.file("dangling"));
  EXPECT_EQ(path_kind(dir.file("dangling")), PathKind::kMissing);
  fs::create_symlink(dir.file("file"), dir.file("link"));
  EXPECT_EQ(path_kind(dir.file("link")), PathKind::kFile);
}

// A symbolic link loop where a database is expected: bad input (exit 2) that
// names the path, never a raw filesystem_error.
TEST(PathKind, ASymbolicLinkLoopIsBadInputNamingThePath) {
  testing::ScopedTempDir dir;
  fs::create_symlink(dir.file("b"), dir.file("a"));
  fs::create_symlink(dir.file("a"), dir.file("b"));
  const std::string expected = dir.file("a") +
                               ": cannot be looked at: Too many levels of symbolic links (a "
                               "symbolic link that leads back to itself)";
  try {
    path_kind(dir.file("a"));
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), expected);
  }
  for (Access access : {Access::kReadWrite, Access::kReadOnly}) {
    try {
      open_results_database(dir.file("a"), access);
      FAIL() << "no error";
    } catch (const InputError& e) {
      EXPECT_EQ(std::string(e.what()), expected);
    }
  }
}

}  // namespace
}  // namespace sweep
