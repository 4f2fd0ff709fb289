// Java properties files: Azkaban's `.job` files and the `.properties` files that share parameters
// with the jobs of their folder and the folders below it (java.util.Properties' syntax: `key=value`,
// `key: value` or `key value`, `#` and `!` comments, `\` at the end of a line to go on, `\t` `\n`
// `\uXXXX` escapes). Bytes stay as they are (UTF-8 in practice) but for the escapes.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ferry::reader::azkaban {

struct Properties {
    std::vector<std::pair<std::string, std::string>> entries;  // file order; a repeated key keeps its first place
    std::vector<std::size_t> lines;                            // the line each entry starts on

    const std::string* get(const std::string& key) const;
    void set(const std::string& key, const std::string& value, std::size_t line = 0);
};

struct PropertiesError {
    std::size_t line = 0;
    std::string message;
};

std::optional<Properties> parse_properties(const std::string& text, PropertiesError& error);

}  // namespace ferry::reader::azkaban
