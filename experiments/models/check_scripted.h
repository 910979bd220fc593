// Checking a TorchScript backbone file without LibTorch's headers: loads it as
// sweep would and returns its content_digest (see backbone.h); throws
// InputError naming the file and what is wrong.
#pragma once

#include <string>

namespace sweep {

std::string check_scripted_backbone(const std::string& path);

}  // namespace sweep
