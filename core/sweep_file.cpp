#include "core/sweep_file.h"

#include <filesystem>

#include "core/errors.h"
#include "core/read_file.h"
#include "core/spec_json.h"

namespace sweep {
namespace {

// nlohmann's message reads "[json.exception.parse_error.101] parse error at line
// 3, column 14: syntax error while parsing ..."; keep only what follows the place.
std::string syntax_message(const nlohmann::json::parse_error& error) {
  const std::string what = error.what();
  const std::string marker = ": ";
  const size_t at = what.find("column ");
  const size_t start = at == std::string::npos ? std::string::npos : what.find(marker, at);
  return start == std::string::npos ? what : what.substr(start + marker.size());
}

// 1-based line and column of a byte offset.
std::string place(const std::string& text, size_t offset) {
  size_t line = 1, column = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return std::to_string(line) + ":" + std::to_string(column);
}

}  // namespace

SweepSpec parse_sweep_text(const std::string& text, const std::string& source) {
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& error) {
    // error.byte is one past the offending character.
    const size_t offset = error.byte > 0 ? error.byte - 1 : 0;
    throw InputError(source + ":" + place(text, offset) +
                     ": invalid JSON: " + syntax_message(error));
  } catch (const nlohmann::json::out_of_range& error) {
    // 406, "number overflow parsing '1e999'": a number no double holds. The
    // message gives the number but not where it is.
    const std::string what = error.what();
    const size_t open = what.find('\''), close = what.rfind('\'');
    const std::string number = open < close ? what.substr(open + 1, close - open - 1) : "";
    const size_t at = number.empty() ? std::string::npos : text.find(number);
    throw InputError(source + (at == std::string::npos ? "" : ":" + place(text, at)) +
                     ": invalid JSON: the number " + number +
                     " is out of range (numbers must fit a double: at most about 1.8e308)");
  }
  Diagnostics diag(source);
  SweepSpec spec = read_sweep_file(document, diag);
  diag.throw_if_any();
  return spec;
}

SweepSpec load_sweep_file(const std::string& path) {
  const std::optional<std::string> text = read_file(path);
  if (!text) throw InputError(path + ": cannot read the sweep file (does it exist?)");
  SweepSpec spec = parse_sweep_text(*text, path);
  const std::filesystem::path folder = std::filesystem::absolute(path).parent_path();
  const auto resolve = [&folder](std::string& p) {
    if (!p.empty() && std::filesystem::path(p).is_relative()) {
      p = (folder / p).lexically_normal().string();
    }
  };
  for (BackboneSpec& backbone : spec.backbones) {
    resolve(backbone.torchscript);
    resolve(backbone.pretrain.data.path);
  }
  for (TargetSpec& target : spec.targets) resolve(target.data.path);
  return spec;
}

}  // namespace sweep
