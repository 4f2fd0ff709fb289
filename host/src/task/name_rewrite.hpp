// Workspace mapping outside an engine's own tokenizer: replaces `src.` qualifiers and `src_root`
// root outputs as whole identifiers, in one pass over the text for any number of names.
// `sales_dev.t` changes, `sales_dev_backup.t` and `my_sales_dev.t` do not. Used for inputs and
// outputs always, and for code when no engine plugin owns the node.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace ferry::host {

using NameMap = std::vector<std::pair<std::string, std::string>>;

enum class TextKind { plain, sql };

// With TextKind::sql, string literals ('...' and "..." with backslash escapes) and comments
// (-- to end of line, /* ... */) are copied untouched; back-quoted identifiers are names and are
// rewritten. Plain text (shell, Python, inputs and outputs) is rewritten everywhere.
std::string rewrite_qualified_names(const std::string& text, const NameMap& names, std::size_t* replacements = nullptr,
                                    TextKind kind = TextKind::plain);

}  // namespace ferry::host
