// Replaces project / schema / workspace qualifiers in SQL code: an identifier directly followed by
// '.' whose name is in the mapping, and the workspace's root output `<name>_root`. Whole
// identifiers only (`sales_dev.t` changes, `sales_dev_backup.t` does not), never inside strings or
// comments, back-quoted and double-quoted names too. One pass over the code whatever the number of
// names: a hash lookup per qualifier. The one rewriter: engines use it for code, and the host for
// code no engine owns, inputs, outputs and dependencies.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ferry/engine/dialect.hpp"

namespace ferry::engine {

class IdentifierRewriter {
  public:
    // Names compare case-insensitively (ASCII), as MaxCompute, Hive and MySQL compare them.
    IdentifierRewriter(const std::vector<std::pair<std::string, std::string>>& names, Dialect dialect);

    struct Result {
        std::string code;
        std::size_t replacements = 0;
    };
    Result rewrite(std::string_view code) const;
    // Replaces mapped qualifiers as whole identifiers anywhere, strings and comments included: for
    // code that is not SQL (PyODPS, shell) whose SQL lives inside string literals.
    Result rewrite_anywhere(std::string_view code) const;

  private:
    const std::string* lookup(std::string_view name) const;
    const std::string* lookup_root(std::string_view word) const;
    std::string render_replacement(const std::string& to, char quote) const;
    Dialect dialect_;
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };
    // lower-cased source -> destination; transparent so a lookup needs no allocation
    std::unordered_map<std::string, std::string, Hash, std::equal_to<>> map_;
    std::size_t max_key_ = 0;
};

}  // namespace ferry::engine
