#include "yaml_subset.hpp"

#include <cstdint>

#include "ferry/reader/utf8.hpp"
#include <stdexcept>

namespace ferry::reader::azkaban {

const YamlNode* YamlNode::get(const std::string& key) const {
    for (const auto& [k, v] : map)
        if (k == key) return &v;
    return nullptr;
}

namespace {

constexpr int kMaxDepth = 64;

// Thrown inside the parser only; parse_yaml turns it into a YamlError.
struct Refusal : std::runtime_error {
    std::size_t line, column;
    Refusal(std::size_t l, std::size_t c, const std::string& m) : std::runtime_error(m), line(l), column(c) {}
};

struct Line {
    std::string text;
    std::size_t number = 0;
    std::size_t offset = 0;  // where the content starts (past "- " once a sequence item took them)
    bool blank = false;      // empty or a comment alone
};


std::string rtrim(std::string s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
    return s;
}

class Parser {
  public:
    explicit Parser(const std::string& text) {
        std::size_t start = 0, number = 1;
        while (start < text.size() || (start == 0 && text.empty())) {
            auto end = text.find('\n', start);
            if (end == std::string::npos) end = text.size();
            Line l;
            l.text = text.substr(start, end - start);
            if (!l.text.empty() && l.text.back() == '\r') l.text.pop_back();
            l.number = number++;
            std::size_t i = 0;
            while (i < l.text.size() && l.text[i] == ' ') ++i;
            if (i < l.text.size() && l.text[i] == '\t')
                throw Refusal(l.number, i + 1, "a tab in indentation (YAML indents with spaces)");
            l.offset = i;
            l.blank = i == l.text.size() || l.text[i] == '#';
            lines_.push_back(std::move(l));
            if (end == text.size()) break;
            start = end + 1;
        }
        if (!lines_.empty() && lines_.front().text.compare(0, 3, "\xEF\xBB\xBF") == 0) lines_.front().text.erase(0, 3);
    }

    YamlNode document() {
        skip_blank();
        if (at_ < lines_.size() && lines_[at_].text[0] == '%')
            throw Refusal(lines_[at_].number, 1, "YAML directives ('%') are not read");
        if (at_ < lines_.size() && is_marker(lines_[at_], "---")) {
            const Line& l = lines_[at_];
            if (!rtrim(l.text.substr(3)).empty() && l.text.find_first_not_of(' ', 3) != std::string::npos &&
                l.text[l.text.find_first_not_of(' ', 3)] != '#')
                throw Refusal(l.number, 5, "content after '---' is not read: start the document on the next line");
            ++at_;
        }
        YamlNode root = block(0, 0);
        skip_blank();
        if (at_ < lines_.size()) {
            const Line& l = lines_[at_];
            if (is_marker(l, "---")) throw Refusal(l.number, 1, "a second YAML document ('---') is not read");
            if (is_marker(l, "...")) {
                ++at_;
                skip_blank();
                if (at_ < lines_.size()) throw Refusal(lines_[at_].number, 1, "content after the document end ('...')");
            } else {
                throw Refusal(l.number, l.offset + 1, "unexpected indentation: this line belongs to nothing above it");
            }
        }
        return root;
    }

  private:
    static bool is_marker(const Line& l, const char* m) {
        return l.offset == 0 && l.text.compare(0, 3, m) == 0 && (l.text.size() == 3 || l.text[3] == ' ');
    }

    void skip_blank() {
        while (at_ < lines_.size() && lines_[at_].blank) ++at_;
    }

    [[noreturn]] void fail(const Line& l, std::size_t col0, const std::string& m) const {
        throw Refusal(l.number, col0 + 1, m);
    }

    static bool seq_item(const Line& l) {
        const std::string& t = l.text;
        return l.offset < t.size() && t[l.offset] == '-' && (l.offset + 1 == t.size() || t[l.offset + 1] == ' ');
    }

    // Where a mapping key on this line ends (the ':'), or npos when the line is no `key: value`.
    std::size_t key_end(const Line& l) const {
        const std::string& t = l.text;
        std::size_t i = l.offset;
        if (i >= t.size()) return std::string::npos;
        const char c = t[i];
        if (c == '[' || c == '{' || c == '|' || c == '>' || c == '#') return std::string::npos;
        if (c == '"' || c == '\'') {
            std::size_t j = i + 1;
            for (; j < t.size(); ++j) {
                if (c == '\'' && t[j] == '\'' && j + 1 < t.size() && t[j + 1] == '\'') {
                    ++j;
                    continue;
                }
                if (c == '"' && t[j] == '\\') {
                    ++j;
                    continue;
                }
                if (t[j] == c) break;
            }
            if (j >= t.size()) return std::string::npos;
            std::size_t k = j + 1;
            while (k < t.size() && t[k] == ' ') ++k;
            return k < t.size() && t[k] == ':' && (k + 1 == t.size() || t[k + 1] == ' ') ? k : std::string::npos;
        }
        for (std::size_t j = i; j < t.size(); ++j) {
            if (t[j] == '#' && j > i && t[j - 1] == ' ') return std::string::npos;
            if (t[j] == ':' && (j + 1 == t.size() || t[j + 1] == ' ')) return j;
        }
        return std::string::npos;
    }

    // A node whose first line is indented at least `min` (its column is the first line's offset).
    YamlNode block(std::size_t min, int depth) {
        if (depth > kMaxDepth) fail(lines_[at_], lines_[at_].offset, "nested deeper than 64 levels");
        skip_blank();
        YamlNode n;
        if (at_ >= lines_.size() || lines_[at_].offset < min) return n;
        Line& l = lines_[at_];
        if (is_marker(l, "---") || is_marker(l, "...")) return n;
        if (l.text.compare(l.offset, 2, "? ") == 0 || l.text.substr(l.offset) == "?")
            fail(l, l.offset, "complex mapping keys ('?') are not read");
        if (seq_item(l)) return sequence(l.offset, depth);
        if (key_end(l) != std::string::npos) return mapping(l.offset, depth);
        // A scalar alone (a value on the line below its key).
        ++at_;
        return inline_value(l, l.offset, min == 0 ? 0 : min - 1, depth);
    }

    YamlNode mapping(std::size_t indent, int depth) {
        YamlNode m;
        m.kind = YamlNode::Kind::map;
        m.line = lines_[at_].number;
        m.column = indent + 1;
        for (;;) {
            skip_blank();
            if (at_ >= lines_.size()) break;
            Line& l = lines_[at_];
            if (l.offset < indent || is_marker(l, "---") || is_marker(l, "...")) break;
            if (l.offset > indent) fail(l, l.offset, "unexpected indentation in a mapping");
            if (seq_item(l)) break;  // a sequence at the key's indentation ends with the mapping above
            if (l.text.compare(l.offset, 2, "? ") == 0) fail(l, l.offset, "complex mapping keys ('?') are not read");
            const std::size_t colon = key_end(l);
            if (colon == std::string::npos)
                fail(l, l.offset, "expected 'key: value' in a mapping, found '" + rtrim(l.text.substr(l.offset)) + "'");
            std::string key = rtrim(l.text.substr(l.offset, colon - l.offset));
            if (key[0] == '"' || key[0] == '\'') {
                std::size_t end = 0;
                key = quoted(l, l.offset, end);
            } else if (key[0] == '&' || key[0] == '*' || key[0] == '!') {
                fail(l, l.offset, "anchors, aliases and tags ('&', '*', '!') are not read");
            }
            for (const auto& [k, v] : m.map)
                if (k == key) fail(l, l.offset, "the key '" + key + "' is given twice in one mapping");
            ++at_;
            std::size_t v = colon + 1;
            while (v < l.text.size() && l.text[v] == ' ') ++v;
            YamlNode value;
            if (v >= l.text.size() || l.text[v] == '#') {
                skip_blank();
                if (at_ < lines_.size() && lines_[at_].offset > indent) {
                    value = block(lines_[at_].offset, depth + 1);
                } else if (at_ < lines_.size() && lines_[at_].offset == indent && seq_item(lines_[at_])) {
                    value = sequence(indent, depth + 1);
                } else {
                    value.line = l.number;
                    value.column = v + 1;
                }
            } else {
                value = inline_value(l, v, indent, depth + 1);
            }
            m.map.push_back({std::move(key), std::move(value)});
        }
        return m;
    }

    YamlNode sequence(std::size_t indent, int depth) {
        YamlNode s;
        s.kind = YamlNode::Kind::seq;
        s.line = lines_[at_].number;
        s.column = indent + 1;
        for (;;) {
            skip_blank();
            if (at_ >= lines_.size()) break;
            Line& l = lines_[at_];
            if (l.offset < indent || is_marker(l, "---") || is_marker(l, "...")) break;
            if (l.offset > indent) fail(l, l.offset, "unexpected indentation in a sequence");
            if (!seq_item(l)) break;
            std::size_t v = l.offset + 1;
            while (v < l.text.size() && l.text[v] == ' ') ++v;
            if (v >= l.text.size() || l.text[v] == '#') {
                ++at_;
                skip_blank();
                if (at_ < lines_.size() && lines_[at_].offset > indent) s.seq.push_back(block(lines_[at_].offset, depth + 1));
                else s.seq.push_back(YamlNode{});
                continue;
            }
            // The item's content starts past "- ": read it as a block indented there.
            l.offset = v;
            if (seq_item(l) || key_end(l) != std::string::npos) {
                s.seq.push_back(block(v, depth + 1));
            } else {
                ++at_;
                s.seq.push_back(inline_value(l, v, indent, depth + 1));
            }
        }
        return s;
    }

    // A value that starts on line `l` at column `v`; `parent` is the indentation of its key or dash.
    YamlNode inline_value(const Line& l, std::size_t v, std::size_t parent, int depth) {
        YamlNode n;
        n.line = l.number;
        n.column = v + 1;
        const char c = l.text[v];
        if (c == '&' || c == '*' || c == '!') fail(l, v, "anchors, aliases and tags ('&', '*', '!') are not read");
        if (c == '@' || c == '`') fail(l, v, "a plain value cannot start with '" + std::string(1, c) + "'; quote it");
        if (c == '|' || c == '>') return block_scalar(l, v, parent);
        if (c == '[' || c == '{') {
            std::size_t i = v;
            n = flow(l, i, depth);
            rest_is_comment(l, i);
            return n;
        }
        n.kind = YamlNode::Kind::scalar;
        if (c == '"' || c == '\'') {
            std::size_t end = 0;
            n.scalar = quoted(l, v, end);
            rest_is_comment(l, end);
            return n;
        }
        n.scalar = plain(l, v);
        // A plain scalar may go on over more indented lines, folded with spaces.
        for (;;) {
            std::size_t k = at_;
            while (k < lines_.size() && lines_[k].text.find_first_not_of(' ') == std::string::npos) ++k;
            if (k >= lines_.size() || lines_[k].offset <= parent || lines_[k].blank) break;
            const Line& next = lines_[k];
            if (seq_item(next) || key_end(next) != std::string::npos)
                fail(next, next.offset, "a mapping or sequence cannot follow a plain value on the lines below it");
            for (std::size_t e = at_; e < k; ++e) n.scalar += '\n';
            if (k == at_) n.scalar += ' ';
            n.scalar += plain(next, next.offset);
            at_ = k + 1;
        }
        if (n.scalar == "~" || n.scalar == "null" || n.scalar == "Null" || n.scalar == "NULL") {
            n.kind = YamlNode::Kind::null;
            n.scalar.clear();
        }
        return n;
    }

    void rest_is_comment(const Line& l, std::size_t i) const {
        while (i < l.text.size() && l.text[i] == ' ') ++i;
        if (i < l.text.size() && l.text[i] != '#') fail(l, i, "unexpected text after the value: '" + rtrim(l.text.substr(i)) + "'");
    }

    // A plain scalar from column i to a comment or the end of the line.
    std::string plain(const Line& l, std::size_t i) const {
        std::size_t end = l.text.size();
        for (std::size_t j = i; j < l.text.size(); ++j)
            if (l.text[j] == '#' && j > i && l.text[j - 1] == ' ') {
                end = j;
                break;
            }
        std::string s = rtrim(l.text.substr(i, end - i));
        for (std::size_t j = 0; j + 1 < s.size(); ++j)
            if (s[j] == ':' && s[j + 1] == ' ') fail(l, i + j, "': ' inside a plain value; quote the value");
        return s;
    }

    std::string quoted(const Line& l, std::size_t i, std::size_t& end) const {
        const char q = l.text[i];
        std::string out;
        std::size_t j = i + 1;
        for (; j < l.text.size(); ++j) {
            const char c = l.text[j];
            if (q == '\'') {
                if (c == '\'') {
                    if (j + 1 < l.text.size() && l.text[j + 1] == '\'') {
                        out += '\'';
                        ++j;
                        continue;
                    }
                    break;
                }
                out += c;
                continue;
            }
            if (c == '"') break;
            if (c != '\\') {
                out += c;
                continue;
            }
            if (++j >= l.text.size()) fail(l, j - 1, "a '\\' at the end of a line in a double-quoted string is not read");
            const char e = l.text[j];
            switch (e) {
                case 'n': out += '\n'; break;
                case 't': case '\t': out += '\t'; break;
                case 'r': out += '\r'; break;
                case '0': out += '\0'; break;
                case 'a': out += '\a'; break;
                case 'b': out += '\b'; break;
                case 'e': out += '\x1b'; break;
                case 'f': out += '\f'; break;
                case 'v': out += '\v'; break;
                case ' ': out += ' '; break;
                case '/': out += '/'; break;
                case '"': out += '"'; break;
                case '\\': out += '\\'; break;
                case 'N': append_utf8(out, 0x85); break;
                case '_': append_utf8(out, 0xA0); break;
                case 'L': append_utf8(out, 0x2028); break;
                case 'P': append_utf8(out, 0x2029); break;
                case 'x': case 'u': case 'U': {
                    const int digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                    std::uint32_t cp = 0;
                    for (int k = 1; k <= digits; ++k) {
                        const char h = j + k < l.text.size() ? l.text[j + k] : '\0';
                        int d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
                        if (d < 0) fail(l, j - 1, "a malformed '\\" + std::string(1, e) + "' escape");
                        cp = cp * 16 + static_cast<std::uint32_t>(d);
                    }
                    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) fail(l, j - 1, "an escape to no character");
                    append_utf8(out, cp);
                    j += digits;
                    break;
                }
                default: fail(l, j - 1, "an unknown escape '\\" + std::string(1, e) + "' in a double-quoted string");
            }
        }
        if (j >= l.text.size())
            fail(l, i, std::string("a ") + (q == '"' ? "double" : "single") +
                           "-quoted string must end on its line (use '|' for text over several lines)");
        end = j + 1;
        return out;
    }

    // [a, b] or {k: v} on one line; `i` moves past the closing bracket.
    YamlNode flow(const Line& l, std::size_t& i, int depth) {
        if (depth > kMaxDepth) fail(l, i, "nested deeper than 64 levels");
        const char open = l.text[i], close = open == '[' ? ']' : '}';
        YamlNode n;
        n.kind = open == '[' ? YamlNode::Kind::seq : YamlNode::Kind::map;
        n.line = l.number;
        n.column = i + 1;
        ++i;
        auto space = [&] {
            while (i < l.text.size() && l.text[i] == ' ') ++i;
        };
        auto item = [&]() -> YamlNode {
            space();
            YamlNode v;
            v.line = l.number;
            v.column = i + 1;
            if (i >= l.text.size()) return v;
            const char c = l.text[i];
            if (c == '[' || c == '{') return flow(l, i, depth + 1);
            if (c == '&' || c == '*' || c == '!') fail(l, i, "anchors, aliases and tags ('&', '*', '!') are not read");
            v.kind = YamlNode::Kind::scalar;
            if (c == '"' || c == '\'') {
                std::size_t end = 0;
                v.scalar = quoted(l, i, end);
                i = end;
                return v;
            }
            const std::size_t start = i;
            while (i < l.text.size() && l.text[i] != ',' && l.text[i] != ']' && l.text[i] != '}' &&
                   !(l.text[i] == ':' && n.kind == YamlNode::Kind::map && (i + 1 < l.text.size() && l.text[i + 1] == ' ')) &&
                   !(l.text[i] == '#' && i > start && l.text[i - 1] == ' '))
                ++i;
            v.scalar = rtrim(l.text.substr(start, i - start));
            return v;
        };
        for (;;) {
            space();
            if (i >= l.text.size() || l.text[i] == '#')
                fail(l, n.column - 1, std::string("a flow ") + (open == '[' ? "sequence" : "mapping") +
                                          " must close on its line (write it as a block over several lines)");
            if (l.text[i] == close) {
                ++i;
                return n;
            }
            if (n.kind == YamlNode::Kind::seq) {
                n.seq.push_back(item());
            } else {
                YamlNode k = item();
                space();
                if (i >= l.text.size() || l.text[i] != ':') fail(l, i, "expected ':' after a key in a flow mapping");
                ++i;
                YamlNode v = item();
                for (const auto& [key, val] : n.map)
                    if (key == k.scalar) fail(l, k.column - 1, "the key '" + k.scalar + "' is given twice in one mapping");
                n.map.push_back({k.scalar, std::move(v)});
            }
            space();
            if (i < l.text.size() && l.text[i] == ',') ++i;
            else if (i < l.text.size() && l.text[i] != close) fail(l, i, std::string("expected ',' or '") + close + "'");
        }
    }

    // | or > with optional chomping (- +) and indentation (1-9) indicators.
    YamlNode block_scalar(const Line& l, std::size_t v, std::size_t parent) {
        YamlNode n;
        n.kind = YamlNode::Kind::scalar;
        n.line = l.number;
        n.column = v + 1;
        const bool folded = l.text[v] == '>';
        char chomp = 'c';
        std::size_t explicit_indent = 0;
        std::size_t i = v + 1;
        for (; i < l.text.size() && l.text[i] != ' '; ++i) {
            const char c = l.text[i];
            if ((c == '-' || c == '+') && chomp == 'c') chomp = c;
            else if (c >= '1' && c <= '9' && !explicit_indent) explicit_indent = static_cast<std::size_t>(c - '0');
            else fail(l, i, "expected '-', '+' or an indentation digit after '" + std::string(1, l.text[v]) + "'");
        }
        rest_is_comment(l, i);
        std::size_t indent = explicit_indent ? parent + explicit_indent : 0;
        std::vector<std::string> body;
        while (at_ < lines_.size()) {
            const Line& b = lines_[at_];
            const bool empty = b.text.find_first_not_of(' ') == std::string::npos;
            if (!empty) {
                if (!indent) {
                    if (b.offset <= parent) break;
                    indent = b.offset;
                }
                if (b.offset < indent) break;
            }
            body.push_back(empty ? std::string() : b.text.substr(indent));
            ++at_;
        }
        std::size_t trailing = 0;
        while (!body.empty() && body.back().find_first_not_of(' ') == std::string::npos) {
            body.pop_back();
            ++trailing;
        }
        std::string text;
        if (!folded) {
            for (std::size_t k = 0; k < body.size(); ++k) text += (k ? "\n" : "") + body[k];
        } else {
            std::size_t empties = 0;
            bool first = true, prev_more = false;
            for (const auto& b : body) {
                if (b.empty()) {
                    ++empties;
                    continue;
                }
                const bool more = b[0] == ' ';
                if (first) text += std::string(empties, '\n') + b;
                else if (!empties && !more && !prev_more) text += " " + b;
                else text += std::string(empties + (more || prev_more ? 1 : 0), '\n') + b;
                first = false;
                empties = 0;
                prev_more = more;
            }
        }
        if (chomp != '-' && !body.empty()) text += '\n';
        if (chomp == '+') text += std::string(trailing, '\n');
        n.scalar = std::move(text);
        return n;
    }

    std::vector<Line> lines_;
    std::size_t at_ = 0;
};

}  // namespace

std::optional<YamlNode> parse_yaml(const std::string& text, YamlError& error) {
    try {
        Parser p(text);
        return p.document();
    } catch (const Refusal& r) {
        error.line = r.line;
        error.column = r.column;
        error.message = r.what();
        return std::nullopt;
    }
}

}  // namespace ferry::reader::azkaban
