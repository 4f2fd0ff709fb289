#include "util/size_text.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>

namespace ferry::host {

std::optional<std::uint64_t> parse_size(const std::string& text) {
    std::size_t i = 0;
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    const std::size_t num_start = i;
    bool dot = false, digit = false;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || (text[i] == '.' && !dot))) {
        dot = dot || text[i] == '.';
        digit = digit || text[i] != '.';
        ++i;
    }
    if (!digit) return std::nullopt;  // "." alone is no number (std::stod would throw)
    const double number = std::stod(text.substr(num_start, i - num_start));
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    std::string unit;
    for (; i < text.size(); ++i) {
        if (std::isspace(static_cast<unsigned char>(text[i]))) break;
        unit += static_cast<char>(std::toupper(static_cast<unsigned char>(text[i])));
    }
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i != text.size()) return std::nullopt;
    double factor = 0;
    if (unit.empty() || unit == "B") factor = 1;
    else if (unit == "K" || unit == "KB" || unit == "KIB") factor = 1024.0;
    else if (unit == "M" || unit == "MB" || unit == "MIB") factor = 1024.0 * 1024;
    else if (unit == "G" || unit == "GB" || unit == "GIB") factor = 1024.0 * 1024 * 1024;
    else if (unit == "T" || unit == "TB" || unit == "TIB") factor = 1024.0 * 1024 * 1024 * 1024;
    else return std::nullopt;
    if (factor == 1 && dot) return std::nullopt;  // a fraction of a byte is not a size
    const double bytes = std::floor(number * factor);
    if (bytes > 1.8e19) return std::nullopt;
    return static_cast<std::uint64_t>(bytes);
}

std::string format_size(std::uint64_t bytes) {
    char buf[32];
    if (bytes < 1024) std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
    else if (bytes < 1024ull * 1024) std::snprintf(buf, sizeof buf, "%.1f KB", bytes / 1024.0);
    else if (bytes < 1024ull * 1024 * 1024) std::snprintf(buf, sizeof buf, "%.1f MB", bytes / (1024.0 * 1024));
    else std::snprintf(buf, sizeof buf, "%.2f GB", bytes / (1024.0 * 1024 * 1024));
    return buf;
}

}  // namespace ferry::host
