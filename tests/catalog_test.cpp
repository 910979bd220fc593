#include "core/catalog.h"

#include <gtest/gtest.h>

namespace sweep {
namespace {

TEST(Catalog, BuiltinArchitecturesHaveStemAndFourStages) {
  for (const auto& arch : builtin_archs()) {
    EXPECT_EQ(arch.blocks_per_stage.size(), 4u) << arch.name;
    EXPECT_EQ(builtin_block_count(arch), 5) << arch.name;
  }
  EXPECT_NE(find_builtin_arch("resnet10"), nullptr);
  EXPECT_EQ(find_builtin_arch("resnet50"), nullptr);
}

TEST(Catalog, DebianDatasets) {
  const DatasetInfo* fashion = builtin_dataset(DatasetKind::kFashionMnist);
  ASSERT_NE(fashion, nullptr);
  EXPECT_EQ(fashion->class_names.size(), 10u);
  EXPECT_EQ(fashion->pool_per_class + fashion->test_pool_per_class, 7000);
  const DatasetInfo* digits = builtin_dataset(DatasetKind::kOpencvDigits);
  ASSERT_NE(digits, nullptr);
  EXPECT_EQ(digits->pool_per_class * 10, 5000);
  EXPECT_EQ(digits->test_pool_per_class, 0);
  EXPECT_EQ(builtin_dataset(DatasetKind::kImageFolder), nullptr);
}

}  // namespace
}  // namespace sweep
