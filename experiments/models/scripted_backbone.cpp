#include "experiments/models/scripted_backbone.h"

#include <torch/csrc/jit/passes/inliner.h>

#include <regex>

#include "core/backbone_files.h"
#include "core/errors.h"

namespace sweep {
namespace {

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

// torch::jit::Module is a handle to a shared object: copying it is cheap and
// moving it would copy all the same.
ScriptedBackbone::ScriptedBackbone(const torch::jit::Module& module, InputSpec input,
                                   int64_t feature_dim)
    : module_(module), input_(std::move(input)), feature_dim_(feature_dim) {
  for (const auto& child : module_.named_children()) {
    names_.push_back(child.name);
    blocks_.push_back(child.value);
  }
}

std::unique_ptr<ScriptedBackbone> ScriptedBackbone::load(const std::string& path) {
  const BackboneMetadata meta = read_backbone_metadata(path);
  torch::jit::Module module;
  try {
    module = torch::jit::load(path, torch::kCPU);
  } catch (const c10::Error& e) {
    throw InputError(path +
                     ": not a TorchScript file (save one with torch.jit.save; see "
                     "scripts/export_torchvision.py): " +
                     first_line(e.what_without_backtrace()));
  }
  const InputSpec input{meta.channels, meta.image_size, meta.mean, meta.std};
  std::unique_ptr<ScriptedBackbone> backbone(new ScriptedBackbone(module, input, 0));
  if (backbone->blocks_.empty()) {
    throw InputError(path +
                     ": the module has no blocks (top-level children); export it with "
                     "scripts/export_torchvision.py");
  }
  if (backbone->names_ != meta.blocks) {
    throw InputError(path + ": its blocks are (" + joined(backbone->names_) + ") but " +
                     metadata_path(path) + " lists (" + joined(meta.blocks) + ")");
  }
  torch::Tensor out;
  try {
    torch::NoGradGuard no_grad;
    backbone->set_training(false);
    out = backbone->forward(torch::zeros({2, input.channels, input.size, input.size}), 0,
                            backbone->num_blocks());
  } catch (const c10::Error& e) {
    throw InputError(path + ": a forward pass of a 2x" + std::to_string(input.channels) + "x" +
                     std::to_string(input.size) + "x" + std::to_string(input.size) +
                     " batch failed: " + first_line(e.what_without_backtrace()));
  }
  if (out.dim() != 2) {
    throw InputError(path + ": the output has rank " + std::to_string(out.dim()) +
                     "; sweep needs the pooled feature vector (rank 2): end the last block with "
                     "pooling and a flatten");
  }
  backbone->feature_dim_ = out.size(1);
  return backbone;
}

std::string check_scripted_backbone(const std::string& path) {
  return content_digest(*ScriptedBackbone::load(path));
}

torch::Tensor ScriptedBackbone::forward(const torch::Tensor& x, int begin, int end) {
  torch::Tensor y = x;
  for (int b = begin; b < end; ++b) y = blocks_[static_cast<size_t>(b)].forward({y}).toTensor();
  return y;
}

std::vector<torch::Tensor> ScriptedBackbone::block_parameters(int block) const {
  std::vector<torch::Tensor> out;
  for (const auto& p : blocks_.at(static_cast<size_t>(block)).parameters()) out.push_back(p);
  return out;
}

std::string ScriptedBackbone::block_code(int block) const {
  // The class names TorchScript gives a module carry a counter that differs
  // from one export to the next ("___torch_mangle_3."); source locations would
  // carry the archive's line numbers.
  std::shared_ptr<torch::jit::Graph> graph =
      blocks_.at(static_cast<size_t>(block)).get_method("forward").graph()->copy();
  torch::jit::Inline(*graph);
  static const std::regex mangle("___torch_mangle_[0-9]+\\.");
  return std::regex_replace(graph->toString(/*print_source_locations=*/false), mangle, "");
}

std::vector<torch::Tensor> ScriptedBackbone::block_buffers(int block) const {
  std::vector<torch::Tensor> out;
  for (const auto& b : blocks_.at(static_cast<size_t>(block)).buffers()) out.push_back(b);
  return out;
}

void ScriptedBackbone::set_block_training(int block, bool training) {
  blocks_.at(static_cast<size_t>(block)).train(training);
}

void ScriptedBackbone::to(const torch::Device& device) { module_.to(device); }

std::unique_ptr<Backbone> ScriptedBackbone::clone() const {
  // Module::clone copies tensors with an autograd-recorded clone(); without the
  // guard the copies would be non-leaf tensors that no optimizer can train.
  torch::jit::Module copied;
  {
    torch::NoGradGuard no_grad;
    copied = module_.clone();
  }
  for (auto p : copied.parameters()) p.requires_grad_(true);
  std::unique_ptr<ScriptedBackbone> copy(new ScriptedBackbone(copied, input_, feature_dim_));
  for (size_t b = 0; b < blocks_.size(); ++b) copy->blocks_[b].train(blocks_[b].is_training());
  return copy;
}

}  // namespace sweep
