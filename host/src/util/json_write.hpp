// Writing nlohmann's DOM as compact JSON text, the way ferry stores documents.
//
// Every object's document is written out twice in an import (the reader's canonical copy, the
// planner's mapped one), and nlohmann's serializer was a tenth of an import's instructions: it
// runs every byte of every string through a UTF-8 decoder, one call per character. This writer
// gives the same bytes as `dump(-1, ' ', false, json::error_handler_t::replace)` (compact, keys in
// the DOM's order, UTF-8 kept as it is, bytes that are not UTF-8 replaced by U+FFFD): a string
// that is valid UTF-8 is copied in runs between the characters JSON escapes; anything else (a
// string that is not UTF-8, a floating-point number, binary) is left to nlohmann, so the text can
// never differ (tests/host/json_write_test.cpp compares the two on every kind of value, and the
// flowspec fuzz target on every input it tries).
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace ferry::host {

// Appends `value` to `out`.
void append_json(const nlohmann::json& value, std::string& out);
// `value` as text.
std::string json_text(const nlohmann::json& value);
// Appends `s` as a JSON string, quotes included.
void append_json_string(std::string_view s, std::string& out);

}  // namespace ferry::host
