// What a node command's code is written in, so every engine rewrites it with the right lexer.
#pragma once

#include <optional>
#include <string_view>

#include "ferry/engine/dialect.hpp"
#include "ferry/sdk/engine.hpp"

namespace ferry::engine {

// The dialect of a command's code: ODPS_* -> maxcompute, EMR_*/CDH_* -> hive, HOLOGRES_* ->
// hologres, POSTGRESQL -> postgresql, MYSQL -> mysql; nullopt for commands this table does not know.
std::optional<Dialect> command_dialect(std::string_view command);
// True when the command's code is SQL (ODPS_SQL, EMR_HIVE, HOLOGRES_SQL, ...); false for Python,
// shell, Spark/MR jobs and sync configurations.
bool is_sql_command(std::string_view command);

// The rewrite every engine does (see identifier_rewriter.hpp):
//   - SQL code is tokenized in the command's dialect (else the engine's) and qualifiers are replaced
//     outside strings and comments;
//   - code that is not SQL (PyODPS, shell) holds its SQL inside strings: qualifiers are replaced as
//     whole identifiers anywhere, and the node is flagged for review (a warning) when any changed;
//   - code of another engine's dialect (a cross-engine mapping) keeps its text apart from the
//     names and is flagged for review.
sdk::RewriteResponse rewrite_code(const sdk::RewriteRequest& request, Dialect engine_dialect);

}  // namespace ferry::engine
