// What a dataset holds, as a digest: the content half of a trial's identity
// (identity.h), so that a project moved to another folder, machine or cluster
// keeps its trials, and a changed image makes new ones.
//
// A built-in dataset is the digest of the package's files. An image folder is
// the digest of its chosen files (the images of the selected classes, as
// scan_image_folder lists them): each file's name relative to the folder and
// the digest of its bytes. Digests of files are remembered by path, size and
// modification time in a memo file, so a run does not reread every image.
// Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/json_reader.h"
#include "core/sweep_spec.h"
#include "core/system.h"

namespace sweep {

// SHA-256 of files, remembered across runs in `memo_path` (none when empty).
class FileDigests {
 public:
  FileDigests(System& system, std::string memo_path);

  // The file's SHA-256 in hex. Throws InputError when it cannot be read.
  std::string of(const std::string& path);
  // Writes the memo when a digest was computed since it was read; a memo that
  // cannot be written is left as it was (the digests are computed again next
  // time).
  void save();

 private:
  struct Entry {
    uint64_t size = 0;
    int64_t mtime = 0;
    std::string sha256;
  };
  System& system_;
  std::string memo_path_;
  std::map<std::string, Entry> entries_;
  bool changed_ = false;
};

// The files of a built-in dataset, at its path or the package's location.
std::vector<std::string> builtin_data_files(const DataSpec& data);

// The digest of what `data` holds (see above). Throws InputError when a file
// cannot be read; an image folder that is not a folder throws too.
std::string data_digest(const DataSpec& data, FileDigests& digests);

// Fills in content_sha256 of every dataset the sweep names (targets, shift
// mixes, pretraining sources), each distinct dataset once. Problems go to
// `diag` with the JSON path of the dataset's entry.
void fill_data_digests(SweepSpec& spec, FileDigests& digests, Diagnostics& diag);

}  // namespace sweep
