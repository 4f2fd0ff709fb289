// The users file: who may sign in and with which role. Only SHA-256 hashes of tokens are stored;
// a presented token is hashed and compared in constant time against every entry.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ferry/sdk/diagnostic.hpp"

namespace ferry::host::web {

enum class Role { viewer, admin };
const char* to_string(Role r);

struct User {
    std::string name;
    Role role = Role::viewer;
    std::string token_sha256;  // lower-case hex
};

class UserTable {
  public:
    // Reads [[users]] name, role ("admin" | "viewer"), token_sha256 (64 hex digits). All errors are
    // reported (FERRY-WEB-USERS); false if any.
    bool load(const std::string& path, sdk::Diagnostics& diags);
    // The user holding this token, if any. Time does not depend on where (or whether) it matched.
    std::optional<User> authenticate(const std::string& token) const;
    std::size_t size() const { return users_.size(); }

  private:
    std::vector<User> users_;
};

// Equal-length strings compared without early exit.
bool constant_time_equal(const std::string& a, const std::string& b);

}  // namespace ferry::host::web
