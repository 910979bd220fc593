// Publishing a file whole or not at all. The files sweep writes for other
// processes to read (pretrained weights, feature and image caches, shards,
// reports) go through write_file, and their bytes through System::write_some,
// so a test can run the disk out of space at any byte and check what is left.
#pragma once

#include <filesystem>
#include <functional>
#include <ostream>

#include "core/system.h"

namespace sweep {

// `write` fills a stream over a fresh temporary file beside `path`; the bytes
// are flushed to disk and the file renamed over `path`, so readers see the old
// file or the whole new one. On any failure (the stream fails, `write` throws,
// fsync or rename fails) the temporary is removed, `path` is left as it was,
// and RuntimeError says "PATH: cannot write (REASON)", REASON being the
// system's words ("No space left on device") or the first line of what `write`
// threw. The folder must exist.
void write_file(System& system, const std::filesystem::path& path,
                const std::function<void(std::ostream&)>& write);

}  // namespace sweep
