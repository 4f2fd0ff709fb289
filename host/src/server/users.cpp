#include "server/users.hpp"

#include <set>

#include "config/toml_tree.hpp"
#include "util/sha256.hpp"

namespace ferry::host::web {

const char* to_string(Role r) { return r == Role::admin ? "admin" : "viewer"; }

bool constant_time_equal(const std::string& a, const std::string& b) {
    if (a.size() != b.size()) return false;
    unsigned char diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

namespace {

bool is_hex64(const std::string& s) {
    if (s.size() != 64) return false;
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

}  // namespace

bool UserTable::load(const std::string& path, sdk::Diagnostics& diags) {
    const std::size_t before = diags.items().size();
    TomlValue doc;
    if (!parse_toml_file(path, doc, diags)) return false;
    const TomlValue* list = doc.get("users");
    if (!list || list->type != TomlValue::Type::array || list->items.empty()) {
        diags.error("FERRY-WEB-USERS", "the users file " + path + " has no [[users]] entries",
                    "add [[users]] name = \"ann\" role = \"admin\" token_sha256 = \"<sha256 of the token>\"", path);
        return false;
    }
    std::set<std::string> names, hashes;
    for (const auto& u : list->items) {
        User user;
        auto str = [&](const char* key) -> std::string {
            const TomlValue* v = u.get(key);
            if (!v || v->type != TomlValue::Type::string) {
                diags.error("FERRY-WEB-USERS", std::string("a [[users]] entry has no string '") + key + "'",
                            "each user needs name, role and token_sha256", u.where);
                return {};
            }
            return v->text;
        };
        for (const auto& [k, v] : u.entries)
            if (k != "name" && k != "role" && k != "token_sha256")
                diags.error("FERRY-WEB-USERS", "unknown key '" + k + "' in [[users]]",
                            "allowed keys: name, role, token_sha256 (never the token itself)", v.where);
        user.name = str("name");
        const std::string role = str("role");
        user.token_sha256 = lower(str("token_sha256"));
        if (role == "admin") user.role = Role::admin;
        else if (role == "viewer") user.role = Role::viewer;
        else if (!role.empty())
            diags.error("FERRY-WEB-USERS", "user '" + user.name + "' has role '" + role + "'",
                        "role is \"admin\" or \"viewer\"", u.where);
        if (!user.token_sha256.empty() && !is_hex64(user.token_sha256))
            diags.error("FERRY-WEB-USERS", "user '" + user.name + "': token_sha256 is not 64 hex digits",
                        "write the SHA-256 of the token: printf %s \"$TOKEN\" | sha256sum", u.where);
        if (!user.name.empty() && !names.insert(user.name).second)
            diags.error("FERRY-WEB-USERS", "two users are named '" + user.name + "'", "", u.where);
        if (!user.token_sha256.empty() && !hashes.insert(user.token_sha256).second)
            diags.error("FERRY-WEB-USERS", "two users share one token", "give each user a token of their own", u.where);
        users_.push_back(std::move(user));
    }
    for (std::size_t i = before; i < diags.items().size(); ++i)
        if (diags.items()[i].severity == sdk::Severity::error) return false;
    return true;
}

std::optional<User> UserTable::authenticate(const std::string& token) const {
    if (token.empty()) return std::nullopt;
    const std::string hash = Sha256::of(token);
    std::optional<User> found;
    // Every entry is compared so the time does not tell which (if any) matched.
    for (const auto& u : users_)
        if (constant_time_equal(hash, u.token_sha256) && !found) found = u;
    return found;
}

}  // namespace ferry::host::web
