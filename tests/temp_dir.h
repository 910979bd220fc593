// A fresh private folder under the system temp root, removed with everything
// in it when the object goes: the System's ScratchDir, named for tests.
#pragma once

#include "core/system.h"

namespace sweep::testing {

class ScopedTempDir : public ScratchDir {
 public:
  ScopedTempDir() : ScratchDir(real_system().scratch_dir("sweep-test")) {}
};

}  // namespace sweep::testing
