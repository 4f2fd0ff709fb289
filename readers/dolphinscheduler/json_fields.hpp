// Reading DolphinScheduler's JSON, whose exporters disagree on types: a number may come as a string
// ("maxRetryTimes": "0"), a list as a JSON string ("globalParams": "[]"), a field may be null.
#pragma once

#include <cstdint>
#include <climits>
#include <cmath>
#include <string>

#include <nlohmann/json.hpp>

namespace ferry::reader::ds {

using json = nlohmann::json;

inline const json& at(const json& obj, const char* key) {
    static const json none;
    if (!obj.is_object()) return none;
    auto it = obj.find(key);
    return it == obj.end() ? none : *it;
}

// The first of several spellings present (3.3 renamed processDefinition to workflowDefinition...).
inline const json& at_any(const json& obj, std::initializer_list<const char*> keys) {
    for (const char* k : keys)
        if (const json& v = at(obj, k); !v.is_null()) return v;
    return at(obj, *keys.begin());
}

inline std::string text(const json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number_unsigned()) return std::to_string(v.get<unsigned long long>());  // before: it is an integer too
    if (v.is_number_integer()) return std::to_string(v.get<long long>());
    if (v.is_number_float()) {
        // Whole numbers within long long as integers; the cast of 1e30 or inf would be undefined.
        const double d = v.get<double>();
        if (std::isfinite(d) && std::fabs(d) < 9.2e18 && d == static_cast<double>(static_cast<long long>(d)))
            return std::to_string(static_cast<long long>(d));
        return v.dump();
    }
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    return {};
}

inline std::string text_at(const json& obj, const char* key) { return text(at(obj, key)); }

inline std::int64_t number(const json& v, std::int64_t fallback = 0) {
    if (v.is_number_unsigned()) {  // first: is_number_integer() holds for unsigned numbers too
        const std::uint64_t u = v.get<std::uint64_t>();  // past INT64_MAX it would wrap to a negative
        return u > static_cast<std::uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<std::int64_t>(u);
    }
    if (v.is_number_integer()) return v.get<std::int64_t>();
    if (v.is_number_float()) {
        // Saturated: a cast of 1e30 (or of inf, which the parser makes of 1e400) is undefined.
        const double d = v.get<double>();
        if (d != d) return fallback;
        if (d >= 9.2e18) return INT64_MAX;
        if (d <= -9.2e18) return INT64_MIN;
        return static_cast<std::int64_t>(d);
    }
    if (v.is_string()) {
        const std::string s = v.get<std::string>();
        if (s.empty()) return fallback;
        std::size_t used = 0;
        try {
            const long long n = std::stoll(s, &used);
            if (used == s.size()) return n;
        } catch (...) {
        }
    }
    return fallback;
}

inline std::int64_t number_at(const json& obj, const char* key, std::int64_t fallback = 0) {
    return number(at(obj, key), fallback);
}

// A value that may be a JSON document written as a string: parsed when it is one, else as is.
inline json embedded(const json& v) {
    if (!v.is_string()) return v;
    json parsed = json::parse(v.get<std::string>(), nullptr, false);
    return parsed.is_discarded() ? v : parsed;
}

inline bool truthy(const json& v) {
    if (v.is_boolean()) return v.get<bool>();
    if (v.is_number()) return number(v) != 0;
    if (v.is_string()) {
        const std::string s = v.get<std::string>();
        return s == "true" || s == "TRUE" || s == "YES" || s == "1" || s == "OPEN";
    }
    return false;
}

// Line and column (1-based) of a byte offset, for FERRY-DS-JSON.
inline std::string line_column(const std::string& text, std::size_t offset) {
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            ++column;
        }
    }
    return std::to_string(line) + ":" + std::to_string(column);
}

// nlohmann's message without its "[json.exception.parse_error.101] parse error at line 1, column 3: "
// prefix: the position is given as line:column by the caller.
inline std::string parse_error_text(const json::parse_error& e) {
    std::string m = e.what();
    if (m.rfind("[json.exception", 0) == 0)
        if (auto colon = m.find(": "); colon != std::string::npos) m = m.substr(colon + 2);
    return m;
}

// How deep an export's JSON may nest: DolphinScheduler writes a dozen levels at most. Deeper text
// is refused before it is parsed, since copying and writing out such a value recurse once a level
// (100,000 levels in 200 KB crashed the reader; 20,000 took a gigabyte to write).
inline constexpr std::size_t kMaxJsonDepth = 64;

// Where `text` first opens a container past `limit` levels (outside strings); npos when it does not.
inline std::size_t too_deep_at(const std::string& text, std::size_t limit) {
    std::size_t depth = 0;
    bool in_string = false, escaped = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            if (++depth > limit) return i;
        } else if ((c == '}' || c == ']') && depth > 0) {
            --depth;
        }
    }
    return std::string::npos;
}

// Parses `text`; on failure says why and where (line:column).
inline bool parse_json(const std::string& text, json& out, std::string& why, std::string& where) {
    if (const std::size_t at = too_deep_at(text, kMaxJsonDepth); at != std::string::npos) {
        why = "it nests deeper than " + std::to_string(kMaxJsonDepth) + " levels";
        where = line_column(text, at);
        return false;
    }
    try {
        out = json::parse(text);
        return true;
    } catch (const json::parse_error& e) {
        why = parse_error_text(e);
        where = line_column(text, e.byte == 0 ? 0 : e.byte - 1);
        return false;
    }
}

}  // namespace ferry::reader::ds
