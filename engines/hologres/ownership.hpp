#pragma once

namespace ferry::engines::hologres {

inline constexpr const char* kOwns[] = {
    "command:HOLOGRES_SQL", "command:HOLOGRES_DEVELOP", "command:HOLOGRES_SYNC_DDL", "command:HOLOGRES_SYNC_DATA",
    "datasource:holo",      "datasource:hologres",      "table:Hologres",            "table:HOLOGRES"};

}  // namespace ferry::engines::hologres
