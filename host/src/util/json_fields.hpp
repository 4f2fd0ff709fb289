// Reading fields of JSON that came from a package: never assume a type. nlohmann's value() throws
// when a field holds another type than asked (a null resource group, a number where text was
// expected), and a package must not be able to stop an import that way.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace ferry::host {

// The field's text when it is a string; empty for a missing field or any other type.
inline std::string text_at(const nlohmann::json& obj, const char* key) {
    if (!obj.is_object()) return {};
    auto it = obj.find(key);
    return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

// The field's object, or a null value when it is missing or not an object.
inline const nlohmann::json& object_at(const nlohmann::json& obj, const char* key) {
    static const nlohmann::json none;
    if (!obj.is_object()) return none;
    auto it = obj.find(key);
    return it != obj.end() && it->is_object() ? *it : none;
}

}  // namespace ferry::host
