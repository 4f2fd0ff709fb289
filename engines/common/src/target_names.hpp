// The destination's quoted names and the statements every rendered table starts with, shared by
// the MaxCompute/Hive and the SQL-database renderers (private to engines/common).
#pragma once

#include <string>
#include <vector>

#include "ferry/engine/table_renderer.hpp"

namespace ferry::engine::detail {

struct TargetNames {
    bool ok = true;
    std::string table;   // qualified and quoted
    std::string schema;  // quoted, may be empty
};

// Quotes the target's schema and table; an error (FERRY-ENGINE-IDENTIFIER) and ok = false when
// either cannot be an identifier there.
TargetNames quote_target_names(const RenderTarget& target, sdk::Diagnostics& diags);

// CREATE SCHEMA / DATABASE IF NOT EXISTS when asked, then DROP TABLE IF EXISTS of the table itself
// when overwriting: the only object a rendered DROP ever names.
void prologue(const RenderTarget& target, const TargetNames& names, std::vector<std::string>& statements);

}  // namespace ferry::engine::detail
