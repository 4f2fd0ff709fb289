// Catalog URIs: which backend, what the driver receives, and what may be shown to a person.
#include <cctype>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "ferry/catalog/catalog.hpp"

namespace ferry::catalog {

namespace {

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

std::string percent_decode(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
            out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

using Pairs = std::vector<std::pair<std::string, std::string>>;

// Reads a libpq key=value string as libpq does: spaces around '=', values bare or single-quoted,
// backslash escapes.
std::optional<Pairs> read_conninfo(const std::string& s, sdk::Diagnostics& diags) {
    Pairs out;
    std::size_t i = 0;
    auto skip_space = [&] {
        while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    };
    for (skip_space(); i < s.size(); skip_space()) {
        std::size_t key_start = i;
        while (i < s.size() && s[i] != '=' && !std::isspace(static_cast<unsigned char>(s[i]))) ++i;
        std::string key = s.substr(key_start, i - key_start);
        skip_space();
        if (i >= s.size() || s[i] != '=') {
            diags.error(codes::bad_uri, "the PostgreSQL connection string has \"" + key + "\" without \"=value\"",
                        "write key=value pairs separated by spaces, e.g. host=db port=5432 dbname=ferry user=app");
            return std::nullopt;
        }
        ++i;
        skip_space();
        std::string value;
        if (i < s.size() && s[i] == '\'') {
            ++i;
            bool closed = false;
            for (; i < s.size(); ++i) {
                if (s[i] == '\\' && i + 1 < s.size()) {
                    value += s[++i];
                } else if (s[i] == '\'') {
                    closed = true;
                    ++i;
                    break;
                } else {
                    value += s[i];
                }
            }
            if (!closed) {
                diags.error(codes::bad_uri, "the PostgreSQL connection string has an unterminated quote after " + key + "=");
                return std::nullopt;
            }
        } else {
            for (; i < s.size() && !std::isspace(static_cast<unsigned char>(s[i])); ++i) {
                if (s[i] == '\\' && i + 1 < s.size()) ++i;
                value += s[i];
            }
        }
        out.emplace_back(key, value);
    }
    return out;
}

// Writes pairs the way Poco 1.11's PostgreSQL connector can pass them on: it splits its input at
// every single space and takes each piece as key=value, so no value may hold whitespace.
std::optional<std::string> write_conninfo(const Pairs& pairs, bool redact, sdk::Diagnostics& diags) {
    std::string out;
    for (const auto& [key, value] : pairs) {
        // A password in the URI ends up in task files, shell history and process lists.
        if (key == "password") {
            diags.error(codes::password_in_uri, "the catalog URI carries a password",
                        "remove it from the URI and set PGPASSWORD (or use a ~/.pgpass file) instead");
            return std::nullopt;
        }
        for (char c : value) {
            if (std::isspace(static_cast<unsigned char>(c))) {
                diags.error(codes::bad_uri, "the PostgreSQL parameter " + key + " holds a space, which ferry cannot pass on",
                            "set it through libpq's environment instead (PGOPTIONS, PGAPPNAME, PGPASSWORD...)");
                return std::nullopt;
            }
        }
        if (!out.empty()) out += ' ';
        out += key + "=";
        if (redact && key == "password") {
            out += "***";
        } else if (value.empty() || value.find_first_of("'\\") != std::string::npos) {
            out += '\'';
            for (char c : value) {
                if (c == '\\' || c == '\'') out += '\\';
                out += c;
            }
            out += '\'';
        } else {
            out += value;
        }
    }
    return out;
}

// postgresql://[user@]host[:port][/dbname][?key=value&...] -> libpq key=value string.
std::optional<Pairs> url_to_pairs(const std::string& uri, sdk::Diagnostics& diags) {
    std::string rest = uri.substr(uri.find("://") + 3);
    std::string query;
    if (auto q = rest.find('?'); q != std::string::npos) {
        query = rest.substr(q + 1);
        rest.erase(q);
    }
    std::string dbname;
    if (auto slash = rest.find('/'); slash != std::string::npos) {
        dbname = percent_decode(rest.substr(slash + 1));
        rest.erase(slash);
    }
    std::string user;
    if (auto at = rest.rfind('@'); at != std::string::npos) {
        user = rest.substr(0, at);
        rest.erase(0, at + 1);
        if (user.find(':') != std::string::npos) {
            diags.error(codes::password_in_uri, "the catalog URI carries a password",
                        "remove it from the URI and set PGPASSWORD (or use a ~/.pgpass file) instead",
                        scrub_secrets(uri));
            return std::nullopt;
        }
        user = percent_decode(user);
    }
    std::string host = rest, port;
    if (!host.empty() && host.front() == '[') {  // [ipv6]:port
        auto close = host.find(']');
        if (close == std::string::npos) {
            diags.error(codes::bad_uri, "the catalog URI has an unterminated [IPv6] host", {}, uri);
            return std::nullopt;
        }
        if (close + 1 < host.size() && host[close + 1] == ':') port = host.substr(close + 2);
        host = host.substr(1, close - 1);
    } else if (auto colon = host.rfind(':'); colon != std::string::npos) {
        port = host.substr(colon + 1);
        host.erase(colon);
    }
    if (!port.empty() && port.find_first_not_of("0123456789") != std::string::npos) {
        diags.error(codes::bad_uri, "the catalog URI has a port that is not a number: " + port,
                    "write postgresql://USER@HOST:PORT/DBNAME", scrub_secrets(uri));
        return std::nullopt;
    }
    Pairs conninfo;
    auto add = [&](const std::string& k, const std::string& v) {
        if (!v.empty()) conninfo.emplace_back(k, v);
    };
    add("host", percent_decode(host));
    add("port", port);
    add("dbname", dbname);
    add("user", user);
    std::size_t start = 0;
    while (start < query.size()) {
        auto amp = query.find('&', start);
        std::string kv = query.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
        start = amp == std::string::npos ? query.size() : amp + 1;
        if (kv.empty()) continue;
        auto eq = kv.find('=');
        if (eq == std::string::npos || eq == 0) {
            diags.error(codes::bad_uri, "the catalog URI has a query parameter without a value: " + kv,
                        "write ?key=value&key=value with libpq parameter names", scrub_secrets(uri));
            return std::nullopt;
        }
        add(percent_decode(kv.substr(0, eq)), percent_decode(kv.substr(eq + 1)));
    }
    return conninfo;
}

}  // namespace

std::string scrub_secrets(std::string text) {
    static const std::regex password_key(R"(password\s*=\s*('(\\.|[^'\\])*'?|[^\s]*))", std::regex::icase);
    static const std::regex url_password(R"((://[^:/@\s]*):[^@\s/]*@)");
    text = std::regex_replace(text, password_key, "password=***");
    return std::regex_replace(text, url_password, "$1:***@");
}

std::optional<CatalogUri> parse_uri(const std::string& uri, sdk::Diagnostics& diags) {
    const std::string usage =
        "use sqlite:PATH, postgresql:host=... dbname=... user=... or postgresql://USER@HOST:PORT/DBNAME";
    CatalogUri out;
    if (starts_with(uri, "sqlite:")) {
        out.backend = Backend::sqlite;
        out.connect = uri.substr(7);
        if (out.connect.empty()) {
            diags.error(codes::bad_uri, "the catalog URI names no SQLite file", usage, uri);
            return std::nullopt;
        }
        out.display = uri;
        return out;
    }
    if (starts_with(uri, "postgresql://") || starts_with(uri, "postgres://")) {
        auto pairs = url_to_pairs(uri, diags);
        if (!pairs) return std::nullopt;
        auto connect = write_conninfo(*pairs, false, diags);
        if (!connect) return std::nullopt;
        out.backend = Backend::postgresql;
        out.connect = *connect;
        out.display = scrub_secrets(uri);
        return out;
    }
    if (starts_with(uri, "postgresql:")) {
        auto pairs = read_conninfo(uri.substr(11), diags);
        if (!pairs) return std::nullopt;
        if (pairs->empty()) {
            diags.error(codes::bad_uri, "the catalog URI has an empty PostgreSQL connection string", usage,
                        "postgresql:");
            return std::nullopt;
        }
        auto connect = write_conninfo(*pairs, false, diags);
        if (!connect) return std::nullopt;
        out.backend = Backend::postgresql;
        out.connect = *connect;
        out.display = "postgresql:" + *write_conninfo(*pairs, true, diags);
        return out;
    }
    diags.error(codes::bad_uri, "the catalog URI has an unknown scheme: " + scrub_secrets(uri), usage);
    return std::nullopt;
}

}  // namespace ferry::catalog
