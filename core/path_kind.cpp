#include "core/path_kind.h"

#include <filesystem>
#include <system_error>

#include "core/errors.h"

namespace sweep {

PathKind path_kind(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  switch (status.type()) {
    case fs::file_type::not_found:
      return PathKind::kMissing;
    case fs::file_type::regular:
      return PathKind::kFile;
    case fs::file_type::directory:
      return PathKind::kFolder;
    case fs::file_type::none:
      throw InputError(path + ": cannot be looked at: " + error.message() +
                       (error == std::errc::too_many_symbolic_link_levels
                            ? " (a symbolic link that leads back to itself)"
                            : ""));
    default:
      return PathKind::kOther;
  }
}

}  // namespace sweep
