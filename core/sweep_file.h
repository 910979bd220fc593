// Reading a sweep file from disk: JSON syntax, then the spec readers. Everything
// that is wrong is reported at once, one line each, in an InputError.
#pragma once

#include <string>

#include "core/sweep_spec.h"

namespace sweep {

// `source` names the text in messages (normally the file's path as the user gave it).
SweepSpec parse_sweep_text(const std::string& text, const std::string& source);
// Parses the file; relative paths in it (datasets, TorchScript files) are taken
// relative to the file's folder and made absolute.
SweepSpec load_sweep_file(const std::string& path);

}  // namespace sweep
