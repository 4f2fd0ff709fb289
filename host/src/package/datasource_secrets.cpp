#include "package/datasource_secrets.hpp"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "ferry/cloud/redact.hpp"
#include "util/json_diff.hpp"

namespace ferry::host {

using json = nlohmann::json;

namespace {

// Every secret-valued field below `j`, recursively; removes them when `strip`.
void walk(json& j, const std::string& at, bool strip, std::vector<std::string>& out) {
    if (j.is_object()) {
        for (auto it = j.begin(); it != j.end();) {
            const std::string path = at + "/" + pointer_token(it.key());
            if (cloud::secret_field(it.key()) && !it->is_null() && !(it->is_string() && it->get<std::string>().empty())) {
                out.push_back(path);
                if (strip) {
                    it = j.erase(it);
                    continue;
                }
            } else {
                walk(*it, path, strip, out);
            }
            ++it;
        }
    } else if (j.is_array()) {
        for (std::size_t i = 0; i < j.size(); ++i) walk(j[i], at + "/" + std::to_string(i), strip, out);
    }
}

bool mentions_a_secret(const std::string& text) {
    std::string t = text;
    std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
    for (const char* word : {"password", "passwd", "secret", "token", "private"})
        if (t.find(word) != std::string::npos) return true;
    return false;
}

}  // namespace

std::vector<std::string> config_secret_paths(const std::string& config) {
    std::vector<std::string> out;
    json j = json::parse(config, nullptr, false);
    if (j.is_discarded()) {
        if (mentions_a_secret(config)) out.push_back("");
        return out;
    }
    walk(j, "", false, out);
    return out;
}

std::string config_without_secrets(const std::string& config) {
    json j = json::parse(config, nullptr, false);
    if (j.is_discarded()) return mentions_a_secret(config) ? "" : config;
    std::vector<std::string> removed;
    walk(j, "", true, removed);
    return removed.empty() ? config : j.dump();
}

}  // namespace ferry::host
