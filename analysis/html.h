// Escaping for HTML text and attribute values. Pure.
#pragma once

#include <string>
#include <string_view>

namespace sweep {

// Replaces & < > " ' with character references; safe in text and in quoted
// attribute values.
std::string html_escape(std::string_view text);

}  // namespace sweep
