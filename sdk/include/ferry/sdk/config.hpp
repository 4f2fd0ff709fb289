// A plugin declares its configuration as data (a schema); the host validates the user's TOML table
// against it before the plugin sees anything, applies defaults, and hands over typed values.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ferry::sdk {

enum class ValueType : std::uint32_t {
    string = 1,
    integer = 2,
    boolean = 3,
    size = 4,         // bytes; written "30MB", "2GB", "512KB" or a plain integer
    string_list = 5,  // array of strings
};

inline const char* to_string(ValueType t) {
    switch (t) {
        case ValueType::string: return "string";
        case ValueType::integer: return "integer";
        case ValueType::boolean: return "boolean";
        case ValueType::size: return "size";
        case ValueType::string_list: return "string list";
    }
    return "unknown";
}

// One key of a plugin's schema. Plain data so it can live in a static array in the plugin.
struct ConfigKey {
    const char* name;
    ValueType type;
    bool required;
    const char* default_value;  // textual default, nullptr for none
    const char* description;
};

struct ConfigValue {
    ValueType type = ValueType::string;
    std::string text;                // string, and the textual form of every other type
    std::int64_t integer = 0;        // integer; size in bytes
    bool boolean = false;
    std::vector<std::string> list;   // string_list
    std::string where;               // file:line:column of the value, "default" when defaulted
};

// The validated, defaulted values of one plugin table.
class Config {
  public:
    std::map<std::string, ConfigValue> values;
    std::string where;  // where the table itself is (file:line:column), for diagnostics

    bool has(const std::string& key) const { return values.count(key) != 0; }
    std::string string(const std::string& key, const std::string& fallback = {}) const {
        auto it = values.find(key);
        return it == values.end() ? fallback : it->second.text;
    }
    std::int64_t integer(const std::string& key, std::int64_t fallback = 0) const {
        auto it = values.find(key);
        return it == values.end() ? fallback : it->second.integer;
    }
    bool boolean(const std::string& key, bool fallback = false) const {
        auto it = values.find(key);
        return it == values.end() ? fallback : it->second.boolean;
    }
    std::vector<std::string> list(const std::string& key) const {
        auto it = values.find(key);
        return it == values.end() ? std::vector<std::string>{} : it->second.list;
    }
    std::string where_of(const std::string& key) const {
        auto it = values.find(key);
        return it == values.end() ? where : it->second.where;
    }
};

}  // namespace ferry::sdk
