#include "util/json_diff.hpp"

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "util/json_write.hpp"

namespace ferry::host {

using json = nlohmann::json;

std::string pointer_token(const std::string& key) {
    std::string out;
    for (char c : key) {
        if (c == '~') out += "~0";
        else if (c == '/') out += "~1";
        else out += c;
    }
    return out;
}

std::string shown_value(const json& value) {
    if (value.is_null()) return "null";
    std::string text = json_text(value);
    constexpr std::size_t kMax = 160;
    if (text.size() > kMax) {
        std::size_t cut = kMax;
        while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // whole characters
        text = text.substr(0, cut) + "... (" + std::to_string(text.size()) + " bytes)";
    }
    return text;
}

void diff_json(const json& a, const json& b, std::vector<FieldChange>& out, const std::string& at, std::size_t limit) {
    if (out.size() >= limit || a == b) return;
    if (a.is_object() && b.is_object()) {
        std::set<std::string> keys;
        for (const auto& [k, v] : a.items()) keys.insert(k);
        for (const auto& [k, v] : b.items()) keys.insert(k);
        for (const auto& k : keys) {
            const std::string path = at + "/" + pointer_token(k);
            const auto ia = a.find(k), ib = b.find(k);
            if (ia == a.end()) out.push_back({path, "", shown_value(*ib)});
            else if (ib == b.end()) out.push_back({path, shown_value(*ia), ""});
            else diff_json(*ia, *ib, out, path, limit);
            if (out.size() >= limit) return;
        }
        return;
    }
    if (a.is_array() && b.is_array()) {
        const std::size_t n = std::max(a.size(), b.size());
        for (std::size_t i = 0; i < n; ++i) {
            const std::string path = at + "/" + std::to_string(i);
            if (i >= a.size()) out.push_back({path, "", shown_value(b[i])});
            else if (i >= b.size()) out.push_back({path, shown_value(a[i]), ""});
            else diff_json(a[i], b[i], out, path, limit);
            if (out.size() >= limit) return;
        }
        return;
    }
    out.push_back({at.empty() ? "/" : at, shown_value(a), shown_value(b)});
}

std::string changes_text(const std::vector<FieldChange>& changes) {
    if (changes.empty()) return {};
    // Written out directly, as an array of objects with their keys sorted would dump: every
    // planned object's changes go through here on the importer's thread.
    std::string out = "[";
    for (const auto& c : changes) {
        if (out.size() > 1) out += ',';
        out += "{\"after\":";
        append_json_string(c.after, out);
        out += ",\"before\":";
        append_json_string(c.before, out);
        out += ",\"path\":";
        append_json_string(c.path, out);
        out += '}';
    }
    out += ']';
    return out;
}

std::vector<FieldChange> changes_from_text(const std::string& text) {
    std::vector<FieldChange> out;
    const json arr = json::parse(text, nullptr, false);
    if (!arr.is_array()) return out;
    for (const auto& c : arr)
        if (c.is_object())
            out.push_back({c.value("path", std::string{}), c.value("before", std::string{}), c.value("after", std::string{})});
    return out;
}

}  // namespace ferry::host
