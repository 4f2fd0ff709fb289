// A TOML document as a plain tree, so only toml_tree.cpp pays toml++'s compile time. Every value
// keeps where it was written (file:line:column) for diagnostics.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "ferry/sdk/diagnostic.hpp"

namespace ferry::host {

struct TomlEntry;

struct TomlValue {
    enum class Type { string, integer, floating, boolean, datetime, array, table };
    Type type = Type::table;
    std::string text;         // string value; textual form of scalars
    std::int64_t integer = 0;
    double floating = 0;
    bool boolean = false;
    std::vector<TomlValue> items;                            // array
    std::vector<TomlEntry> entries;  // table, in document order
    std::string where;                                        // file:line:column

    const TomlValue* get(const std::string& key) const;
    bool is_table() const { return type == Type::table; }
    static const char* type_name(Type t);
};

// A named struct, not std::pair: pair<string, TomlValue> needs a complete TomlValue inside its own
// definition, which C++20 libraries (and clang) enforce.
struct TomlEntry {
    std::string key;
    TomlValue value;
};

// Parses a file; false after adding FERRY-CONFIG-SYNTAX (with file:line:column) or
// FERRY-CONFIG-READ to diags.
bool parse_toml_file(const std::string& path, TomlValue& out, sdk::Diagnostics& diags);
bool parse_toml_text(const std::string& text, const std::string& source_name, TomlValue& out, sdk::Diagnostics& diags);

}  // namespace ferry::host
