// What a path the user gave names, asked without std::filesystem's throwing
// calls: a symbolic link loop or a folder that cannot be searched becomes an
// InputError that names the path and what is wrong with it, never a raw
// filesystem_error.
#pragma once

#include <string>

namespace sweep {

enum class PathKind { kMissing, kFile, kFolder, kOther };

// Follows symbolic links. Throws InputError when the path cannot be looked at
// (a link loop, no permission to search a folder on the way, a name too long).
PathKind path_kind(const std::string& path);

}  // namespace sweep
