// Checking a TorchScript backbone file without LibTorch's headers: loads it as
// sweep would and throws InputError naming the file and what is wrong.
#pragma once

#include <string>

namespace sweep {

void check_scripted_backbone(const std::string& path);

}  // namespace sweep
