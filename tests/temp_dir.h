// A fresh directory under the system temp folder, removed with everything in it
// when the object goes away.
#pragma once

#include <filesystem>
#include <random>
#include <string>

namespace sweep::testing {

class ScopedTempDir {
 public:
  ScopedTempDir() {
    std::random_device random;
    path_ = std::filesystem::temp_directory_path() /
            ("sweep-test-" + std::to_string(random()) + std::to_string(random()));
    std::filesystem::create_directories(path_);
  }
  ~ScopedTempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScopedTempDir(const ScopedTempDir&) = delete;
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace sweep::testing
