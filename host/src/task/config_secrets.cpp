#include "task/config_secrets.hpp"

#include <algorithm>
#include <cctype>
#include <functional>

#include "ferry/cloud/redact.hpp"

namespace ferry::host {

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

// libpq's `password=` key, in a DSN or a URI's query.
bool has_password_key(const std::string& value) {
    const std::string v = lower(value);
    for (std::size_t at = v.find("password"); at != std::string::npos; at = v.find("password", at + 1)) {
        std::size_t i = at + 8;
        while (i < v.size() && (v[i] == ' ' || v[i] == '\t')) ++i;
        const bool word_start = at == 0 || !(std::isalnum(static_cast<unsigned char>(v[at - 1])) || v[at - 1] == '_');
        if (word_start && i < v.size() && v[i] == '=') return true;
    }
    return false;
}

// scheme://user:secret@host
bool has_user_password(const std::string& value) {
    const auto scheme = value.find("://");
    if (scheme == std::string::npos) return false;
    const auto end = value.find_first_of("/?#", scheme + 3);
    const std::string authority = value.substr(scheme + 3, end == std::string::npos ? std::string::npos : end - scheme - 3);
    const auto at = authority.rfind('@');
    return at != std::string::npos && authority.substr(0, at).find(':') != std::string::npos;
}

void walk(const TomlValue& v, const std::string& path, const std::string& key,
          const std::function<void(const TomlValue&, const std::string&, const std::string&)>& visit) {
    if (v.type == TomlValue::Type::table) {
        for (const auto& e : v.entries) walk(e.value, path.empty() ? e.key : path + "." + e.key, e.key, visit);
    } else if (v.type == TomlValue::Type::array) {
        for (std::size_t i = 0; i < v.items.size(); ++i)
            walk(v.items[i], path + "[" + std::to_string(i) + "]", key, visit);
    } else {
        visit(v, path, key);
    }
}

}  // namespace

void refuse_written_secrets(const TomlValue& doc, sdk::Diagnostics& diags) {
    walk(doc, "", "", [&](const TomlValue& v, const std::string& path, const std::string& key) {
        if (v.type != TomlValue::Type::string || v.text.empty()) return;
        std::string what;
        if (cloud::secret_field(key)) what = "'" + path + "' is a secret written into the task file";
        else if (has_password_key(v.text)) what = "'" + path + "' carries a password (password=...)";
        else if (has_user_password(v.text)) what = "'" + path + "' carries a password (user:password@ in the address)";
        if (what.empty()) return;
        diags.error(kConfigSecret, what + "; ferry stores a task's settings and never stores a secret",
                    "put it in an environment variable or a file and name that instead (password_env for an "
                    "engine, PGPASSWORD or ~/.pgpass for a PostgreSQL catalog, *_env / *_file keys for sources); "
                    "nothing was written",
                    v.where);
    });
}

std::string redact_settings_text(const std::string& text, const TomlValue& doc, std::size_t& redactions) {
    std::vector<std::string> secrets;
    walk(doc, "", "", [&](const TomlValue& v, const std::string&, const std::string&) {
        if (v.type != TomlValue::Type::string) return;
        for (auto& s : cloud::url_secrets(v.text))
            if (s != kRedacted) secrets.push_back(std::move(s));
    });
    // Longest first, so a value that contains another is replaced whole.
    std::sort(secrets.begin(), secrets.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
    std::string out = text;
    redactions = 0;
    for (const auto& s : secrets) {
        if (s.empty()) continue;
        for (auto at = out.find(s); at != std::string::npos; at = out.find(s, at + std::string(kRedacted).size())) {
            out.replace(at, s.size(), kRedacted);
            ++redactions;
        }
    }
    return out;
}

bool settings_were_redacted(const TomlValue& doc) {
    bool found = false;
    walk(doc, "", "", [&](const TomlValue& v, const std::string&, const std::string&) {
        if (v.type != TomlValue::Type::string || v.text.find(kRedacted) == std::string::npos) return;
        if (cloud::redact_url(v.text) == v.text && v.text.find(std::string("=") + kRedacted) != std::string::npos)
            found = true;
    });
    return found;
}

}  // namespace ferry::host
