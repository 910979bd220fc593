// Image folders as torchvision's ImageFolder reads them: its image types in any
// case, images anywhere below a class folder; hidden files and folders and
// other types passed over, each with why.
#include "core/image_folder_index.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/errors.h"
#include "temp_dir.h"

namespace sweep {
namespace {

namespace fs = std::filesystem;

void touch(const testing::ScopedTempDir& dir, const std::string& name) {
  fs::create_directories(fs::path(dir.file(name)).parent_path());
  std::ofstream(dir.file(name)) << name;
}

TEST(ImageFolderIndex, TakesEveryTorchvisionImageTypeInAnyCase) {
  const std::vector<std::string> images = {"a.jpg", "b.JPG", "c.jpeg", "d.png",  "e.PNG", "f.ppm",
                                           "g.bmp", "h.pgm", "i.tif",  "j.TIFF", "k.webp"};
  for (const std::string& name : images) EXPECT_TRUE(has_image_extension(name)) << name;
  for (const char* name : {"a.gif", "b.txt", "c", "d.png.bak", "e.heic", "png"}) {
    EXPECT_FALSE(has_image_extension(name)) << name;
  }
}

TEST(ImageFolderIndex, ListsImagesInSubfoldersAndSaysWhatItPassedOver) {
  testing::ScopedTempDir dir;
  for (const char* name :
       {"p/cats/1.jpg", "p/cats/2.WEBP", "p/cats/nested/deeper/3.bmp", "p/cats/notes.txt",
        "p/cats/.DS_Store", "p/cats/.thumbs/4.jpg", "p/cats/Thumbs.db", "p/dogs/1.tif",
        "p/.hidden-class/1.jpg", "p/loose.jpg"}) {
    touch(dir, name);
  }
  const FolderIndex index = scan_image_folder(dir.file("p"));
  ASSERT_EQ(index.classes.size(), 2u) << "hidden folders and loose files are not classes";
  const FolderClass& cats = index.classes[0];
  EXPECT_EQ(cats.name, "cats");
  EXPECT_EQ(cats.files,
            (std::vector<std::string>{dir.file("p/cats/1.jpg"), dir.file("p/cats/2.WEBP"),
                                      dir.file("p/cats/nested/deeper/3.bmp")}));
  EXPECT_EQ(describe_skipped(cats.skipped, dir.file("p")),
            "4 files skipped: 2 of an unsupported type (first: cats/Thumbs.db), 2 hidden "
            "(first: cats/.DS_Store)");
  EXPECT_EQ(index.classes[1].files, (std::vector<std::string>{dir.file("p/dogs/1.tif")}));
  EXPECT_EQ(describe_skipped(index.classes[1].skipped, dir.file("p")), "");
}

TEST(ImageFolderIndex, SaysWhatDidNotDecodeInTheSameSentence) {
  const std::vector<SkippedFile> skipped = {{"/p/a/x.jpg", SkipReason::kNotDecoded}};
  EXPECT_EQ(describe_skipped(skipped, "/p"),
            "1 file skipped: 1 that does not decode (first: a/x.jpg)");
}

TEST(ImageFolderIndex, ANonFolderIsBadInput) {
  testing::ScopedTempDir dir;
  touch(dir, "file.jpg");
  try {
    scan_image_folder(dir.file("file.jpg"));
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(
        e.lines().at(0),
        dir.file("file.jpg") + ": not a folder (an image-folder dataset is ROOT/<class>/<image>)");
  }
}

}  // namespace
}  // namespace sweep
