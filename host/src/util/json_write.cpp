#include "util/json_write.hpp"

#include <charconv>
#include <cstdint>
#include <cstring>

#include <nlohmann/json.hpp>

#include "util/utf8.hpp"

namespace ferry::host {

using json = nlohmann::json;

namespace {

// nlohmann's own text for what this file does not write itself.
void append_dumped(const json& value, std::string& out) {
    out += value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// What JSON must escape: the quote, the backslash and the C0 controls; DEL and non-ASCII pass.
bool needs_escape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

// Whether any of eight bytes needs a look: escaped, or not ASCII (to be checked as UTF-8).
// Documents are mostly long runs of plain ASCII, skipped here a word at a time.
bool word_needs_look(std::uint64_t x) {
    constexpr std::uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    auto has_zero = [&](std::uint64_t v) { return (v - ones) & ~v & highs; };
    const std::uint64_t below_space = (x - ones * 0x20) & ~x & highs;
    return ((x & highs) | below_space | has_zero(x ^ (ones * '"')) | has_zero(x ^ (ones * '\\'))) != 0;
}

template <class Int>
void append_integer(Int v, std::string& out) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

}  // namespace

void append_json_string(std::string_view s, std::string& out) {
    static constexpr char kHex[] = "0123456789abcdef";
    const std::size_t start = out.size();
    out += '"';
    std::size_t run = 0, i = 0;
    while (i < s.size()) {
        if (i + 8 <= s.size()) {
            std::uint64_t word;
            std::memcpy(&word, s.data() + i, 8);
            if (!word_needs_look(word)) {
                i += 8;
                continue;
            }
        }
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            std::uint32_t cp = 0;
            if (!utf8_next(s, i, cp)) {
                // Not UTF-8: which bytes a bad sequence swallows is nlohmann's decoder's rule, so
                // nlohmann writes the whole string. Such strings are rare.
                out.resize(start);
                append_dumped(json(std::string(s)), out);
                return;
            }
            continue;
        }
        if (!needs_escape(c)) {
            ++i;
            continue;
        }
        out.append(s.data() + run, i - run);
        run = ++i;
        out += '\\';
        switch (c) {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case '\b': out += 'b'; break;
            case '\t': out += 't'; break;
            case '\n': out += 'n'; break;
            case '\f': out += 'f'; break;
            case '\r': out += 'r'; break;
            default:  // \u00XX in lower case, as nlohmann writes it
                out += "u00";
                out += kHex[c >> 4];
                out += kHex[c & 0xF];
        }
    }
    out.append(s.data() + run, s.size() - run);
    out += '"';
}

void append_json(const json& value, std::string& out) {
    switch (value.type()) {
        case json::value_t::object: {
            out += '{';
            bool first = true;
            for (const auto& [key, item] : value.get_ref<const json::object_t&>()) {
                if (!first) out += ',';
                first = false;
                append_json_string(key, out);
                out += ':';
                append_json(item, out);
            }
            out += '}';
            return;
        }
        case json::value_t::array: {
            out += '[';
            bool first = true;
            for (const auto& item : value.get_ref<const json::array_t&>()) {
                if (!first) out += ',';
                first = false;
                append_json(item, out);
            }
            out += ']';
            return;
        }
        case json::value_t::string:
            append_json_string(value.get_ref<const std::string&>(), out);
            return;
        case json::value_t::boolean:
            out += value.get<bool>() ? "true" : "false";
            return;
        case json::value_t::null:
            out += "null";
            return;
        case json::value_t::number_integer:
            append_integer(value.get<json::number_integer_t>(), out);
            return;
        case json::value_t::number_unsigned:
            append_integer(value.get<json::number_unsigned_t>(), out);
            return;
        default:  // floating point (nlohmann's shortest round-trip form), binary, discarded
            append_dumped(value, out);
            return;
    }
}

std::string json_text(const json& value) {
    std::string out;
    append_json(value, out);
    return out;
}

}  // namespace ferry::host
