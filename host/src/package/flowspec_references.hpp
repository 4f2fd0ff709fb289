// FlowSpec references: an entry of a `spec` list may be written inline or named as "{{id}}" /
// "{{list.id}}" wherever an object is expected. The resolver writes every reference in place, so an
// object's document stands on its own, and remembers which entries were used.
#pragma once

#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

namespace ferry::host {

class FlowSpecReferences {
  public:
    // Indexes every list entry with an id: the spec's lists, `artifacts`' lists, `files`' storage
    // lists, and the nodes of workflows.
    explicit FlowSpecReferences(const nlohmann::json& spec);

    // The id a reference string names ("{{scripts.s1}}" -> "s1"); empty when it is no reference.
    static std::string ref_id(const std::string& s);

    // A copy of `value` with every reference resolved in place, recursively (`key` is the field the
    // value sits in). `nodeId` and `output` references become the plain id. Unresolvable references
    // stay as written and are listed in `unresolved`.
    nlohmann::json resolve(const nlohmann::json& value, const std::string& key = {});

    // Entries of the lists that only serve references (variables, triggers, scripts, files,
    // runtimeResources, artifacts' outputs and variables) that no resolved value used: "list:id".
    std::vector<std::string> unused() const;
    // The same entries themselves, with the list each sits in ("variables", "artifacts.nodeOutputs"...).
    std::vector<std::pair<std::string, const nlohmann::json*>> unused_entries() const;
    const std::vector<std::string>& unresolved() const { return unresolved_; }
    // True when resolving stopped because references expanded to more values than any honest
    // document needs (entries referring to each other over and over: a bomb); what was left is kept
    // as written.
    bool exceeded() const { return expanded_ > kMaxExpanded; }
    static constexpr std::size_t kMaxExpanded = 2'000'000;

  private:
    const nlohmann::json* find(const std::string& id, const char* prefer) const;
    // Resolves in place: a copy of the value is made once (std::map copies without comparing
    // keys) and only references are replaced, where rebuilding every object key by key was most of
    // the reader's time besides parsing.
    void walk(nlohmann::json& v, const std::string& key, bool element, int depth);

    std::unordered_map<std::string, const nlohmann::json*> by_id_;
    std::unordered_map<std::string, std::unordered_map<std::string, const nlohmann::json*>> by_list_;
    // Entries of reference-only lists, in order, to report the unused.
    std::vector<std::pair<std::string, const nlohmann::json*>> reference_entries_;
    std::vector<std::string> reference_lists_;  // where each of reference_entries_ sits
    std::set<const nlohmann::json*> used_;
    std::vector<std::string> unresolved_;
    std::set<const nlohmann::json*> expanding_;  // entries being resolved now: a reference back into one is a cycle
    std::size_t expanded_ = 0;                  // values written while resolving, for the whole document
};

}  // namespace ferry::host
