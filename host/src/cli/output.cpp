#include "cli/output.hpp"

#include <unistd.h>
#include <wchar.h>

#include <algorithm>
#include <ostream>

#include <nlohmann/json.hpp>

#include "util/utf8.hpp"

namespace ferry::host {

void print_diagnostics(std::ostream& out, const sdk::Diagnostics& diags) {
    for (const auto& d : diags.items()) {
        // Summaries quote names from packages and peers: one diagnostic stays one line.
        out << sdk::to_string(d.severity) << "[" << printable(d.code) << "]";
        if (!d.where.empty()) out << " " << printable(d.where);
        out << ": " << printable(d.summary) << "\n";
        if (!d.detail.empty()) out << "  hint: " << printable(d.detail) << "\n";
    }
}

nlohmann::json diagnostics_json(const sdk::Diagnostics& diags) {
    auto arr = nlohmann::json::array();
    for (const auto& d : diags.items())
        arr.push_back({{"severity", sdk::to_string(d.severity)},
                       {"code", d.code},
                       {"message", d.summary},
                       {"detail", d.detail},
                       {"path", d.where}});
    return arr;
}

std::size_t count_severity(const sdk::Diagnostics& diags, sdk::Severity severity) {
    return static_cast<std::size_t>(std::count_if(diags.items().begin(), diags.items().end(),
                                                  [&](const sdk::Diagnostic& d) { return d.severity == severity; }));
}

std::size_t display_width(const std::string& text) {
    std::size_t width = 0, pos = 0;
    std::uint32_t cp = 0;
    while (pos < text.size()) {
        if (!utf8_next(text, pos, cp)) {
            ++pos;
            ++width;
            continue;
        }
        // East Asian wide ranges (enough for CJK, Hangul, fullwidth forms and emoji).
        const bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                          (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                          (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                          (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1FAFF) ||
                          (cp >= 0x20000 && cp <= 0x3FFFD);
        width += wide ? 2 : 1;
    }
    return width;
}

void TextTable::add(std::vector<std::string> row) {
    // Cells hold names and messages from packages: a newline or an escape code must not forge rows
    // or drive the terminal.
    for (auto& cell : row) cell = printable(cell);
    rows_.push_back(std::move(row));
}

void TextTable::print(std::ostream& out) const {
    std::vector<std::size_t> widths(headers_.size(), 0);
    for (std::size_t i = 0; i < headers_.size(); ++i) widths[i] = display_width(headers_[i]);
    for (const auto& row : rows_)
        for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i)
            widths[i] = std::max(widths[i], display_width(row[i]));
    auto line = [&](const std::vector<std::string>& cells) {
        std::string text;
        for (std::size_t i = 0; i < widths.size(); ++i) {
            const std::string cell = i < cells.size() ? cells[i] : "";
            text += cell;
            if (i + 1 < widths.size()) text += std::string(widths[i] - display_width(cell) + 2, ' ');
        }
        while (!text.empty() && text.back() == ' ') text.pop_back();
        out << text << "\n";
    };
    line(headers_);
    for (const auto& row : rows_) line(row);
}

bool stdout_is_terminal() { return ::isatty(STDOUT_FILENO) == 1; }
bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

}  // namespace ferry::host
