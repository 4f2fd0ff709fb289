// ASCII text helpers the signers and the client share (header names, canonical forms).
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::cloud::ascii {

inline char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

inline std::string lower(std::string s) {
    for (char& c : s) c = lower(c);
    return s;
}

inline bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

inline bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

// Without leading and trailing spaces and tabs.
inline std::string trim(std::string_view s) {
    auto b = s.find_first_not_of(" \t");
    if (b == std::string_view::npos) return {};
    return std::string(s.substr(b, s.find_last_not_of(" \t") - b + 1));
}

// The '&'-separated items of a query string as written, empty ones included ("" gives one).
inline std::vector<std::string_view> query_items(std::string_view query) {
    std::vector<std::string_view> items;
    for (;;) {
        auto amp = query.find('&');
        items.push_back(query.substr(0, amp));
        if (amp == std::string_view::npos) return items;
        query.remove_prefix(amp + 1);
    }
}

}  // namespace ferry::cloud::ascii
