#include "storage/sqlite.h"

#include <gtest/gtest.h>

#include "temp_dir.h"

namespace sweep {
namespace {

TEST(StatementTest, BindsByNameAndNamesAParameterItLacks) {
  testing::ScopedTempDir dir;
  const std::string path = dir.file("t.db");
  Database db(path, Database::Mode::kReadWriteCreate);
  db.exec("CREATE TABLE t (a INTEGER, b TEXT)");
  Statement insert = db.prepare("INSERT INTO t (a, b) VALUES (:a, :b)");
  insert.bind(insert.parameter(":b"), "two").bind(insert.parameter(":a"), 1).run();
  Statement read = db.prepare("SELECT a, b FROM t");
  ASSERT_TRUE(read.step());
  EXPECT_EQ(read.int64(0), 1);
  EXPECT_EQ(read.text(1), "two");
  try {
    insert.parameter(":c");
    FAIL() << "no error";
  } catch (const RuntimeError& e) {
    EXPECT_EQ(std::string(e.what()),
              path + ": no parameter :c in INSERT INTO t (a, b) VALUES (:a, :b)");
  }
}

}  // namespace
}  // namespace sweep
