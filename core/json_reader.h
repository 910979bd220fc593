// Helpers that read a parsed JSON document into typed values while tracking the
// JSON-pointer path of everything they touch, so that every complaint names the
// file, the path, what was expected and what was found. Not thread-safe; one
// Diagnostics per document being read.
#pragma once

#include <nlohmann/json.hpp>

#include <limits>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace sweep {

// The messages about one document, each "SOURCE: PATH: message", each once.
class Diagnostics {
 public:
  explicit Diagnostics(std::string source) : source_(std::move(source)) {}

  void error(const std::string& path, const std::string& message);
  bool ok() const { return messages_.empty(); }
  const std::vector<std::string>& messages() const { return messages_; }
  const std::string& source() const { return source_; }
  // Throws InputError carrying every message, if there are any.
  void throw_if_any() const;

 private:
  std::string source_;
  std::vector<std::string> messages_;
};

// A string in double quotes, escaped as in JSON: "name".
std::string quote(const std::string& text);

// "a string", "an integer", "an array", ... for messages.
std::string describe_json_type(const nlohmann::json& value);
// Appends one key to a JSON pointer, escaping '~' and '/'.
std::string json_pointer_child(const std::string& path, const std::string& key);
std::string json_pointer_child(const std::string& path, size_t index);
// The candidate closest to `word` by edit distance, if it is close enough to be a
// plausible misspelling.
std::optional<std::string> closest_match(const std::string& word,
                                         const std::vector<std::string>& candidates);

// Typed reads of a single value. Each reports a message and returns nullopt when the
// value has the wrong type or lies outside the range.
std::optional<std::string> read_string(const nlohmann::json& v, const std::string& path,
                                       Diagnostics& diag);
// A free-text name (of a sweep, backbone or target, or a similarity label):
// a string with a visible character, no control character (NUL, escape and
// the other C0 and C1 codes: they would cut names short or drive terminals)
// and at most kMaxNameBytes bytes. The message says which rule it broke.
constexpr size_t kMaxNameBytes = 100;
std::optional<std::string> read_name(const nlohmann::json& v, const std::string& path,
                                     Diagnostics& diag);
std::optional<long long> read_integer(const nlohmann::json& v, const std::string& path,
                                      Diagnostics& diag, long long min, long long max);
// `exclusive_min`: the value must be strictly greater than `min`.
std::optional<double> read_number(const nlohmann::json& v, const std::string& path,
                                  Diagnostics& diag, double min, bool exclusive_min);
std::optional<bool> read_bool(const nlohmann::json& v, const std::string& path, Diagnostics& diag);
// A string that must be one of `choices`; suggests the closest one otherwise.
std::optional<std::string> read_choice(const nlohmann::json& v, const std::string& path,
                                       Diagnostics& diag, const std::vector<std::string>& choices,
                                       const std::string& what);

// The largest value of a field held in an int.
constexpr long long kMaxJsonInt = std::numeric_limits<int>::max();

// Calls `each(item, path)` for every element of a required, non-empty array.
template <typename Fn>
void for_each_element(const nlohmann::json* value, const std::string& path, Diagnostics& diag,
                      const std::string& what, Fn each) {
  if (!value) return;
  if (!value->is_array()) {
    diag.error(path, "expected an array of " + what + ", got " + describe_json_type(*value));
    return;
  }
  if (value->empty()) {
    diag.error(path, "empty list; give at least one of " + what);
    return;
  }
  for (size_t i = 0; i < value->size(); ++i) each((*value)[i], json_pointer_child(path, i));
}

// Reports the second and later occurrence of a value already seen in a list.
template <typename T>
void check_unique(const std::vector<T>& values, const std::vector<std::string>& paths,
                  Diagnostics& diag) {
  for (size_t i = 0; i < values.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (values[i] == values[j]) {
        diag.error(paths[i], "duplicate of " + paths[j]);
        break;
      }
    }
  }
}

// Reads the members of one JSON object. Every key asked for becomes a known key;
// finish() reports each key present that nobody asked for, with the closest known
// key as a suggestion. If the value is not an object, that is reported once and
// every lookup finds nothing. It keeps references to `value` and `diag`, which
// must outlive it.
class ObjectReader {
 public:
  ObjectReader(const nlohmann::json& value, std::string path, Diagnostics& diag);

  // The member, or nullptr if absent. Marks `key` as known.
  const nlohmann::json* find(const std::string& key);
  // As find(), but a missing member is reported: "missing key "KEY" (HINT)".
  const nlohmann::json* require(const std::string& key, const std::string& hint);
  std::string path_of(const std::string& key) const { return json_pointer_child(path_, key); }
  const std::string& path() const { return path_; }
  Diagnostics& diagnostics() { return diag_; }

  // Convenience reads with a default used when the key is absent. On a bad value
  // the problem is reported and the default returned, so reading can continue.
  std::string string_or(const std::string& key, const std::string& fallback);
  long long integer_or(const std::string& key, long long fallback, long long min, long long max);
  double number_or(const std::string& key, double fallback, double min, bool exclusive_min);
  bool bool_or(const std::string& key, bool fallback);
  std::string choice_or(const std::string& key, const std::string& fallback,
                        const std::vector<std::string>& choices, const std::string& what);

  void finish();

 private:
  const nlohmann::json* object_;  // nullptr when the value is not an object
  std::string path_;
  Diagnostics& diag_;
  std::vector<std::string> known_;
};

}  // namespace sweep
