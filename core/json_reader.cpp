#include "core/json_reader.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

#include "core/errors.h"

namespace sweep {
namespace {

using nlohmann::json;

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      const size_t substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({above + 1, row[j - 1] + 1, substitution});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string format_number(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

// "got a string" or, for scalars, "got -3".
std::string got(const json& v) {
  if (v.is_number() || v.is_boolean()) return "got " + v.dump();
  if (v.is_string()) return "got " + v.dump();
  return "got " + describe_json_type(v);
}

}  // namespace

void Diagnostics::error(const std::string& path, const std::string& message) {
  std::string line = source_ + ": " + (path.empty() ? "/" : path) + ": " + message;
  // One entry of a sweep file can stand for several values (a target's levels):
  // what is wrong with it is said once.
  if (std::find(messages_.begin(), messages_.end(), line) == messages_.end()) {
    messages_.push_back(std::move(line));
  }
}

void Diagnostics::throw_if_any() const {
  if (!messages_.empty()) throw InputError(messages_);
}

std::string quote(const std::string& text) { return json(text).dump(); }

std::string describe_json_type(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::object:
      return "an object";
    case json::value_t::array:
      return "an array";
    case json::value_t::string:
      return "a string";
    case json::value_t::boolean:
      return "true/false";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "an integer";
    case json::value_t::number_float:
      return "a number";
    default:
      return "an unsupported value";
  }
}

std::string json_pointer_child(const std::string& path, const std::string& key) {
  std::string escaped;
  for (char c : key) {
    if (c == '~') {
      escaped += "~0";
    } else if (c == '/') {
      escaped += "~1";
    } else {
      escaped += c;
    }
  }
  return path + "/" + escaped;
}

std::string json_pointer_child(const std::string& path, size_t index) {
  return path + "/" + std::to_string(index);
}

std::optional<std::string> closest_match(const std::string& word,
                                         const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  size_t best_distance = std::max<size_t>(2, word.size() / 3) + 1;
  for (const auto& candidate : candidates) {
    const size_t d = edit_distance(word, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

std::optional<std::string> read_string(const json& v, const std::string& path, Diagnostics& diag) {
  if (!v.is_string()) {
    diag.error(path, "expected a string, " + got(v));
    return std::nullopt;
  }
  return v.get<std::string>();
}

std::optional<std::string> read_name(const json& v, const std::string& path, Diagnostics& diag) {
  std::optional<std::string> name = read_string(v, path, diag);
  if (!name) return std::nullopt;
  if (name->find_first_not_of(" \t\n\r\f\v") == std::string::npos) {
    diag.error(path, "empty name: a name needs at least one visible character");
    return std::nullopt;
  }
  for (size_t i = 0; i < name->size(); ++i) {
    const auto byte = static_cast<unsigned char>((*name)[i]);
    const auto next = i + 1 < name->size() ? static_cast<unsigned char>((*name)[i + 1]) : 0;
    // C1 codes (U+0080 to U+009F) are 0xC2 0x80 to 0xC2 0x9F in UTF-8.
    const bool c1 = byte == 0xC2 && next >= 0x80 && next <= 0x9F;
    if (byte < 0x20 || byte == 0x7F || c1) {
      char code[8];
      std::snprintf(code, sizeof code, "U+%04X", c1 ? next : byte);
      diag.error(path, std::string("the name holds the control character ") + code + " at byte " +
                           std::to_string(i) + "; names are printable text");
      return std::nullopt;
    }
  }
  if (name->size() > kMaxNameBytes) {
    diag.error(path, "the name is " + std::to_string(name->size()) + " bytes long; at most " +
                         std::to_string(kMaxNameBytes));
    return std::nullopt;
  }
  return name;
}

std::optional<long long> read_integer(const json& v, const std::string& path, Diagnostics& diag,
                                      long long min, long long max) {
  const bool integral_float = v.is_number_float() && std::isfinite(v.get<double>()) &&
                              std::floor(v.get<double>()) == v.get<double>();
  if (!v.is_number_integer() && !v.is_number_unsigned() && !integral_float) {
    diag.error(path, "expected an integer, " + got(v));
    return std::nullopt;
  }
  const double as_double = v.get<double>();
  if (as_double < static_cast<double>(min) || as_double > static_cast<double>(max)) {
    std::string range = max == std::numeric_limits<long long>::max()
                            ? ">= " + std::to_string(min)
                            : "from " + std::to_string(min) + " to " + std::to_string(max);
    diag.error(path, "expected an integer " + range + ", " + got(v));
    return std::nullopt;
  }
  return static_cast<long long>(as_double);
}

std::optional<double> read_number(const json& v, const std::string& path, Diagnostics& diag,
                                  double min, bool exclusive_min) {
  if (!v.is_number()) {
    diag.error(path, "expected a number, " + got(v));
    return std::nullopt;
  }
  const double value = v.get<double>();
  if (!std::isfinite(value) || value < min || (exclusive_min && value == min)) {
    diag.error(path, std::string("expected a number ") + (exclusive_min ? "> " : ">= ") +
                         format_number(min) + ", " + got(v));
    return std::nullopt;
  }
  return value;
}

std::optional<bool> read_bool(const json& v, const std::string& path, Diagnostics& diag) {
  if (!v.is_boolean()) {
    diag.error(path, "expected true or false, " + got(v));
    return std::nullopt;
  }
  return v.get<bool>();
}

std::optional<std::string> read_choice(const json& v, const std::string& path, Diagnostics& diag,
                                       const std::vector<std::string>& choices,
                                       const std::string& what) {
  auto text = read_string(v, path, diag);
  if (!text) return std::nullopt;
  if (std::find(choices.begin(), choices.end(), *text) != choices.end()) return text;
  std::string message = "unknown " + what + " " + quote(*text) + "; expected one of ";
  for (size_t i = 0; i < choices.size(); ++i) message += (i ? ", " : "") + quote(choices[i]);
  if (auto near = closest_match(*text, choices)) message += "; did you mean " + quote(*near) + "?";
  diag.error(path, message);
  return std::nullopt;
}

ObjectReader::ObjectReader(const json& value, std::string path, Diagnostics& diag)
    : object_(value.is_object() ? &value : nullptr), path_(std::move(path)), diag_(diag) {
  if (!object_) diag_.error(path_, "expected an object, " + got(value));
}

const json* ObjectReader::find(const std::string& key) {
  known_.push_back(key);
  if (!object_) return nullptr;
  auto it = object_->find(key);
  return it == object_->end() ? nullptr : &*it;
}

const json* ObjectReader::require(const std::string& key, const std::string& hint) {
  const json* value = find(key);
  if (!value && object_) diag_.error(path_, "missing key " + quote(key) + " (" + hint + ")");
  return value;
}

std::string ObjectReader::string_or(const std::string& key, const std::string& fallback) {
  const json* v = find(key);
  if (!v) return fallback;
  return read_string(*v, path_of(key), diag_).value_or(fallback);
}

long long ObjectReader::integer_or(const std::string& key, long long fallback, long long min,
                                   long long max) {
  const json* v = find(key);
  if (!v) return fallback;
  return read_integer(*v, path_of(key), diag_, min, max).value_or(fallback);
}

double ObjectReader::number_or(const std::string& key, double fallback, double min,
                               bool exclusive_min) {
  const json* v = find(key);
  if (!v) return fallback;
  return read_number(*v, path_of(key), diag_, min, exclusive_min).value_or(fallback);
}

bool ObjectReader::bool_or(const std::string& key, bool fallback) {
  const json* v = find(key);
  if (!v) return fallback;
  return read_bool(*v, path_of(key), diag_).value_or(fallback);
}

std::string ObjectReader::choice_or(const std::string& key, const std::string& fallback,
                                    const std::vector<std::string>& choices,
                                    const std::string& what) {
  const json* v = find(key);
  if (!v) return fallback;
  return read_choice(*v, path_of(key), diag_, choices, what).value_or(fallback);
}

void ObjectReader::finish() {
  if (!object_) return;
  for (const auto& item : object_->items()) {
    if (std::find(known_.begin(), known_.end(), item.key()) != known_.end()) continue;
    std::string message = "unknown key";
    if (auto near = closest_match(item.key(), known_))
      message += "; did you mean " + quote(*near) + "?";
    diag_.error(path_of(item.key()), message);
  }
}

}  // namespace sweep
