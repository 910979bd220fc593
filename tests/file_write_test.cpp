#include "core/file_write.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/errors.h"
#include "fake_system.h"
#include "temp_dir.h"

namespace sweep {
namespace {

namespace fs = std::filesystem;

std::string read_whole(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The names in `folder`, sorted.
std::vector<std::string> names_in(const fs::path& folder) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

class WriteFileTest : public ::testing::Test {
 protected:
  fs::path file() const { return dir_.path() / "out.bin"; }

  testing::ScopedTempDir dir_;
  testing::FakeSystem system_;
};

TEST_F(WriteFileTest, WritesSmallAndLargeBlocksWhole) {
  const std::string big(300'000, 'x');  // larger than the stream's buffer
  write_file(system_, file(), [&](std::ostream& out) {
    out << "head\n";
    out.write(big.data(), static_cast<std::streamsize>(big.size()));
    out << "tail";
  });
  EXPECT_EQ(read_whole(file()), "head\n" + big + "tail");
  EXPECT_EQ(names_in(dir_.path()), std::vector<std::string>{"out.bin"});
}

TEST_F(WriteFileTest, ReplacesAnOldFileAndKeepsTheUsualPermissions) {
  { std::ofstream(file()) << "old"; }
  write_file(system_, file(), [](std::ostream& out) { out << "new"; });
  EXPECT_EQ(read_whole(file()), "new");
  struct stat info {};
  ASSERT_EQ(::stat(file().c_str(), &info), 0);
  const mode_t mask = ::umask(0);
  ::umask(mask);
  EXPECT_EQ(info.st_mode & 0777, 0666 & ~mask);
}

// The disk fills at cuts from nothing to just short of the whole file (before,
// inside and after the stream's 64 KiB buffer): each time the old file stays as
// it was, no temporary is left, and the error names the path and the reason.
TEST_F(WriteFileTest, ADiskThatFillsAtAnyByteLeavesTheOldFileAndNoTemporary) {
  { std::ofstream(file()) << "old"; }
  const std::string body(70'000, 'y');
  for (int64_t space : {0, 1, 4095, 65'536, 69'999}) {
    system_.disk_space = space;
    system_.written = 0;
    try {
      write_file(system_, file(), [&](std::ostream& out) {
        out.write(body.data(), static_cast<std::streamsize>(body.size()));
      });
      ADD_FAILURE() << "a disk of " << space << " bytes took 70000";
    } catch (const RuntimeError& e) {
      EXPECT_EQ(std::string(e.what()), file().string() + ": cannot write (No space left on device)")
          << space;
    }
    EXPECT_EQ(read_whole(file()), "old") << space;
    EXPECT_EQ(names_in(dir_.path()), std::vector<std::string>{"out.bin"}) << space;
  }
  system_.disk_space = 70'000;
  system_.written = 0;
  write_file(system_, file(), [&](std::ostream& out) { out << body; });
  EXPECT_EQ(read_whole(file()), body);
}

TEST_F(WriteFileTest, AWriterThatThrowsLeavesNothingAndIsNamed) {
  try {
    write_file(system_, file(), [](std::ostream& out) {
      out << "half";
      throw std::logic_error("the model would not save\nbacktrace: ...");
    });
    FAIL() << "a throwing writer published";
  } catch (const RuntimeError& e) {
    EXPECT_EQ(std::string(e.what()), file().string() + ": cannot write (the model would not save)");
  }
  EXPECT_TRUE(names_in(dir_.path()).empty());
}

// LibTorch's writer throws its own error when its stream fails: the disk's
// reason is the one reported.
TEST_F(WriteFileTest, AWriterThatGivesUpOnAFullDiskReportsTheFullDisk) {
  system_.disk_space = 10;
  try {
    write_file(system_, file(), [](std::ostream& out) {
      out << std::string(100'000, 'z');
      if (!out) throw std::runtime_error("PytorchStreamWriter failed writing file data/0");
    });
    FAIL() << "published onto a full disk";
  } catch (const RuntimeError& e) {
    EXPECT_EQ(std::string(e.what()), file().string() + ": cannot write (No space left on device)");
  }
  EXPECT_TRUE(names_in(dir_.path()).empty());
}

TEST_F(WriteFileTest, AMissingFolderIsNamed) {
  const fs::path inside = dir_.path() / "nosuch" / "out.bin";
  try {
    write_file(system_, inside, [](std::ostream& out) { out << "x"; });
    FAIL() << "wrote into a missing folder";
  } catch (const RuntimeError& e) {
    EXPECT_EQ(std::string(e.what()),
              inside.string() + ": cannot write (No such file or directory)");
  }
}

TEST_F(WriteFileTest, AFolderInTheWayIsNotReplaced) {
  fs::create_directory(file());
  EXPECT_THROW(write_file(system_, file(), [](std::ostream& out) { out << "x"; }), RuntimeError);
  EXPECT_TRUE(fs::is_directory(file()));
  EXPECT_EQ(names_in(dir_.path()), std::vector<std::string>{"out.bin"});
}

}  // namespace
}  // namespace sweep
