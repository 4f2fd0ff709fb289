#include "parameters.hpp"

#include <algorithm>
#include <map>
#include <regex>

namespace ferry::reader::ds {

namespace {

// DolphinScheduler's built-ins with an exact DataWorks counterpart.
const std::map<std::string, std::string>& builtins() {
    static const std::map<std::string, std::string> m = {
        {"system.biz.date", "$bizdate"},
        {"system.biz.curdate", "$[yyyymmdd]"},
        {"system.datetime", "$cyctime"},
        {"system.task.instance.id", "$taskid"},
    };
    return m;
}

// A Java date format (yyyyMMddHHmmss) in DataWorks' letters (yyyymmddhh24miss); false when it
// uses a letter DataWorks has none for (E, a, S, single M...).
bool translate_format(const std::string& in, std::string& out) {
    static const std::pair<const char*, const char*> tokens[] = {
        {"yyyy", "yyyy"}, {"yy", "yy"}, {"MM", "mm"}, {"dd", "dd"}, {"HH", "hh24"}, {"mm", "mi"}, {"ss", "ss"}};
    out.clear();
    bool any = false;
    for (std::size_t i = 0; i < in.size();) {
        bool matched = false;
        for (const auto& [from, to] : tokens) {
            const std::string f = from;
            if (in.compare(i, f.size(), f) == 0) {
                out += to;
                i += f.size();
                matched = any = true;
                break;
            }
        }
        if (matched) continue;
        const char c = in[i];
        if (c == '-' || c == ':' || c == '/' || c == ' ' || c == '_' || c == '.') {
            out += c;
            ++i;
            continue;
        }
        return false;
    }
    return any;
}

// Text that reads as one of DolphinScheduler's time expressions (a format letter or a function),
// so leaving it untranslated is worth a word; `$[1+2]` in a shell script is not one.
bool looks_like_time_expression(const std::string& inner) {
    if (inner.find('(') != std::string::npos) return true;
    return inner.find_first_of("yMdHms") != std::string::npos;
}

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string::npos) return {};
    const auto e = s.find_last_not_of(" \t");
    return s.substr(b, e - b + 1);
}

// One built-in found in a text: where it is, what it says, and DataWorks' form ("" when none).
struct Found {
    std::size_t at = 0;
    std::size_t length = 0;
    std::string original;
    std::string dataworks;
    bool reportable = true;  // false: `$[...]` that is no time expression
};

// Every `${system.*}` and `$[...]` in `text`, in order, with DataWorks' form of each.
template <typename Fn>
void scan(const std::string& text, Fn&& on_found) {
    for (std::size_t i = 0; i < text.size();) {
        const bool builtin = text.compare(i, 9, "${system.") == 0;
        if (!builtin && text.compare(i, 2, "$[") != 0) {
            ++i;
            continue;
        }
        const auto close = text.find(builtin ? '}' : ']', i);
        if (close == std::string::npos) break;
        Found f;
        f.at = i;
        f.length = close - i + 1;
        f.original = text.substr(i, f.length);
        const std::string inner = text.substr(i + 2, close - i - 2);
        if (builtin) {
            if (auto it = builtins().find(inner); it != builtins().end()) f.dataworks = it->second;
        } else {
            std::string out;
            if (translate_time_expression(inner, out)) f.dataworks = "$[" + out + "]";
            f.reportable = looks_like_time_expression(inner);
        }
        on_found(f);
        i = close + 1;
    }
}

}  // namespace

// A time expression is a few dozen characters; a longer text is none (and std::regex recurses once
// a character: 200 KB after a `$[` crashed the reader). The caller keeps it and says so.
constexpr std::size_t kMaxTimeExpression = 256;

bool translate_time_expression(const std::string& raw, std::string& out) {
    if (raw.size() > kMaxTimeExpression) return false;
    const std::string inner = trim(raw);
    static const std::regex add_months(R"(^add_months\(\s*([^,()]+?)\s*,\s*([+-]?\d+(?:\*[+-]?\d+)?)\s*\)$)");
    static const std::regex offset(R"(^(.*?)([+-]\d+(?:\*\d+)?(?:/24(?:/60)?)?)$)");
    std::smatch m;
    std::string format;
    if (std::regex_match(inner, m, add_months)) {
        if (!translate_format(m[1].str(), format)) return false;
        out = "add_months(" + format + "," + m[2].str() + ")";
        return true;
    }
    if (std::regex_match(inner, m, offset) && !m[1].str().empty()) {
        if (!translate_format(m[1].str(), format)) return false;
        out = format + m[2].str();
        return true;
    }
    if (!translate_format(inner, format)) return false;
    out = format;
    return true;
}

Translation translate_value(const std::string& value) {
    Translation t;
    std::size_t copied = 0;
    scan(value, [&](const Found& f) {
        t.text += value.substr(copied, f.at - copied);
        copied = f.at + f.length;
        if (f.dataworks.empty()) {
            t.text += f.original;
            if (f.reportable) t.kept.push_back(f.original);
        } else {
            t.text += f.dataworks;
            t.translated.push_back(f.original + " -> " + f.dataworks);
        }
    });
    t.text += value.substr(copied);
    return t;
}

CodeRewrite declare_builtins(const std::string& code, const std::vector<std::string>& taken_names) {
    CodeRewrite r;
    std::map<std::string, std::string> name_of;  // original -> declared name
    std::size_t copied = 0;
    int time_count = 0;
    auto taken = [&](const std::string& n) {
        if (std::find(taken_names.begin(), taken_names.end(), n) != taken_names.end()) return true;
        for (const auto& p : r.parameters)
            if (p.name == n) return true;
        return false;
    };
    scan(code, [&](const Found& f) {
        r.code += code.substr(copied, f.at - copied);
        copied = f.at + f.length;
        if (f.dataworks.empty()) {
            r.code += f.original;
            if (f.reportable && std::find(r.kept.begin(), r.kept.end(), f.original) == r.kept.end())
                r.kept.push_back(f.original);
            return;
        }
        auto it = name_of.find(f.original);
        if (it == name_of.end()) {
            std::string base;
            if (f.original[1] == '{') {
                base = f.original.substr(2, f.original.size() - 3);
                std::replace(base.begin(), base.end(), '.', '_');
            } else {
                base = "ds_time_" + std::to_string(++time_count);
            }
            std::string name = base;
            for (int n = 2; taken(name); ++n) name = base + "_" + std::to_string(n);
            r.parameters.push_back({name, f.dataworks, f.original});
            it = name_of.emplace(f.original, name).first;
        }
        r.code += "${" + it->second + "}";
    });
    r.code += code.substr(copied);
    return r;
}

}  // namespace ferry::reader::ds
