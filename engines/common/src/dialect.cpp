#include "ferry/engine/dialect.hpp"

#include <cctype>
#include <string>

namespace ferry::engine {

const char* to_string(Dialect d) {
    switch (d) {
        case Dialect::maxcompute: return "maxcompute";
        case Dialect::hive: return "hive";
        case Dialect::postgresql: return "postgresql";
        case Dialect::hologres: return "hologres";
        case Dialect::mysql: return "mysql";
        case Dialect::sqlite: return "sqlite";
    }
    return "unknown";
}

std::optional<Dialect> parse_dialect(std::string_view name) {
    std::string n;
    for (char c : name) n.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    if (n == "maxcompute" || n == "odps") return Dialect::maxcompute;
    if (n == "hive" || n == "emr" || n == "cdh" || n == "hadoop_cdh") return Dialect::hive;
    if (n == "postgresql" || n == "postgres") return Dialect::postgresql;
    if (n == "hologres" || n == "holo") return Dialect::hologres;
    if (n == "mysql" || n == "mariadb") return Dialect::mysql;
    if (n == "sqlite") return Dialect::sqlite;
    return std::nullopt;
}

bool folds_identifiers(Dialect d) { return d == Dialect::maxcompute || d == Dialect::hive; }

}  // namespace ferry::engine
