// Dataset readers, sampling and checks, on small files the tests write.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <opencv2/imgcodecs.hpp>
#include <set>

#include "core/errors.h"
#include "data_files.h"
#include "experiments/data/datasets.h"
#include "experiments/data/digits_reader.h"
#include "experiments/data/idx_reader.h"
#include "experiments/data/image_cache.h"
#include "experiments/data/image_convert.h"
#include "experiments/data/image_folder.h"
#include "experiments/data/shift.h"
#include "experiments/data/split.h"
#include "experiments/data/target_data.h"
#include "temp_dir.h"

namespace sweep {
namespace {

using testing::ScopedTempDir;

std::string first_error(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const InputError& e) {
    return e.lines().at(0);
  }
  return "";
}

TEST(IdxReader, ReadsImagesAndLabels) {
  ScopedTempDir dir;
  testing::write_idx_pair(dir.file("i.gz"), dir.file("l.gz"), 4, 3, {2, 0, 1});
  const ImageSet set = read_idx(dir.file("i.gz"), dir.file("l.gz"), {"a", "b", "c"});
  ASSERT_EQ(set.size(), 3u);
  EXPECT_EQ(set.height, 4);
  EXPECT_EQ(set.width, 3);
  EXPECT_EQ(set.labels, (std::vector<int>{2, 0, 1}));
  EXPECT_EQ(set.image(2)[11], 14);
}

TEST(IdxReader, RejectsBadFiles) {
  ScopedTempDir dir;
  testing::write_idx_pair(dir.file("i.gz"), dir.file("l.gz"), 4, 3, {0, 1});
  std::ofstream(dir.file("junk")) << "not idx at all";
  EXPECT_EQ(first_error([&] {
              read_idx(dir.file("nope"), dir.file("l.gz"), {"a", "b"});
            }),
            dir.file("nope") + ": cannot open (does it exist?)");
  EXPECT_EQ(
      first_error([&] {
        read_idx(dir.file("junk"), dir.file("l.gz"), {"a", "b"});
      }),
      dir.file("junk") + ": not an IDX file of rank 3 unsigned bytes (magic number 0x6e6f7420)");
  EXPECT_EQ(first_error([&] { read_idx(dir.file("i.gz"), dir.file("l.gz"), {"a"}); }),
            dir.file("l.gz") + ": label 1 but only 1 classes");
}

TEST(DigitsReader, CutsTheSheetIntoLabelledCells) {
  ScopedTempDir dir;
  testing::write_digits_png(dir.file("digits.png"));
  const ImageSet set = read_digits_png(dir.file("digits.png"));
  ASSERT_EQ(set.size(), 5000u);
  EXPECT_EQ(set.height, 20);
  const auto counts = class_counts(set);
  for (int c : counts) EXPECT_EQ(c, 500);
  for (size_t i : {size_t{0}, size_t{499}, size_t{500}, size_t{4999}}) {
    EXPECT_EQ(set.labels[i], static_cast<int>(i / 500));
    EXPECT_EQ(set.image(i)[0], set.labels[i]) << "pixels come from the labelled cell";
  }
}

TEST(DigitsReader, RejectsWrongSize) {
  ScopedTempDir dir;
  cv::imwrite(dir.file("small.png"), cv::Mat(10, 10, CV_8UC1, cv::Scalar(0)));
  EXPECT_EQ(first_error([&] { read_digits_png(dir.file("small.png")); }),
            dir.file("small.png") + ": expected a 2000x1000 sheet of 20x20 digits, got 10x10");
}

TEST(Split, DisjointBalancedAndDeterministic) {
  std::vector<int> labels;
  for (int i = 0; i < 300; ++i) labels.push_back(i % 3);
  const SplitIndices a = split_per_class(labels, nullptr, 3, {20, 10, 30}, 7);
  const SplitIndices b = split_per_class(labels, nullptr, 3, {20, 10, 30}, 7);
  const SplitIndices other = split_per_class(labels, nullptr, 3, {20, 10, 30}, 8);
  EXPECT_EQ(a.train, b.train);
  EXPECT_NE(a.train, other.train);
  ASSERT_EQ(a.train.size(), 60u);
  ASSERT_EQ(a.val.size(), 30u);
  ASSERT_EQ(a.test.size(), 90u);
  std::set<size_t> all(a.train.begin(), a.train.end());
  all.insert(a.val.begin(), a.val.end());
  all.insert(a.test.begin(), a.test.end());
  EXPECT_EQ(all.size(), 180u) << "splits are disjoint";
  for (size_t k = 0; k < 20; ++k) EXPECT_EQ(labels[a.train[k]], 0);
}

TEST(Split, RestGoesToTrainAndTestCanComeFromItsOwnPool) {
  std::vector<int> pool, test;
  for (int i = 0; i < 40; ++i) pool.push_back(i % 2);
  for (int i = 0; i < 10; ++i) test.push_back(i % 2);
  const SplitIndices s = split_per_class(pool, &test, 2, {std::nullopt, 5, 3}, 1);
  EXPECT_EQ(s.train.size(), 30u);
  EXPECT_EQ(s.val.size(), 10u);
  EXPECT_EQ(s.test.size(), 6u);
  for (size_t i : s.test) EXPECT_LT(i, 10u);
}

TEST(Split, SmallerBudgetIsAPrefixOfALargerOne) {
  std::vector<int> labels(200);
  for (size_t i = 0; i < labels.size(); ++i) labels[i] = static_cast<int>(i % 2);
  const SplitIndices small = split_per_class(labels, nullptr, 2, {10, 5, 5}, 3);
  const SplitIndices large = split_per_class(labels, nullptr, 2, {50, 5, 5}, 3);
  EXPECT_EQ(small.test, large.test);
  EXPECT_EQ(small.val, large.val);
  for (size_t k = 0; k < 10; ++k) EXPECT_EQ(small.train[k], large.train[k]);
}

TEST(ImageConvert, GreyToRgbAndCentreCrop) {
  cv::Mat wide(10, 20, CV_8UC1);
  for (int x = 0; x < 20; ++x) wide.col(x).setTo(x);
  const cv::Mat out = fit_image(wide, 3, 10);
  EXPECT_EQ(out.rows, 10);
  EXPECT_EQ(out.cols, 10);
  EXPECT_EQ(out.channels(), 3);
  EXPECT_EQ(out.at<cv::Vec3b>(0, 0)[0], 5) << "the centre 10 columns of 20";
  uint8_t chw[3 * 4] = {};
  store_chw(cv::Mat(2, 2, CV_8UC3, cv::Scalar(1, 2, 3)), chw);
  EXPECT_EQ(chw[0], 1);
  EXPECT_EQ(chw[4], 2);
  EXPECT_EQ(chw[8], 3);
  const cv::Mat back = load_chw(chw, 3, 2, 2);
  EXPECT_EQ(back.at<cv::Vec3b>(1, 1), cv::Vec3b(1, 2, 3));
}

TEST(ImageFolder, DecodesSkipsCorruptAndKeepsClassOrder) {
  ScopedTempDir dir;
  testing::write_image_folder(dir.file("photos"), {"dogs", "cats"}, 3, 12);
  std::ofstream(dir.file("photos/cats/broken.png")) << "not a png";
  std::ofstream(dir.file("photos/cats/notes.txt")) << "ignored";
  const FolderIndex index = scan_image_folder(dir.file("photos"));
  ASSERT_EQ(index.classes.size(), 2u);
  EXPECT_EQ(index.classes[0].name, "cats");
  EXPECT_EQ(index.classes[0].files.size(), 4u);
  const DecodedFolder decoded = decode_image_folder(index, 1, 8, false);
  EXPECT_EQ(decoded.images.size(), 6u);
  ASSERT_EQ(decoded.skipped.size(), 1u);
  EXPECT_EQ(decoded.skipped[0], dir.file("photos/cats/broken.png") + ": not a decodable image");
  EXPECT_EQ(decoded.images.class_names, (std::vector<std::string>{"cats", "dogs"}));
  EXPECT_EQ(decoded.images.image(0)[0], 40) << "cats were written with class index 1";
  EXPECT_EQ(first_error([&] { decode_image_folder(index, 1, 8, true); }),
            dir.file("photos/cats/broken.png") + ": not a decodable image (strict mode)");
}

// OpenCV hands a file with DICOM's magic to GDCM whatever its name; the device
// kit replaces GDCM with stubs that open nothing. Either way: skipped, no crash.
TEST(ImageFolder, ADicomFileIsSkippedLikeAnyOtherUndecodableImage) {
  ScopedTempDir dir;
  testing::write_image_folder(dir.file("photos"), {"a", "b"}, 2, 8);
  std::ofstream(dir.file("photos/a/scan.png"), std::ios::binary)
      << std::string(128, '\0') << "DICM" << std::string(64, '\x02');
  const DecodedFolder decoded =
      decode_image_folder(scan_image_folder(dir.file("photos")), 1, 8, false);
  EXPECT_EQ(decoded.images.size(), 4u);
  ASSERT_EQ(decoded.skipped.size(), 1u);
  EXPECT_EQ(decoded.skipped[0], dir.file("photos/a/scan.png") + ": not a decodable image");
}

TEST(ImageCache, DecodesOnceAndRereadsUntilTheFolderChanges) {
  ScopedTempDir dir;
  testing::write_image_folder(dir.file("p"), {"a", "b"}, 2, 8);
  std::ofstream(dir.file("p/b/broken.png")) << "not a png";
  const FolderIndex index = scan_image_folder(dir.file("p"));
  const DecodedFolder first = decode_image_folder_cached(index, 1, 8, false, dir.file("cache"));
  EXPECT_EQ(first.images.size(), 4u);
  EXPECT_EQ(first.skipped.size(), 1u);
  const auto entries = [&] {
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(dir.file("cache/images"))) {
      files.push_back(e.path());
    }
    return files;
  };
  ASSERT_EQ(entries().size(), 1u);
  // Mark the cached pixels: a second decode must come from the cache.
  {
    std::fstream entry(entries()[0], std::ios::in | std::ios::out | std::ios::binary);
    entry.seekp(-1, std::ios::end);
    entry.put(static_cast<char>(99));
  }
  const DecodedFolder second = decode_image_folder_cached(index, 1, 8, false, dir.file("cache"));
  EXPECT_EQ(second.images.pixels.back(), 99);
  EXPECT_EQ(second.skipped, first.skipped);
  EXPECT_EQ(second.images.class_names, first.images.class_names);
  EXPECT_THROW(decode_image_folder_cached(index, 1, 8, true, dir.file("cache")), InputError)
      << "strict mode fails on a cached skip too";
  // A changed file changes the key: decoded again, into a second entry.
  testing::write_image_folder(dir.file("p"), {"b"}, 1, 9);
  const DecodedFolder third =
      decode_image_folder_cached(scan_image_folder(dir.file("p")), 1, 8, false, dir.file("cache"));
  EXPECT_NE(third.images.pixels.back(), 99);
  EXPECT_EQ(entries().size(), 2u);
  EXPECT_EQ(decode_image_folder_cached(index, 1, 8, false, "").images.size(), 4u) << "no cache";
}

// Classes 7 and 2 of a fashion-mnist folder at `path`: 10 training, 5
// validation and 8 test images each.
TargetSpec small_fashion_target(const std::string& path) {
  TargetSpec target;
  target.data.kind = DatasetKind::kFashionMnist;
  target.data.path = path;
  target.data.class_ids = {7, 2};
  target.train_per_class = 10;
  target.val_per_class = 5;
  target.test_per_class = 8;
  return target;
}

TEST(TargetData, FashionTargetSplitsFromTrainAndTestFiles) {
  ScopedTempDir dir;
  testing::write_fashion_folder(dir.file("fm"), 30, 8);
  const TargetSpec target = small_fashion_target(dir.file("fm"));
  const TargetData data = load_target(target, 1, 16);
  EXPECT_EQ(data.train.size(), 20u);
  EXPECT_EQ(data.val.size(), 10u);
  EXPECT_EQ(data.test.size(), 16u);
  EXPECT_EQ(data.train.height, 16);
  EXPECT_EQ(data.train.class_names, (std::vector<std::string>{"Sneaker", "Pullover"}));
  EXPECT_EQ(class_counts(data.test), (std::vector<int>{8, 8}));
}

TEST(TargetData, AShiftedTargetIsTheSameSplitChangedAsTheChainSays) {
  ScopedTempDir dir;
  testing::write_fashion_folder(dir.file("fm"), 30, 8);
  testing::write_digits_png(dir.file("d.png"));
  TargetSpec target = small_fashion_target(dir.file("fm"));
  target.sample_seed = 3;
  const TargetData plain = load_target(target, 1, 16);
  ShiftStep invert;
  invert.kind = ShiftKind::kInvert;
  invert.amount = 0.5;
  ShiftStep mix;
  mix.kind = ShiftKind::kMix;
  mix.amount = 0.4;
  mix.mix.kind = DatasetKind::kOpencvDigits;
  mix.mix.path = dir.file("d.png");
  mix.mix.class_ids = {4};
  target.shift = {invert, mix};
  const TargetData moved = load_target(target, 1, 16);

  // The digits sheet's class-4 cells all hold 4 (see write_digits_png).
  ImageSet fours = plain.train;
  std::fill(fours.pixels.begin(), fours.pixels.end(), 4);
  const std::vector<ImageSet> blends = {ImageSet{}, fours};
  const ImageSet* splits[] = {&plain.train, &plain.val, &plain.test};
  const ImageSet* changed[] = {&moved.train, &moved.val, &moved.test};
  for (int split = 0; split < 3; ++split) {
    ImageSet expected = *splits[split];
    apply_shift(target.shift, blends, 3, split, expected);
    EXPECT_EQ(changed[split]->labels, splits[split]->labels) << "the same images, split " << split;
    EXPECT_EQ(changed[split]->pixels, expected.pixels) << "split " << split;
    EXPECT_NE(changed[split]->pixels, splits[split]->pixels) << "split " << split;
  }
}

TEST(TargetData, SourceHoldsOutATestSplit) {
  ScopedTempDir dir;
  testing::write_digits_png(dir.file("d.png"));
  PretrainSpec source;
  source.data.kind = DatasetKind::kOpencvDigits;
  source.data.path = dir.file("d.png");
  source.data.class_ids = {0, 1, 2};
  source.per_class = 450;
  const TargetData data = load_source(source, 1, 28);
  EXPECT_EQ(data.train.size(), 1350u);
  EXPECT_EQ(data.val.size(), 0u);
  EXPECT_EQ(data.test.size(), 150u) << "what is left of 500 per class";
}

TEST(TargetData, TooFewDecodableImages) {
  ScopedTempDir dir;
  testing::write_image_folder(dir.file("p"), {"a", "b"}, 3, 8);
  TargetSpec target;
  target.data.kind = DatasetKind::kImageFolder;
  target.data.path = dir.file("p");
  target.val_per_class = 2;
  target.test_per_class = 2;
  EXPECT_EQ(first_error([&] { load_target(target, 3, 8); }),
            dir.file("p") + ": a class has only 3 usable images, but the splits need 5 per class");
}

TEST(CheckSweepData, NamesMissingDatasetsAndBadFolders) {
  ScopedTempDir dir;
  testing::write_image_folder(dir.file("one"), {"only"}, 2, 8);
  testing::write_image_folder(dir.file("two"), {"cats", "dogs"}, 3, 8);
  std::filesystem::create_directories(dir.file("two/empty"));
  SweepSpec spec;
  BackboneSpec backbone;
  backbone.pretrain.data.path = dir.file("no-fashion");
  spec.backbones.push_back(backbone);
  TargetSpec digits;
  digits.data.kind = DatasetKind::kOpencvDigits;
  digits.data.path = dir.file("digits.png");
  spec.targets.push_back(digits);
  TargetSpec one;
  one.data.kind = DatasetKind::kImageFolder;
  one.data.path = dir.file("one");
  spec.targets.push_back(one);
  TargetSpec two = one;
  two.data.path = dir.file("two");
  two.data.class_names = {"cats", "dgos"};
  two.val_per_class = 1;
  two.test_per_class = 1;
  spec.targets.push_back(two);
  TargetSpec empty = two;
  empty.data.class_names = {"cats", "empty"};
  spec.targets.push_back(empty);
  Diagnostics diag("s.json");
  std::vector<std::string> notes;
  check_sweep_data(spec, diag, notes);
  EXPECT_EQ(diag.messages(),
            (std::vector<std::string>{
                "s.json: /backbones/0/pretrain/dataset: fashion-mnist not found: " +
                    dir.file("no-fashion/train-images-idx3-ubyte.gz") +
                    " does not exist; check \"path\", or drop it to use the installed copy in "
                    "/usr/share/datasets/fashion-mnist",
                "s.json: /targets/0/dataset: opencv-digits not found: " + dir.file("digits.png") +
                    " does not exist; check \"path\", or drop it to use the installed copy in "
                    "/usr/share/doc/opencv-doc/examples/data/digits.png",
                "s.json: /targets/1/path: " + dir.file("one") +
                    " has 1 class folder(s); an image-folder dataset needs at least two",
                "s.json: /targets/2/classes/1: no class folder \"dgos\" in " + dir.file("two") +
                    "; did you mean \"dogs\"?",
                "s.json: /targets/3/path: class folder \"empty\" in " + dir.file("two") +
                    " holds no images (.jpg, .jpeg, .png, .ppm, .bmp, .pgm, .tif, .tiff, .webp)",
            }));
}

// Files that are there but are not what they claim: bad input at validation,
// not a failure of every trial.
TEST(CheckSweepData, ReadsBuiltInDatasetsAndNamesFilesThatAreNotWhatTheyClaim) {
  ScopedTempDir dir;
  std::filesystem::create_directories(dir.file("fashion"));
  for (const char* name : {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                           "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}) {
    std::ofstream(dir.file("fashion/") + name) << "not gzip, not IDX: a shopping list";
  }
  std::ofstream(dir.file("digits.png")) << "GIF89a, or anything but a PNG";
  std::filesystem::create_directories(dir.file("digits-folder"));
  SweepSpec spec;
  BackboneSpec backbone;
  backbone.pretrain.data.path = dir.file("fashion");
  spec.backbones.push_back(backbone);
  for (const std::string& path : {dir.file("digits.png"), dir.file("digits-folder")}) {
    TargetSpec digits;
    digits.data.kind = DatasetKind::kOpencvDigits;
    digits.data.path = path;
    spec.targets.push_back(digits);
  }
  Diagnostics diag("s.json");
  std::vector<std::string> notes;
  check_sweep_data(spec, diag, notes);
  const std::vector<std::string> prefixes = {
      "s.json: /backbones/0/pretrain/dataset: fashion-mnist unreadable: " +
          dir.file("fashion/train-images-idx3-ubyte.gz") + ": ",
      "s.json: /targets/0/dataset: opencv-digits unreadable: " + dir.file("digits.png") + ": ",
      "s.json: /targets/1/dataset: opencv-digits unreadable: " + dir.file("digits-folder") + ": "};
  ASSERT_EQ(diag.messages().size(), prefixes.size());
  for (size_t i = 0; i < prefixes.size(); ++i) {
    EXPECT_EQ(diag.messages()[i].rfind(prefixes[i], 0), 0u) << diag.messages()[i];
    EXPECT_NE(diag.messages()[i].find("; check \"path\", or drop it"), std::string::npos)
        << diag.messages()[i];
  }
}

// A sweep of one image-folder target at `root` that trains on `train` images
// per class and validates and tests on one each.
SweepSpec folder_sweep(const std::string& root, int train) {
  SweepSpec spec;
  TargetSpec target;
  target.data.kind = DatasetKind::kImageFolder;
  target.data.path = root;
  target.train_per_class = train;
  target.val_per_class = 1;
  target.test_per_class = 1;
  spec.targets.push_back(target);
  return spec;
}

// Files that begin as PNGs but are cut short further in: found at validation,
// in sweep's words, without libpng's own complaints on stderr.
TEST(CheckSweepData, ImagesCutShortAreFoundAtValidationQuietly) {
  ScopedTempDir dir;
  testing::write_image_folder(dir.file("p"), {"a", "b"}, 4, 8);
  for (const char* name : {"a/0.png", "a/1.png"}) {
    const std::string file = dir.file("p/") + name;
    std::ifstream in(file, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    in.close();
    std::ofstream(file, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  }
  Diagnostics diag("s.json");
  ::testing::internal::CaptureStderr();
  std::vector<std::string> notes;
  check_sweep_data(folder_sweep(dir.file("p"), 1), diag, notes);  // 3 images per class needed
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  EXPECT_EQ(diag.messages(),
            (std::vector<std::string>{
                "s.json: /targets/0/path: class \"a\" has 2 images (and 2 files that do not "
                "decode), but the splits need 3 per class; lower the per-class "
                "counts or add images"}));
}

// Files named like images that are not, in an image folder: they do not count
// towards the split check, and a class of nothing but such files is named.
TEST(CheckSweepData, FilesThatAreNotImagesDoNotCountTowardsTheSplits) {
  ScopedTempDir dir;
  testing::write_image_folder(dir.file("p"), {"bad", "good"}, 3, 8);
  for (const char* name : {"bad/0.png", "bad/1.png", "bad/2.png", "good/broken.jpg"}) {
    std::ofstream(dir.file("p/") + name) << "not an image";
  }
  Diagnostics diag("s.json");
  std::vector<std::string> notes;
  check_sweep_data(folder_sweep(dir.file("p"), 2), diag, notes);  // 4 images per class needed
  EXPECT_EQ(diag.messages(),
            (std::vector<std::string>{
                "s.json: /targets/0/path: class folder \"bad\" in " + dir.file("p") +
                    " holds 3 image files, none of which decodes",
                "s.json: /targets/0/path: class \"good\" has 3 images (and 1 file that does not "
                "decode), but the splits need 4 per class; lower the per-class "
                "counts or add images"}));
  EXPECT_EQ(notes, (std::vector<std::string>{
                       "/targets/0/path: class \"bad\": 3 files skipped: 3 that do not decode "
                       "(first: bad/0.png)",
                       "/targets/0/path: class \"good\": 1 file skipped: 1 that does not decode "
                       "(first: good/broken.jpg)"}));
}

}  // namespace
}  // namespace sweep
