// JSON -> spec types, with validation. See spec_json.h.
#include <algorithm>
#include <limits>
#include <set>

#include "core/catalog.h"
#include "core/spec_json.h"
#include "core/spec_read_form.h"

namespace sweep {
namespace {

using nlohmann::json;

std::vector<std::string> optimizer_names() {
  return {optimizer_name(OptimizerKind::kSgd), optimizer_name(OptimizerKind::kAdam),
          optimizer_name(OptimizerKind::kAdamW)};
}

std::vector<std::string> schedule_names() {
  return {schedule_name(ScheduleKind::kConstant), schedule_name(ScheduleKind::kCosine),
          schedule_name(ScheduleKind::kStep)};
}

std::vector<std::string> augment_names() {
  return {augment_name(AugmentKind::kNone), augment_name(AugmentKind::kCrop),
          augment_name(AugmentKind::kCropFlip)};
}

std::vector<std::string> precision_names() {
  return {precision_name(PrecisionKind::kFp32), precision_name(PrecisionKind::kBf16),
          precision_name(PrecisionKind::kFp16), precision_name(PrecisionKind::kAuto)};
}

PretrainSpec read_pretrain(const json& value, const std::string& path, Diagnostics& diag,
                           SpecForm form) {
  ObjectReader in(value, path, diag);
  PretrainSpec pretrain;
  pretrain.data = read_data(in, form);
  pretrain.per_class =
      static_cast<int>(in.integer_or("per_class", pretrain.per_class, 1, kMaxJsonInt));
  pretrain.epochs = static_cast<int>(in.integer_or("epochs", pretrain.epochs, 1, 1000));
  pretrain.batch_size =
      static_cast<int>(in.integer_or("batch_size", pretrain.batch_size, 1, 65536));
  pretrain.lr = in.number_or("lr", pretrain.lr, 0.0, true);
  pretrain.weight_decay = in.number_or("weight_decay", pretrain.weight_decay, 0.0, false);
  pretrain.seed = static_cast<int>(in.integer_or("seed", pretrain.seed, 0, kMaxJsonInt));
  in.finish();
  if (const DatasetInfo* info = builtin_dataset(pretrain.data.kind)) {
    if (pretrain.per_class > info->pool_per_class) {
      diag.error(json_pointer_child(path, "per_class"),
                 std::to_string(pretrain.per_class) + " images per class, but " +
                     dataset_name(pretrain.data.kind) + " has " +
                     std::to_string(info->pool_per_class) + " per class; use at most " +
                     std::to_string(info->pool_per_class));
    }
  }
  return pretrain;
}

template <typename T, typename ReadOne>
std::vector<T> read_list(const json* value, const std::string& path, Diagnostics& diag,
                         const std::string& what, ReadOne read_one) {
  std::vector<T> values;
  std::vector<std::string> paths;
  for_each_element(value, path, diag, what, [&](const json& item, const std::string& item_path) {
    if (auto v = read_one(item, item_path)) {
      values.push_back(*v);
      paths.push_back(item_path);
    }
  });
  check_unique(values, paths, diag);
  return values;
}

// "seeds": {"min": 2, "max": 6}: seeds 0..min-1 in every cell, up to max where
// a verdict hinges on the cell.
void read_adaptive_seeds(const json& value, const std::string& path, Diagnostics& diag,
                         GridSpec& grid) {
  ObjectReader in(value, path, diag);
  const json* min = in.require("min", "seeds every cell runs, at least 2");
  const json* max = in.require("max", "the most seeds a cell may get");
  const auto low = min ? read_integer(*min, in.path_of("min"), diag, 2, 1000) : std::nullopt;
  const auto high = max ? read_integer(*max, in.path_of("max"), diag, 2, 1000) : std::nullopt;
  in.finish();
  if (!low || !high) return;
  const int first = static_cast<int>(low.value_or(0)), most = static_cast<int>(high.value_or(0));
  if (most < first) {
    diag.error(in.path_of("max"), "expected at least min (" + std::to_string(first) + "), got " +
                                      std::to_string(most));
    return;
  }
  for (int i = 0; i < first; ++i) grid.seeds.push_back(i);
  grid.max_seeds = most;
}

HalvingSpec read_halving(const json& value, const std::string& path, Diagnostics& diag) {
  ObjectReader in(value, path, diag);
  HalvingSpec halving;
  if (const json* rungs = in.find("rungs")) {
    const std::string where = in.path_of("rungs");
    halving.rungs = read_list<double>(
        rungs, where, diag, "rungs (fractions of the epochs)",
        [&diag](const json& item, const std::string& p) -> std::optional<double> {
          const auto v = read_number(item, p, diag, 0.0, true);
          if (v && (*v < kMinRung || *v >= 1.0)) {
            diag.error(p, "expected a fraction of the epochs from " + json(kMinRung).dump() +
                              " up to 1 (earlier rungs favour small learning rates), got " +
                              json(*v).dump());
            return std::nullopt;
          }
          return v;
        });
    for (size_t i = 1; i < halving.rungs.size(); ++i) {
      if (halving.rungs[i] <= halving.rungs[i - 1])
        diag.error(json_pointer_child(where, i), "rungs must be in ascending order");
    }
  }
  halving.keep = in.number_or("keep", halving.keep, 0.0, true);
  if (halving.keep < kMinKeep || halving.keep >= 1.0) {
    diag.error(in.path_of("keep"),
               "expected the fraction of learning rates that go on at a rung, "
               "from " +
                   json(kMinKeep).dump() + " up to 1, got " + json(halving.keep).dump());
  }
  in.finish();
  return halving;
}

GridSpec read_grid(const json& value, const std::string& path, Diagnostics& diag) {
  ObjectReader in(value, path, diag);
  GridSpec grid;
  auto integers = [&diag](long long min, long long max) {
    return [&diag, min, max](const json& item, const std::string& p) -> std::optional<int> {
      auto v = read_integer(item, p, diag, min, max);
      if (!v) return std::nullopt;
      return static_cast<int>(*v);
    };
  };
  auto numbers = [&diag](double min, bool exclusive) {
    return [&diag, min, exclusive](const json& item, const std::string& p) {
      return read_number(item, p, diag, min, exclusive);
    };
  };
  grid.unfrozen = read_list<Depth>(
      in.require("unfrozen", "block counts to train, 0 = head only, \"all\" = full fine-tuning"),
      in.path_of("unfrozen"), diag, "block counts",
      [&diag](const json& item, const std::string& p) -> std::optional<Depth> {
        return read_depth(item, p, diag);
      });
  grid.lr = read_list<double>(in.require("lr", "learning rates, e.g. [0.01, 0.1]"),
                              in.path_of("lr"), diag, "learning rates", numbers(0.0, true));
  const json* seeds = in.find("seeds");
  const json* repeats = in.find("repeats");
  if (seeds && repeats) {
    diag.error(in.path_of("repeats"), "give either \"seeds\" or \"repeats\", not both");
  } else if (seeds && seeds->is_object()) {
    read_adaptive_seeds(*seeds, in.path_of("seeds"), diag, grid);
  } else if (seeds) {
    grid.seeds =
        read_list<int>(seeds, in.path_of("seeds"), diag, "seeds", integers(0, kMaxJsonInt));
  } else if (repeats) {
    auto n = read_integer(*repeats, in.path_of("repeats"), diag, 1, 1000);
    for (int i = 0; i < n.value_or(0); ++i) grid.seeds.push_back(i);
  } else {
    grid.seeds = {0};
  }
  if (const json* v = in.find("weight_decay")) {
    grid.weight_decay = read_list<double>(v, in.path_of("weight_decay"), diag, "weight decays",
                                          numbers(0.0, false));
  }
  if (const json* v = in.find("strategies")) {
    for_each_element(v, in.path_of("strategies"), diag, "strategies",
                     [&](const json& item, const std::string& p) {
                       grid.strategies.push_back(read_strategy(item, p, diag));
                     });
  }
  if (const json* v = in.find("batch_size")) {
    grid.batch_size =
        read_list<int>(v, in.path_of("batch_size"), diag, "batch sizes", integers(1, 65536));
  }
  if (const json* v = in.find("epochs")) {
    grid.epochs = read_list<int>(v, in.path_of("epochs"), diag, "epoch counts", integers(1, 10000));
  }
  in.finish();
  return grid;
}

// Names must be unique within their list; every trial and report row carries them.
// `paths`: the JSON path of each item's entry.
template <typename T>
void check_names(const std::vector<T>& items, const std::vector<std::string>& paths,
                 Diagnostics& diag) {
  std::vector<std::string> names;
  std::vector<std::string> name_paths;
  for (size_t i = 0; i < items.size(); ++i) {
    names.push_back(items[i].name);
    name_paths.push_back(json_pointer_child(paths[i], "name"));
  }
  check_unique(names, name_paths, diag);
}

}  // namespace

std::optional<Depth> read_depth(const json& item, const std::string& path, Diagnostics& diag) {
  if (item.is_string() && item.get<std::string>() == "all") return Depth{0, true};
  if (item.is_number_integer() || item.is_number_unsigned()) {
    auto n = read_integer(item, path, diag, 0, 1000);
    if (!n) return std::nullopt;
    return Depth{static_cast<int>(*n), false};
  }
  diag.error(path, "expected a block count (0 = head only) or \"all\", got " +
                       (item.is_string() ? item.dump() : describe_json_type(item)));
  return std::nullopt;
}

void check_depths(const SweepSpec& spec, Diagnostics& diag) {
  for (const auto& backbone : spec.backbones) {
    // Unknown until known: a TorchScript file not read yet, an architecture
    // already reported as unknown.
    const BuiltinArch* arch = find_builtin_arch(backbone.arch);
    const int blocks = backbone.is_torchscript() ? backbone.blocks
                       : arch                    ? builtin_block_count(*arch)
                                                 : 0;
    if (blocks == 0) continue;
    const std::string kind = backbone.is_torchscript() ? "TorchScript" : backbone.arch;
    for (size_t i = 0; i < spec.grid.unfrozen.size(); ++i) {
      const Depth& depth = spec.grid.unfrozen[i];
      const std::string path = json_pointer_child("/grid/unfrozen", i);
      if (!depth.all && depth.blocks > blocks) {
        diag.error(path, std::to_string(depth.blocks) + " blocks, but backbone " +
                             quote(backbone.name) + " (" + kind + ") has " +
                             std::to_string(blocks) + "; use at most " + std::to_string(blocks) +
                             ", or \"all\"");
      }
      if (depth.all) {
        for (size_t j = 0; j < spec.grid.unfrozen.size(); ++j) {
          if (spec.grid.unfrozen[j] == Depth{blocks, false}) {
            diag.error(path, "\"all\" is " + std::to_string(blocks) + " blocks for backbone " +
                                 quote(backbone.name) + ", which " +
                                 json_pointer_child("/grid/unfrozen", j) + " already lists");
          }
        }
      }
    }
    check_strategies(spec.grid.strategies, blocks, backbone.name + " (" + kind + ")", diag);
  }
}

namespace {

BackboneSpec read_backbone(const json& value, const std::string& path, Diagnostics& diag,
                           SpecForm form) {
  const bool canonical = form == SpecForm::kCanonical;
  ObjectReader in(value, path, diag);
  BackboneSpec backbone;
  if (const json* name = in.require("name", "how reports refer to this backbone")) {
    backbone.name = read_name(*name, in.path_of("name"), diag).value_or("");
  }
  if (const json* file = in.find("torchscript")) {
    backbone.torchscript = read_string(*file, in.path_of("torchscript"), diag).value_or("");
    if (file->is_string() && backbone.torchscript.empty()) {
      diag.error(in.path_of("torchscript"), "empty path");
    }
    if (canonical) {
      backbone.content_sha256 = in.string_or("sha256", "");
      backbone.blocks = static_cast<int>(in.integer_or("blocks", 0, 1, 100000));
      backbone.channels = static_cast<int>(in.integer_or("channels", 0, 1, 3));
      backbone.image_size = static_cast<int>(in.integer_or("image_size", 0, 8, 4096));
    }
    for (const char* key : {"arch", "width", "channels", "image_size", "pretrain"}) {
      if (!canonical && in.find(key)) {
        diag.error(in.path_of(key), std::string("only built-in backbones take \"") + key +
                                        "\"; a TorchScript backbone brings its own (see its "
                                        "metadata file)");
      }
    }
    in.finish();
    return backbone;
  }
  backbone.arch = in.choice_or("arch", backbone.arch, builtin_arch_names(), "architecture");
  backbone.width = static_cast<int>(in.integer_or("width", backbone.width, 1, 1024));
  backbone.channels = static_cast<int>(in.integer_or("channels", backbone.channels, 1, 3));
  backbone.image_size = static_cast<int>(in.integer_or("image_size", backbone.image_size, 8, 1024));
  if (const json* pretrain = in.require(
          "pretrain", "the source dataset the backbone learns from, or \"torchscript\": a file")) {
    backbone.pretrain = read_pretrain(*pretrain, in.path_of("pretrain"), diag, form);
  }
  in.finish();
  return backbone;
}

}  // namespace

BackboneSpec read_canonical_backbone(const json& value, const std::string& path,
                                     Diagnostics& diag) {
  return read_backbone(value, path, diag, SpecForm::kCanonical);
}

TrainingRecipe read_recipe(const json& value, const std::string& path, Diagnostics& diag) {
  ObjectReader in(value, path, diag);
  TrainingRecipe recipe;
  recipe.epochs = static_cast<int>(in.integer_or("epochs", recipe.epochs, 1, 10000));
  recipe.batch_size = static_cast<int>(in.integer_or("batch_size", recipe.batch_size, 1, 65536));
  const std::string optimizer =
      in.choice_or("optimizer", optimizer_name(recipe.optimizer), optimizer_names(), "optimizer");
  recipe.optimizer =
      *enum_from_name(optimizer, {OptimizerKind::kSgd, OptimizerKind::kAdam, OptimizerKind::kAdamW},
                      optimizer_name);
  recipe.momentum = in.number_or("momentum", recipe.momentum, 0.0, false);
  if (recipe.momentum >= 1.0) {
    diag.error(in.path_of("momentum"),
               "expected a momentum below 1, got " + json(recipe.momentum).dump());
  }
  const std::string schedule =
      in.choice_or("schedule", schedule_name(recipe.schedule), schedule_names(), "schedule");
  recipe.schedule = *enum_from_name(
      schedule, {ScheduleKind::kConstant, ScheduleKind::kCosine, ScheduleKind::kStep},
      schedule_name);
  recipe.weight_decay = in.number_or("weight_decay", recipe.weight_decay, 0.0, false);
  recipe.image_size = static_cast<int>(in.integer_or("image_size", recipe.image_size, 0, 1024));
  if (recipe.image_size > 0 && recipe.image_size < 8) {
    diag.error(in.path_of("image_size"), "expected 0 (the backbone's size) or at least 8, got " +
                                             std::to_string(recipe.image_size));
  }
  recipe.probe_epochs =
      static_cast<int>(in.integer_or("probe_epochs", recipe.probe_epochs, 1, 100000));
  const std::string augment =
      in.choice_or("augment", augment_name(recipe.augment), augment_names(), "augmentation");
  recipe.augment = *enum_from_name(
      augment, {AugmentKind::kNone, AugmentKind::kCrop, AugmentKind::kCropFlip}, augment_name);
  recipe.augment_views =
      static_cast<int>(in.integer_or("augment_views", recipe.augment_views, 0, kMaxAugmentViews));
  if (recipe.augment_views > 0 && recipe.augment == AugmentKind::kNone) {
    diag.error(in.path_of("augment_views"),
               "views of augmented images need \"augment\": \"crop\" or \"crop-flip\" beside "
               "them; remove \"augment_views\" or set \"augment\"");
  }
  const std::string precision =
      in.choice_or("precision", precision_name(recipe.precision), precision_names(), "precision");
  recipe.precision = *enum_from_name(
      precision,
      {PrecisionKind::kFp32, PrecisionKind::kBf16, PrecisionKind::kFp16, PrecisionKind::kAuto},
      precision_name);
  recipe.validate_every =
      static_cast<int>(in.integer_or("validate_every", recipe.validate_every, 0, 10000));
  in.finish();
  return recipe;
}

namespace {

SweepSpec read_sweep(const json& value, Diagnostics& diag, SpecForm form) {
  ObjectReader in(value, "", diag);
  SweepSpec spec;
  if (const json* name = in.require("name", "the sweep's name, e.g. \"cats_vs_buildings\"")) {
    spec.name = read_name(*name, in.path_of("name"), diag).value_or("");
  }
  spec.description = in.string_or("description", "");
  for_each_element(in.require("backbones", "a list of backbones to compare"),
                   in.path_of("backbones"), diag, "backbones",
                   [&](const json& item, const std::string& p) {
                     spec.backbones.push_back(read_backbone(item, p, diag, form));
                   });
  for_each_element(in.require("targets", "a list of target datasets"), in.path_of("targets"), diag,
                   "targets", [&](const json& item, const std::string& p) {
                     if (form == SpecForm::kSweepFile) {
                       read_targets(item, p, diag, spec.targets, spec.target_paths);
                       return;
                     }
                     spec.targets.push_back(read_target(item, p, diag, form, nullptr));
                     spec.target_paths.push_back(p);
                   });
  if (const json* grid = in.require("grid", "the axes: unfrozen, lr, seeds")) {
    spec.grid = read_grid(*grid, in.path_of("grid"), diag);
  }
  if (const json* training = in.find("training")) {
    spec.training = read_recipe(*training, in.path_of("training"), diag);
  }
  if (const json* halving = in.find("halving")) {
    spec.halving = read_halving(*halving, in.path_of("halving"), diag);
  }
  if (const json* price = in.find("price_per_device_hour")) {
    spec.price_per_device_hour =
        read_number(*price, in.path_of("price_per_device_hour"), diag, 0.0, false);
  }
  in.finish();
  std::vector<std::string> backbone_paths;
  for (size_t i = 0; i < spec.backbones.size(); ++i) {
    backbone_paths.push_back(json_pointer_child("/backbones", i));
  }
  check_names(spec.backbones, backbone_paths, diag);
  check_names(spec.targets, spec.target_paths, diag);
  check_depths(spec, diag);
  return spec;
}

}  // namespace

SweepSpec read_sweep_file(const json& value, Diagnostics& diag) {
  return read_sweep(value, diag, SpecForm::kSweepFile);
}

SweepSpec read_canonical_sweep(const json& value, Diagnostics& diag) {
  return read_sweep(value, diag, SpecForm::kCanonical);
}

TrialSpec read_trial(const json& value, Diagnostics& diag) {
  ObjectReader in(value, "", diag);
  TrialSpec trial;
  if (const json* v = in.require("backbone", "the backbone")) {
    trial.backbone = read_canonical_backbone(*v, in.path_of("backbone"), diag);
  }
  if (const json* v = in.require("target", "the target")) {
    trial.target = read_canonical_target(*v, in.path_of("target"), diag);
  }
  if (const json* v = in.require("training", "the recipe")) {
    trial.recipe = read_recipe(*v, in.path_of("training"), diag);
  }
  trial.blocks = static_cast<int>(in.integer_or("blocks", 0, 1, 1000));
  trial.unfrozen = static_cast<int>(in.integer_or("unfrozen", 0, 0, trial.blocks));
  if (const json* v = in.require("lr", "the learning rate")) {
    trial.lr = read_number(*v, in.path_of("lr"), diag, 0.0, true).value_or(0.0);
  }
  trial.seed = static_cast<int>(in.integer_or("seed", 0, 0, kMaxJsonInt));
  if (const json* v = in.find("strategy")) {
    trial.strategy = read_strategy(*v, in.path_of("strategy"), diag);
  }
  in.finish();
  return trial;
}

}  // namespace sweep
