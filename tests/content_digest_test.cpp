// What a dataset holds, as a digest: the same bytes under the same names give
// the same digest wherever the folder lies; a changed, added or renamed image
// gives another; files of classes not chosen do not count. Digests of files are
// remembered by size and modification time.
#include "core/content_digest.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/errors.h"
#include "temp_dir.h"

namespace sweep {
namespace {

namespace fs = std::filesystem;

void write(const std::string& path, const std::string& bytes) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

DataSpec folder(const std::string& path, std::vector<std::string> classes = {}) {
  DataSpec data;
  data.kind = DatasetKind::kImageFolder;
  data.path = path;
  data.class_names = std::move(classes);
  return data;
}

class ContentDigest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : {"a/1.jpg", "a/sub/2.png", "b/1.jpg", "c/1.jpg"}) {
      write(dir_.file("photos/") + name, std::string("pixels of ") + name);
    }
  }
  std::string digest_of(const DataSpec& data) {
    FileDigests digests(real_system(), "");
    return data_digest(data, digests);
  }
  testing::ScopedTempDir dir_;
};

TEST_F(ContentDigest, AFolderMovedElsewhereKeepsItsDigest) {
  const std::string before = digest_of(folder(dir_.file("photos")));
  fs::rename(dir_.file("photos"), dir_.file("moved"));
  EXPECT_EQ(digest_of(folder(dir_.file("moved"))), before);
}

TEST_F(ContentDigest, AChangedAddedOrRenamedImageChangesIt) {
  const std::string before = digest_of(folder(dir_.file("photos")));
  write(dir_.file("photos/a/1.jpg"), "other pixels");
  const std::string changed = digest_of(folder(dir_.file("photos")));
  EXPECT_NE(changed, before);
  write(dir_.file("photos/b/new.jpg"), "new pixels");
  const std::string added = digest_of(folder(dir_.file("photos")));
  EXPECT_NE(added, changed);
  fs::rename(dir_.file("photos/b/new.jpg"), dir_.file("photos/b/renamed.jpg"));
  EXPECT_NE(digest_of(folder(dir_.file("photos"))), added);
}

TEST_F(ContentDigest, OnlyTheChosenClassesAndImagesCount) {
  const std::string before = digest_of(folder(dir_.file("photos"), {"a", "b"}));
  write(dir_.file("photos/c/1.jpg"), "a class not chosen");
  write(dir_.file("photos/a/notes.txt"), "not an image");
  EXPECT_EQ(digest_of(folder(dir_.file("photos"), {"a", "b"})), before);
  EXPECT_NE(digest_of(folder(dir_.file("photos"))), before);
}

TEST_F(ContentDigest, RemembersFilesBySizeAndModificationTime) {
  const std::string memo = dir_.file("cache/file-digests.tsv");
  const std::string file = dir_.file("photos/a/1.jpg");
  std::string first;
  {
    FileDigests digests(real_system(), memo);
    first = digests.of(file);
    digests.save();
  }
  ASSERT_TRUE(fs::exists(memo));
  // The same size and time: taken from the memo, not read again.
  const auto time = fs::last_write_time(file);
  write(file, std::string("PIXELS of a/1.jpg"));
  fs::last_write_time(file, time);
  EXPECT_EQ(FileDigests(real_system(), memo).of(file), first);
  // Another time: read again.
  fs::last_write_time(file, time + std::chrono::seconds(5));
  EXPECT_NE(FileDigests(real_system(), memo).of(file), first);
}

TEST_F(ContentDigest, AMemoThatIsNotOursIsIgnored) {
  const std::string memo = dir_.file("memo.tsv");
  write(memo, "something else\n1\t2\tffff\t" + dir_.file("photos/a/1.jpg") + "\n");
  FileDigests digests(real_system(), memo);
  FileDigests fresh(real_system(), "");
  EXPECT_EQ(digests.of(dir_.file("photos/a/1.jpg")), fresh.of(dir_.file("photos/a/1.jpg")));
}

TEST_F(ContentDigest, ABuiltInDatasetIsItsFiles) {
  DataSpec digits;
  digits.kind = DatasetKind::kOpencvDigits;
  digits.path = dir_.file("digits.png");
  write(digits.path, "a sheet of digits");
  const std::string before = digest_of(digits);
  const std::string moved = dir_.file("elsewhere/digits.png");
  write(moved, "a sheet of digits");
  digits.path = moved;
  EXPECT_EQ(digest_of(digits), before);
  write(moved, "another sheet");
  EXPECT_NE(digest_of(digits), before);
}

TEST_F(ContentDigest, FillsEveryDatasetAndNamesWhatItCannotRead) {
  SweepSpec spec;
  BackboneSpec backbone;
  backbone.pretrain.data.kind = DatasetKind::kOpencvDigits;
  backbone.pretrain.data.path = dir_.file("missing.png");
  spec.backbones.push_back(backbone);
  TargetSpec target;
  target.data = folder(dir_.file("photos"));
  ShiftStep mix;
  mix.kind = ShiftKind::kMix;
  mix.amount = 0.5;
  mix.mix = folder(dir_.file("photos"), {"a", "b"});
  target.shift = {mix};
  spec.targets = {target};
  FileDigests digests(real_system(), "");
  Diagnostics diag("s.json");
  fill_data_digests(spec, digests, diag);
  EXPECT_EQ(diag.messages(),
            (std::vector<std::string>{"s.json: /backbones/0/pretrain: " + dir_.file("missing.png") +
                                      ": cannot read (No such file or "
                                      "directory)"}));
  EXPECT_EQ(spec.targets[0].data.content_sha256.size(), 64u);
  EXPECT_EQ(spec.targets[0].shift[0].mix.content_sha256.size(), 64u);
  EXPECT_NE(spec.targets[0].shift[0].mix.content_sha256, spec.targets[0].data.content_sha256);
}

}  // namespace
}  // namespace sweep
