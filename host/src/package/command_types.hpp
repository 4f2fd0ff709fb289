// Every command type DataWorks knows (`script.runtime.command` of a node, the type of a resource,
// table or function), with the ferry engine type that runs it.
//
// Source: aliyun/dataworks-spec (Apache-2.0), enum CodeProgramType in
//   spec/src/main/java/com/aliyun/dataworks/common/spec/domain/dw/types/CodeProgramType.java
// at commit b5d8136db95b8fd092e59f76fa5e061b11d9350e (master, 2024-09-24): 121 constants.
// The columns name, code, extension, calc_engine and alias are upstream's data, written out here by
// hand; route and kind are ferry's decisions (docs/package-format.md, "Command types", gives the reasons).
//
// To update: list upstream's constants in order, e.g.
//   git --git-dir=<mirror> show HEAD:<the path above> | grep -E '^\s+[A-Za-z_0-9]+\([0-9]+,'
// add or change rows in command_types.cpp in upstream's order, decide each new row's route, and set
// kUpstreamCommandTypes in tests/host/command_types_test.cpp to the new count.
#pragma once

#include <string_view>
#include <vector>

namespace ferry::host {

// The route of a command that needs no engine instance: it runs on a resource group.
inline constexpr std::string_view kGeneralRoute = "general";

struct CommandType {
    std::string_view name;         // upstream's enum constant, e.g. "ODPS_SQL", "PYODPS"
    int code;                      // upstream's code, what `script.runtime.commandTypeId` holds
    std::string_view route;        // ferry engine type ("maxcompute", "emr", ...) or kGeneralRoute
    std::string_view kind;         // "node", "resource", "table", "function" or "component"
    std::string_view extension;    // the code file's extension upstream uses; empty when it gives none
    std::string_view calc_engine;  // upstream's CalcEngineType constant ("ODPS", "GENERAL", "DI", ...)
    std::string_view alias;        // upstream's other spelling (CodeProgramType.getName()), else empty
};

// In upstream's order.
const std::vector<CommandType>& all_command_types();

// By name or alias, case-sensitively ("PY_ODPS" and "PYODPS" both find code 221); null when unknown.
// Upstream's own getNodeTypeByName ignores case; ferry's plugin `owns` strings do not, so neither
// does this.
const CommandType* find_command_type(std::string_view name);

// By upstream code (`commandTypeId`), which upstream prefers to the name when both are given.
const CommandType* find_command_type_by_code(int code);

}  // namespace ferry::host
