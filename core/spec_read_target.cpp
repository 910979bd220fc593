// Reading a target from a sweep file: its dataset and classes, its split
// sizes, its shift chain, and a ladder of shift levels. See spec_json.h.
#include <algorithm>
#include <array>
#include <cstdio>

#include "core/catalog.h"
#include "core/spec_json.h"
#include "core/spec_read_form.h"

namespace sweep {
namespace {

using nlohmann::json;

// Reads "classes" of a data spec: ids or names for built-in datasets, folder names
// for image-folder.
void read_classes(ObjectReader& in, DataSpec& data) {
  const json* classes = in.find("classes");
  if (!classes) return;
  const DatasetInfo* info = builtin_dataset(data.kind);
  std::vector<std::string> paths;
  for_each_element(classes, in.path_of("classes"), in.diagnostics(), "classes",
                   [&](const json& item, const std::string& path) {
                     if (!info) {
                       if (auto name = read_string(item, path, in.diagnostics())) {
                         data.class_names.push_back(*name);
                         paths.push_back(path);
                       }
                       return;
                     }
                     const int n = static_cast<int>(info->class_names.size());
                     if (item.is_string()) {
                       const auto& names = info->class_names;
                       auto it = std::find(names.begin(), names.end(), item.get<std::string>());
                       if (it == names.end()) {
                         std::string message = "unknown class " + item.dump() + " of " +
                                               dataset_name(data.kind) + "; use an id from 0 to " +
                                               std::to_string(n - 1) + " or a class name";
                         if (auto near = closest_match(item.get<std::string>(), names)) {
                           message += "; did you mean " + quote(*near) + "?";
                         }
                         in.diagnostics().error(path, message);
                         return;
                       }
                       data.class_ids.push_back(static_cast<int>(it - names.begin()));
                       paths.push_back(path);
                       return;
                     }
                     if (!item.is_number_integer() && !item.is_number_unsigned()) {
                       in.diagnostics().error(
                           path, "expected a class id or name, got " + describe_json_type(item));
                       return;
                     }
                     const long long id = item.get<long long>();
                     if (id < 0 || id >= n) {
                       in.diagnostics().error(
                           path, "class id " + std::to_string(id) + " is out of range; " +
                                     dataset_name(data.kind) + " has classes 0 to " +
                                     std::to_string(n - 1));
                       return;
                     }
                     data.class_ids.push_back(static_cast<int>(id));
                     paths.push_back(path);
                   });
  if (info) {
    check_unique(data.class_ids, paths, in.diagnostics());
  } else {
    check_unique(data.class_names, paths, in.diagnostics());
  }
  if (classes->is_array() && classes->size() == 1) {
    in.diagnostics().error(in.path_of("classes"), "a single class; give at least two");
  }
}

// Train, validation and test must fit in what a built-in dataset has per class.
void check_budget(const TargetSpec& target, const std::string& path, Diagnostics& diag) {
  const DatasetInfo* info = builtin_dataset(target.data.kind);
  if (!info) return;  // image-folder: checked when the folder is read
  const std::string name = dataset_name(target.data.kind);
  const int train = target.train_per_class.value_or(0);
  if (info->test_pool_per_class > 0) {
    if (target.test_per_class > info->test_pool_per_class) {
      diag.error(json_pointer_child(path, "test_per_class"),
                 std::to_string(target.test_per_class) + " test images per class, but " + name +
                     " has " + std::to_string(info->test_pool_per_class) +
                     " per class in its test set; use at most " +
                     std::to_string(info->test_pool_per_class));
    }
    if (train + target.val_per_class > info->pool_per_class) {
      const std::string key = target.train_per_class ? "train_per_class" : "val_per_class";
      diag.error(json_pointer_child(path, key),
                 std::to_string(train) + " training + " + std::to_string(target.val_per_class) +
                     " validation images per class need " +
                     std::to_string(train + target.val_per_class) + ", but " + name + " has " +
                     std::to_string(info->pool_per_class) + " per class; use at most " +
                     std::to_string(std::max(0, info->pool_per_class - target.val_per_class)) +
                     " training images");
    }
    return;
  }
  const int need = train + target.val_per_class + target.test_per_class;
  if (need > info->pool_per_class || (!target.train_per_class && need >= info->pool_per_class)) {
    const std::string key = target.train_per_class ? "train_per_class" : "val_per_class";
    diag.error(json_pointer_child(path, key),
               std::to_string(train) + " training + " + std::to_string(target.val_per_class) +
                   " validation + " + std::to_string(target.test_per_class) +
                   " test images per class need " + std::to_string(need) + ", but " + name +
                   " has " + std::to_string(info->pool_per_class) + " per class; use at most " +
                   std::to_string(std::max(
                       0, info->pool_per_class - target.val_per_class - target.test_per_class)) +
                   " training images");
  }
}

// The range of each change's amount; `what` says what the amount is.
struct ShiftRange {
  ShiftKind kind;
  double min, max;  // min is exclusive (rotate: the magnitude's)
  const char* what;
};
constexpr std::array<ShiftRange, 6> kShiftRanges = {{
    {ShiftKind::kRotate, 0.0, 360.0, "degrees, counter-clockwise"},
    {ShiftKind::kInvert, 0.0, 1.0, "the fraction of images inverted"},
    {ShiftKind::kBlur, 0.0, 20.0, "the Gaussian's sigma in pixels"},
    {ShiftKind::kNoise, 0.0, 1.0, "the noise's standard deviation, 1 = the intensity range"},
    {ShiftKind::kContrast, 0.0, 0.99, "the fraction of contrast taken away"},
    {ShiftKind::kMix, 0.0, 1.0, "the weight of the blended image"},
}};

std::string shift_forms() {
  std::string forms;
  for (const ShiftRange& range : kShiftRanges) {
    if (!forms.empty()) forms += ", ";
    forms += "{\"" + std::string(shift_name(range.kind)) + "\": " + range.what + "}";
  }
  return forms;
}

std::string number_text(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

ShiftStep read_shift_step(const json& value, const std::string& path, Diagnostics& diag,
                          SpecForm form) {
  ObjectReader in(value, path, diag);
  ShiftStep step;
  std::vector<const ShiftRange*> named;
  for (const ShiftRange& range : kShiftRanges) {
    if (in.find(shift_name(range.kind))) named.push_back(&range);
  }
  if (named.size() != 1 && value.is_object()) {
    diag.error(path, named.empty() ? "a step names one change: " + shift_forms()
                                   : "a step names one change, this one names " +
                                         std::to_string(named.size()) +
                                         "; give each its own step, in the order to apply them");
  }
  if (named.size() == 1) {
    const ShiftRange& range = *named.front();
    step.kind = range.kind;
    const std::string key = shift_name(range.kind);
    const bool signed_amount = range.kind == ShiftKind::kRotate;
    const double lowest = signed_amount ? -range.max : range.min;
    if (auto amount = read_number(*in.find(key), in.path_of(key), diag, lowest, !signed_amount)) {
      step.amount = *amount;
      if (step.amount == 0.0 || step.amount > range.max) {
        diag.error(in.path_of(key),
                   "expected " + std::string(range.what) + ", " +
                       (signed_amount ? "not 0, from " + number_text(lowest) + " to "
                                      : "above 0 and at most ") +
                       number_text(range.max) + ", got " + number_text(step.amount));
      }
    }
    if (step.kind == ShiftKind::kMix) step.mix = read_data(in, form);
  }
  in.finish();
  return step;
}

std::vector<ShiftStep> read_shift(const json& value, const std::string& path, Diagnostics& diag,
                                  SpecForm form) {
  std::vector<ShiftStep> chain;
  for_each_element(&value, path, diag, "shift steps", [&](const json& item, const std::string& p) {
    chain.push_back(read_shift_step(item, p, diag, form));
  });
  return chain;
}

std::vector<double> read_levels(const json& value, const std::string& path, Diagnostics& diag) {
  std::vector<double> levels;
  std::vector<std::string> paths;
  for_each_element(&value, path, diag, "levels", [&](const json& item, const std::string& p) {
    if (auto level = read_number(item, p, diag, 0.0, false)) {
      if (*level > 1.0) {
        diag.error(p, "expected a level from 0 (the target as it is) to 1 (the whole shift), got " +
                          number_text(*level));
      }
      levels.push_back(*level);
      paths.push_back(p);
    }
  });
  check_unique(levels, paths, diag);
  std::vector<double> distinct;  // each level one target, however often it is listed
  for (double level : levels) {
    if (std::find(distinct.begin(), distinct.end(), level) == distinct.end()) {
      distinct.push_back(level);
    }
  }
  return distinct;
}

// The target at one level of its ladder: every amount scaled by the level
// (changes scaled to nothing are left out), named NAME@LEVEL.
TargetSpec at_level(const TargetSpec& target, double level) {
  TargetSpec out = target;
  const std::string text = number_text(level);
  out.name = target.name + "@" + text;
  out.similarity = (target.similarity.empty() ? "" : target.similarity + ", ") + "shift " + text;
  out.shift.clear();
  for (ShiftStep step : target.shift) {
    step.amount *= level;
    if (step.amount != 0.0) out.shift.push_back(step);
  }
  return out;
}

}  // namespace

DataSpec read_data(ObjectReader& in, SpecForm form) {
  DataSpec data;
  const json* dataset =
      in.require("dataset", "one of \"fashion-mnist\", \"opencv-digits\", \"image-folder\"");
  if (dataset) {
    auto name =
        read_choice(*dataset, in.path_of("dataset"), in.diagnostics(), dataset_names(), "dataset");
    if (name) {
      data.kind = *enum_from_name(
          *name,
          {DatasetKind::kFashionMnist, DatasetKind::kOpencvDigits, DatasetKind::kImageFolder},
          dataset_name);
    }
  }
  if (data.kind == DatasetKind::kImageFolder) {
    if (const json* path = in.require("path", "the folder that holds one sub-folder per class")) {
      data.path = read_string(*path, in.path_of("path"), in.diagnostics()).value_or("");
    }
    data.strict = in.bool_or("strict", false);
  } else {
    data.path = in.string_or("path", "");
  }
  read_classes(in, data);
  // Filled in by sweep from the files (content_digest.h); a sweep file may not set it.
  if (form == SpecForm::kCanonical) data.content_sha256 = in.string_or("content", "");
  return data;
}

TargetSpec read_target(const json& value, const std::string& path, Diagnostics& diag, SpecForm form,
                       std::vector<double>* levels) {
  ObjectReader in(value, path, diag);
  TargetSpec target;
  if (const json* name = in.require("name", "how reports refer to this target")) {
    target.name = read_name(*name, in.path_of("name"), diag).value_or("");
  }
  // An empty label is no label (the canonical form writes it so).
  if (const json* similarity = in.find("similarity"); similarity && *similarity != "") {
    target.similarity = read_name(*similarity, in.path_of("similarity"), diag).value_or("");
  }
  target.data = read_data(in, form);
  if (const json* train = in.find("train_per_class")) {
    if (auto n = read_integer(*train, in.path_of("train_per_class"), diag, 1, kMaxJsonInt)) {
      target.train_per_class = static_cast<int>(*n);
    }
  }
  target.val_per_class =
      static_cast<int>(in.integer_or("val_per_class", target.val_per_class, 1, kMaxJsonInt));
  target.test_per_class =
      static_cast<int>(in.integer_or("test_per_class", target.test_per_class, 1, kMaxJsonInt));
  target.sample_seed =
      static_cast<int>(in.integer_or("sample_seed", target.sample_seed, 0, kMaxJsonInt));
  if (const json* shift = in.find("shift"))
    target.shift = read_shift(*shift, in.path_of("shift"), diag, form);
  if (levels) {
    if (const json* list = in.find("levels")) {
      *levels = read_levels(*list, in.path_of("levels"), diag);
      if (target.shift.empty() && !levels->empty()) {
        diag.error(in.path_of("levels"),
                   "levels of no shift; give the target a \"shift\" to scale");
      }
    }
  }
  in.finish();
  check_budget(target, path, diag);
  return target;
}

void read_targets(const json& value, const std::string& path, Diagnostics& diag,
                  std::vector<TargetSpec>& targets, std::vector<std::string>& paths) {
  std::vector<double> levels;
  const TargetSpec target = read_target(value, path, diag, SpecForm::kSweepFile, &levels);
  if (levels.empty()) {
    targets.push_back(target);
    paths.push_back(path);
    return;
  }
  for (double level : levels) {
    targets.push_back(at_level(target, level));
    paths.push_back(path);
    if (targets.back().name.size() > kMaxNameBytes) {
      diag.error(json_pointer_child(path, "name"),
                 "with its levels the name grows to " + std::to_string(targets.back().name.size()) +
                     " bytes, above the " + std::to_string(kMaxNameBytes) + " a name may hold");
    }
  }
}

TargetSpec read_canonical_target(const json& value, const std::string& path, Diagnostics& diag) {
  return read_target(value, path, diag, SpecForm::kCanonical, nullptr);
}

}  // namespace sweep
