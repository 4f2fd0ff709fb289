// The YAML of Azkaban Flow 2.0 files (`*.flow`, `*.project`), read without a YAML library: block
// mappings and sequences, flow sequences and mappings on one line (`dependsOn: [a, b]`), plain,
// single- and double-quoted scalars, block scalars (`|`, `>`, with chomping and indentation
// indicators) and comments. Everything else YAML has (anchors, aliases, tags, complex keys,
// directives, several documents, tabs in indentation, quoted strings over several lines) is refused
// with its line and column, never guessed at. Scalars stay strings: Azkaban reads every config value
// as one.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ferry::reader::azkaban {

struct YamlEntry;

struct YamlNode {
    enum class Kind { null, scalar, map, seq };
    Kind kind = Kind::null;
    std::string scalar;
    std::vector<YamlEntry> map;  // in document order
    std::vector<YamlNode> seq;
    std::size_t line = 0, column = 0;

    const YamlNode* get(const std::string& key) const;
    bool is_map() const { return kind == Kind::map; }
    bool is_seq() const { return kind == Kind::seq; }
    bool is_scalar() const { return kind == Kind::scalar; }
};

// A named struct, not std::pair: pair<string, YamlNode> needs a complete YamlNode inside its own
// definition, which clang with libstdc++ in C++20 mode enforces (the sanitizer build uses clang).
struct YamlEntry {
    std::string key;
    YamlNode value;
};

struct YamlError {
    std::size_t line = 0, column = 0;
    std::string message;
};

// The document (null for an empty file), or the first error with its 1-based line and column.
std::optional<YamlNode> parse_yaml(const std::string& text, YamlError& error);

}  // namespace ferry::reader::azkaban
