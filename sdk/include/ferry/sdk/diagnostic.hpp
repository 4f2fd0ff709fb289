// Diagnostics: the one way errors and warnings cross the plugin boundary and reach a user.
//
// A diagnostic has a stable code (tests and scripts match on it; never reuse one for another
// meaning), a one-line summary, an optional detail saying what to do, and where it applies: a
// config key (file:line:column) or a path inside a package.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace ferry::sdk {

enum class Severity { error, warning, info };

inline const char* to_string(Severity s) {
    switch (s) {
        case Severity::error: return "error";
        case Severity::warning: return "warning";
        case Severity::info: return "info";
    }
    return "error";
}

struct Diagnostic {
    Severity severity = Severity::error;
    std::string code;     // stable, e.g. "FERRY-PKG-003" or "oss.signature_mismatch"
    std::string summary;  // what happened, one sentence
    std::string detail;   // what to do about it; may be empty
    std::string where;    // config key, file:line:col, or package path; may be empty
};

// An ordered list of diagnostics with helpers; plugins fill one in every response.
class Diagnostics {
  public:
    void add(Diagnostic d) { items_.push_back(std::move(d)); }
    void error(std::string code, std::string summary, std::string detail = {}, std::string where = {}) {
        add({Severity::error, std::move(code), std::move(summary), std::move(detail), std::move(where)});
    }
    void warning(std::string code, std::string summary, std::string detail = {}, std::string where = {}) {
        add({Severity::warning, std::move(code), std::move(summary), std::move(detail), std::move(where)});
    }
    void info(std::string code, std::string summary, std::string detail = {}, std::string where = {}) {
        add({Severity::info, std::move(code), std::move(summary), std::move(detail), std::move(where)});
    }
    void append(const Diagnostics& other) { items_.insert(items_.end(), other.items_.begin(), other.items_.end()); }

    bool has_errors() const {
        for (const auto& d : items_)
            if (d.severity == Severity::error) return true;
        return false;
    }
    bool empty() const { return items_.empty(); }
    const std::vector<Diagnostic>& items() const { return items_; }
    std::vector<Diagnostic>& items() { return items_; }

  private:
    std::vector<Diagnostic> items_;
};

}  // namespace ferry::sdk
