#include "experiments/models/resnet.h"

#include "core/errors.h"

namespace sweep {
namespace {

namespace nn = torch::nn;

nn::Conv2d conv3x3(int64_t in, int64_t out, int64_t stride) {
  return nn::Conv2d(nn::Conv2dOptions(in, out, 3).stride(stride).padding(1).bias(false));
}

// Two 3x3 convolutions with a residual connection; a 1x1 projection on the
// shortcut when the shape changes.
class BasicBlockImpl : public nn::Module {
 public:
  BasicBlockImpl(int64_t in, int64_t out, int64_t stride)
      : conv1_(register_module("conv1", conv3x3(in, out, stride))),
        bn1_(register_module("bn1", nn::BatchNorm2d(out))),
        conv2_(register_module("conv2", conv3x3(out, out, 1))),
        bn2_(register_module("bn2", nn::BatchNorm2d(out))) {
    if (stride != 1 || in != out) {
      shortcut_ = register_module(
          "shortcut",
          nn::Sequential(nn::Conv2d(nn::Conv2dOptions(in, out, 1).stride(stride).bias(false)),
                         nn::BatchNorm2d(out)));
    }
  }

  torch::Tensor forward(const torch::Tensor& x) {
    torch::Tensor y = torch::relu(bn1_(conv1_(x)));
    y = bn2_(conv2_(y));
    return torch::relu(y + (shortcut_ ? shortcut_->forward(x) : x));
  }

 private:
  nn::Conv2d conv1_;
  nn::BatchNorm2d bn1_;
  nn::Conv2d conv2_;
  nn::BatchNorm2d bn2_;
  nn::Sequential shortcut_{nullptr};
};
TORCH_MODULE(BasicBlock);

}  // namespace

// The network: one registered Sequential per block, in forward order.
class ResNetModuleImpl : public nn::Module {
 public:
  ResNetModuleImpl(const BuiltinArch& arch, int64_t width, int64_t channels) {
    blocks.push_back(register_module(
        "stem", nn::Sequential(conv3x3(channels, width, 1), nn::BatchNorm2d(width), nn::ReLU())));
    int64_t in = width;
    for (size_t s = 0; s < arch.blocks_per_stage.size(); ++s) {
      const int64_t out = width << s;
      nn::Sequential stage;
      for (int b = 0; b < arch.blocks_per_stage[s]; ++b) {
        stage->push_back(BasicBlock(in, out, b == 0 && s > 0 ? 2 : 1));
        in = out;
      }
      blocks.push_back(register_module("stage" + std::to_string(s + 1), stage));
    }
    for (auto& module : modules(/*include_self=*/false)) {
      if (auto* conv = module->as<nn::Conv2d>()) {
        nn::init::kaiming_normal_(conv->weight, 0.0, torch::kFanOut, torch::kReLU);
      }
    }
  }

  std::vector<nn::Sequential> blocks;
};

ResNetBackbone::ResNetBackbone(const BuiltinArch& arch, int width, InputSpec input)
    : arch_(arch),
      width_(width),
      input_(std::move(input)),
      net_(std::make_shared<ResNetModuleImpl>(arch, width, input_.channels)) {}

int ResNetBackbone::num_blocks() const { return static_cast<int>(net_->blocks.size()); }

std::vector<std::string> ResNetBackbone::block_names() const {
  std::vector<std::string> names;
  for (const auto& child : net_->named_children()) names.push_back(child.key());
  return names;
}

torch::Tensor ResNetBackbone::forward(const torch::Tensor& x, int begin, int end) {
  torch::Tensor y = x;
  for (int b = begin; b < end; ++b) y = net_->blocks[static_cast<size_t>(b)]->forward(y);
  return y;
}

std::vector<torch::Tensor> ResNetBackbone::block_parameters(int block) const {
  return net_->blocks.at(static_cast<size_t>(block))->parameters();
}

std::vector<torch::Tensor> ResNetBackbone::block_buffers(int block) const {
  return net_->blocks.at(static_cast<size_t>(block))->buffers();
}

void ResNetBackbone::set_block_training(int block, bool training) {
  net_->blocks.at(static_cast<size_t>(block))->train(training);
}

void ResNetBackbone::to(const torch::Device& device) { net_->to(device); }

std::unique_ptr<Backbone> ResNetBackbone::clone() const {
  auto copy = std::make_unique<ResNetBackbone>(arch_, width_, input_);
  torch::NoGradGuard no_grad;
  const auto source = net_->named_parameters();
  for (auto& p : copy->net_->named_parameters()) p.value().copy_(source[p.key()]);
  const auto source_buffers = net_->named_buffers();
  for (auto& b : copy->net_->named_buffers()) b.value().copy_(source_buffers[b.key()]);
  copy->net_->train(net_->is_training());
  for (int b = 0; b < num_blocks(); ++b) {
    copy->set_block_training(b, net_->blocks[static_cast<size_t>(b)]->is_training());
  }
  if (!source.is_empty()) copy->net_->to(source[0].value().device());
  return copy;
}

void ResNetBackbone::save(std::ostream& out) const {
  torch::serialize::OutputArchive archive;
  net_->save(archive);
  archive.save_to(out);
}

void ResNetBackbone::load(const std::string& path) {
  const std::string expected = "not weights of a " + arch_.name + " of width " +
                               std::to_string(width_) + " and " + std::to_string(input_.channels) +
                               " input channel(s)";
  // Module::load takes tensors of any shape, so shapes are compared afterwards.
  std::vector<std::vector<int64_t>> shapes;
  for (const auto& t : net_->named_parameters()) shapes.push_back(t.value().sizes().vec());
  for (const auto& t : net_->named_buffers()) shapes.push_back(t.value().sizes().vec());
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(path);
    net_->load(archive);
  } catch (const c10::Error& e) {
    throw RuntimeError(path + ": " + expected + ": " + e.what_without_backtrace());
  }
  size_t i = 0;
  for (const auto& t : net_->named_parameters()) {
    if (t.value().sizes().vec() != shapes[i++]) throw RuntimeError(path + ": " + expected);
  }
  for (const auto& t : net_->named_buffers()) {
    if (t.value().sizes().vec() != shapes[i++]) throw RuntimeError(path + ": " + expected);
  }
}

}  // namespace sweep
