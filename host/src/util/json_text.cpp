#include "util/json_text.hpp"

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "util/simd_json.hpp"

namespace ferry::host {

namespace {

using json = nlohmann::json;

// A parser keeps its buffers for the next document (about 14 bytes per byte of capacity: tape,
// structural indexes, strings). Documents up to this size use the thread's own parser, so a thread
// holds at most ~3.5 MB for it; larger ones a parser of their own, freed after.
constexpr std::size_t kKeptCapacity = 256u << 10;
// Beyond this nlohmann parses alone: simdjson's buffers (about ten bytes per byte of text) beside
// the DOM being built would double what a huge document costs in memory.
constexpr std::size_t kFastLimit = 16u << 20;
// simdjson's own default: convert() checks the caller's limit.
constexpr std::size_t kSimdjsonDepth = simdjson::DEFAULT_MAX_DEPTH;
// What parse_json_or_discarded allows before nlohmann takes over (it has no depth limit itself).
constexpr std::size_t kDefaultDepth = 256;

// Builds nlohmann's value from simdjson's. Recursion stops at max_depth, however deep the text.
bool convert(simdjson::dom::element e, std::size_t depth, std::size_t max_depth, json& out) {
    using type = simdjson::dom::element_type;
    switch (e.type()) {
        case type::OBJECT: {
            if (depth + 1 > max_depth) return false;
            out = json::object();
            auto& members = out.get_ref<json::object_t&>();
            for (auto [key, value] : simdjson::dom::object(e)) {
                // Converted in place. The hint makes keys in order (ferry's own stored documents,
                // written with sorted keys) cost no search; a key out of order is found as
                // without one. A repeated key converts over the earlier value: the last one wins,
                // as in nlohmann's parser.
                auto it = members.emplace_hint(members.end(), std::piecewise_construct, std::forward_as_tuple(key),
                                               std::forward_as_tuple());
                if (!convert(value, depth + 1, max_depth, it->second)) return false;
            }
            return true;
        }
        case type::ARRAY: {
            if (depth + 1 > max_depth) return false;
            out = json::array();
            auto& items = out.get_ref<json::array_t&>();
            const simdjson::dom::array array(e);
            items.reserve(array.size());
            for (auto value : array) {
                items.emplace_back();
                if (!convert(value, depth + 1, max_depth, items.back())) return false;
            }
            return true;
        }
        case type::STRING: out = std::string(std::string_view(e)); return true;
        case type::INT64: {
            // nlohmann keeps a number written without a sign as unsigned.
            const std::int64_t v = std::int64_t(e);
            if (v >= 0) out = static_cast<std::uint64_t>(v);
            else out = v;
            return true;
        }
        case type::UINT64: out = std::uint64_t(e); return true;
        case type::DOUBLE: out = double(e); return true;
        case type::BOOL: out = bool(e); return true;
        case type::NULL_VALUE: out = nullptr; return true;
    }
    return false;
}

}  // namespace

bool SimdDocument::parse(const std::string& text, std::size_t max_depth) {
    if (text.size() > kFastLimit) return false;
    // One parser for every limit: the limit only sizes two small per-level arrays, set again when
    // a thread asks for another (parse_json_fast always asks for simdjson's default and checks its
    // own limit while converting).
    simdjson::dom::parser* parser = nullptr;
    if (text.size() <= kKeptCapacity) {
        // Its buffers grow to the largest document the thread has read (up to kKeptCapacity).
        thread_local simdjson::dom::parser kept(kKeptCapacity);
        parser = &kept;
    } else {
        own_ = std::make_unique<simdjson::dom::parser>(text.size());
        parser = own_.get();
    }
    // simdjson refuses a non-empty container opened at its limit (the root is level 1) and does not
    // count an empty one: what it accepts nests at most `max_depth` levels. It may refuse a text of
    // exactly that many, which the caller's slower path then reads (tests/host/flowspec_view_test.cpp).
    if (parser->max_depth() != max_depth &&
        parser->allocate(std::max(parser->capacity(), text.size()), max_depth) != simdjson::SUCCESS)
        return false;
    // simdjson reads a little past the end: the text is copied first when its string has no room
    // for that (SIMDJSON_PADDING).
    return parser->parse(text).get(root_) == simdjson::SUCCESS;
}

bool to_nlohmann(simdjson::dom::element value, std::size_t max_depth, json& out) {
    return convert(value, 0, max_depth, out);
}

bool parse_json_fast(const std::string& text, std::size_t max_depth, json& out) {
    SimdDocument document;
    if (!document.parse(text, kSimdjsonDepth)) return false;
    json value;
    if (!convert(document.root(), 0, max_depth, value)) return false;
    out = std::move(value);
    return true;
}

json parse_json_or_discarded(const std::string& text) {
    json out;
    if (parse_json_fast(text, kDefaultDepth, out)) return out;
    return json::parse(text, nullptr, false);
}

}  // namespace ferry::host
