// How ferry talks to people and scripts: diagnostics on stderr, aligned tables on a terminal,
// one JSON document on stdout with --json.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "ferry/sdk/diagnostic.hpp"
#include "util/utf8.hpp"

namespace ferry::host {

// Exit codes, as `ferry --help` documents them.
enum ExitCode { kExitOk = 0, kExitFailed = 1, kExitUsage = 2 };

void print_diagnostics(std::ostream& out, const sdk::Diagnostics& diags);
nlohmann::json diagnostics_json(const sdk::Diagnostics& diags);
std::size_t count_severity(const sdk::Diagnostics& diags, sdk::Severity severity);

// Display width of UTF-8 text in terminal columns (CJK characters take two).
std::size_t display_width(const std::string& text);

class TextTable {
  public:
    explicit TextTable(std::vector<std::string> headers) : headers_(std::move(headers)) {}
    void add(std::vector<std::string> row);  // cells pass through printable()
    void print(std::ostream& out) const;
    bool empty() const { return rows_.empty(); }

  private:
    std::vector<std::string> headers_;
    std::vector<std::vector<std::string>> rows_;
};

bool stdout_is_terminal();
bool stderr_is_terminal();

}  // namespace ferry::host
