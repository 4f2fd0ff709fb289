// Reading JSON text into nlohmann's DOM, fast where it can be.
//
// nlohmann's own parser reads about 140 MB/s (its lexer copies every character into a token
// buffer); every FlowSpec document goes through a parse twice in an import (the reader, then the
// planner), and parsing was the largest share of reading a package of inline-code documents.
// simdjson reads the same text at over 2 GB/s; building nlohmann's DOM from its result takes a
// third of nlohmann's whole parse. The DOM stays nlohmann's, the one JSON model of the host; only
// the lexing changes.
//
// What simdjson refuses (malformed text, a number out of range, a BOM, a byte after the value,
// nesting past the limit) goes to nlohmann's parser, whose result and error messages ferry has
// always had: the fast path never accepts what nlohmann would refuse, and where both accept, the
// two DOMs dump to the same text (tests/host/json_text_test.cpp; the flowspec fuzz target checks
// it on every input it tries). The one difference nothing can see in the text: `-0` reads as an unsigned
// zero, not a signed one; both dump as `0` and compare equal.
#pragma once

#include <cstddef>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace ferry::host {

// Through simdjson only: true with `out` filled, or false (out untouched) when simdjson refused
// the text, it nests deeper than `max_depth` containers, or it is too large for the fast path;
// the caller then parses with nlohmann for its verdict and its message.
bool parse_json_fast(const std::string& text, std::size_t max_depth, nlohmann::json& out);

// json::parse(text, nullptr, false) with the fast path first: a discarded value when the text is
// not JSON.
nlohmann::json parse_json_or_discarded(const std::string& text);

}  // namespace ferry::host
