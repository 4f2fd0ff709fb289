// Names DataWorks accepts (docs/package-format.md, "Object names": letters of any script, digits,
// '_', '.', '-', at most 128 characters), made from DolphinScheduler's freer names, and kept unique
// in their scope.
#pragma once

#include <set>
#include <string>

namespace ferry::reader::ds {

// `name` with every character DataWorks refuses replaced by '_' (and cut to 128 characters);
// "unnamed" for an empty name.
std::string acceptable_name(const std::string& name);

// Hands out names unique in one scope (a workflow's nodes, the package's workflows): a taken name
// gets "_2", "_3"... Compared as given, or case-insensitively for tables and functions.
class NameScope {
  public:
    explicit NameScope(bool case_insensitive = false) : case_insensitive_(case_insensitive) {}
    std::string claim(const std::string& wanted);

  private:
    std::string key(const std::string& name) const;
    bool case_insensitive_;
    std::set<std::string> taken_;
};

}  // namespace ferry::reader::ds
