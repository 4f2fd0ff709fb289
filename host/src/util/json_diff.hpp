// Where two FlowSpec documents differ, field by field: what a task's mappings changed in an
// object, what an update changes in the workspace, what a round trip lost.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace ferry::host {

// One field: an RFC 6901 JSON pointer ("/spec/nodes/0/datasource/name", or "content" for an
// object's code or bytes) and its value before and after, as compact JSON (long values cut).
struct FieldChange {
    std::string path;
    std::string before;  // empty: the field was not there
    std::string after;   // empty: the field is gone
};

// Appends the fields where `b` differs from `a`, below the pointer `at`; at most `limit` of them.
void diff_json(const nlohmann::json& a, const nlohmann::json& b, std::vector<FieldChange>& out,
               const std::string& at = "", std::size_t limit = 200);

// A value as a change shows it: compact JSON, cut to about 160 characters.
std::string shown_value(const nlohmann::json& value);

// A JSON pointer's reference token for a key ('~' and '/' escaped).
std::string pointer_token(const std::string& key);

// [{"path", "before", "after"}...] and back (the journal's `changes` column).
std::string changes_text(const std::vector<FieldChange>& changes);
std::vector<FieldChange> changes_from_text(const std::string& text);

}  // namespace ferry::host
