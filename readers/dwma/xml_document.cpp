#include "xml_document.hpp"

#include <cstdint>

#include "ferry/reader/utf8.hpp"

namespace ferry::reader::dwma {

const std::string* XmlElement::attribute(const std::string& key) const {
    for (const auto& [k, v] : attributes)
        if (k == key) return &v;
    return nullptr;
}

const XmlElement* XmlElement::child(const std::string& child_name) const {
    for (const auto& c : children)
        if (c.name == child_name) return &c;
    return nullptr;
}

std::vector<const XmlElement*> XmlElement::list(const std::string& wrapper, const std::string& item) const {
    std::vector<const XmlElement*> out;
    for (const auto& w : children)
        if (w.name == wrapper)
            for (const auto& c : w.children)
                if (c.name == item) out.push_back(&c);
    return out;
}

namespace {

constexpr int kMaxDepth = 256;


class Parser {
  public:
    Parser(const std::string& s, XmlError& e) : s_(s), err_(e) {}

    std::optional<XmlElement> document() {
        if (s_.compare(0, 3, "\xEF\xBB\xBF") == 0) advance(3);
        if (!misc()) return std::nullopt;
        if (at_end() || s_[i_] != '<') return fail("expected the root element, found " + found());
        XmlElement root;
        if (!element(root, 0)) return std::nullopt;
        if (!misc()) return std::nullopt;
        if (!at_end()) return fail("expected the end of the document after </" + root.name + ">, found " + found());
        return root;
    }

  private:
    bool at_end() const { return i_ >= s_.size(); }
    bool starts(const char* lit) const { return s_.compare(i_, std::char_traits<char>::length(lit), lit) == 0; }
    void advance(std::size_t n) {
        for (std::size_t k = 0; k < n && i_ < s_.size(); ++k, ++i_) {
            if (s_[i_] == '\n') {
                ++line_;
                col_ = 1;
            } else {
                ++col_;
            }
        }
    }
    static bool space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
    void skip_space() {
        while (!at_end() && space(s_[i_])) advance(1);
    }
    std::string found() const {
        if (at_end()) return "the end of the file";
        std::string f = s_.substr(i_, 12);
        if (auto nl = f.find('\n'); nl != std::string::npos) f.resize(nl);
        return "'" + f + "'";
    }
    std::nullopt_t fail(const std::string& message) {
        err_.line = line_;
        err_.column = col_;
        err_.message = message;
        failed_ = true;
        return std::nullopt;
    }
    bool failb(const std::string& message) {
        fail(message);
        return false;
    }

    // Comments, processing instructions (the XML declaration) and space around the root.
    bool misc() {
        for (;;) {
            skip_space();
            if (starts("<?")) {
                const auto end = s_.find("?>", i_);
                if (end == std::string::npos) return failb("a processing instruction is not closed by '?>'");
                advance(end + 2 - i_);
            } else if (starts("<!--")) {
                if (!comment()) return false;
            } else if (starts("<!DOCTYPE") || starts("<!doctype")) {
                return failb("a DOCTYPE is not read (DWMA files have none; entities and DTDs are refused)");
            } else {
                return true;
            }
        }
    }

    bool comment() {
        const auto end = s_.find("-->", i_ + 4);
        if (end == std::string::npos) return failb("a comment is not closed by '-->'");
        advance(end + 3 - i_);
        return true;
    }

    static bool name_char(char c) {
        return !(space(c) || c == '=' || c == '>' || c == '/' || c == '<' || c == '"' || c == '\'' || c == '\0');
    }

    bool name(std::string& out, const char* what) {
        const std::size_t start = i_;
        while (!at_end() && name_char(s_[i_])) advance(1);
        if (i_ == start) return failb("expected " + std::string(what) + ", found " + found());
        out = s_.substr(start, i_ - start);
        return true;
    }

    // Text up to `stop` with entity and character references decoded.
    bool decoded(std::string& out, char stop) {
        while (!at_end() && s_[i_] != stop) {
            if (stop == '<' && starts("]]>")) return failb("']]>' is not allowed in text");
            if (s_[i_] != '&') {
                if (stop != '<' && s_[i_] == '<') return failb("'<' is not allowed in an attribute value");
                out += s_[i_];
                advance(1);
                continue;
            }
            const auto semi = s_.find(';', i_);
            if (semi == std::string::npos || semi - i_ > 12) return failb("an '&' that starts no entity reference");
            const std::string ent = s_.substr(i_ + 1, semi - i_ - 1);
            if (ent == "lt") out += '<';
            else if (ent == "gt") out += '>';
            else if (ent == "amp") out += '&';
            else if (ent == "quot") out += '"';
            else if (ent == "apos") out += '\'';
            else if (ent.size() > 1 && ent[0] == '#') {
                std::uint32_t cp = 0;
                const bool hex = ent[1] == 'x' || ent[1] == 'X';
                const std::string digits = ent.substr(hex ? 2 : 1);
                if (digits.empty()) return failb("an empty character reference '&" + ent + ";'");
                for (char c : digits) {
                    int d = -1;
                    if (c >= '0' && c <= '9') d = c - '0';
                    else if (hex && c >= 'a' && c <= 'f') d = c - 'a' + 10;
                    else if (hex && c >= 'A' && c <= 'F') d = c - 'A' + 10;
                    if (d < 0) return failb("a malformed character reference '&" + ent + ";'");
                    cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(d);
                    if (cp > 0x10FFFF) return failb("a character reference beyond Unicode '&" + ent + ";'");
                }
                if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF))
                    return failb("a character reference to no character '&" + ent + ";'");
                append_utf8(out, cp);
            } else {
                return failb("an unknown entity '&" + ent + ";' (only &lt; &gt; &amp; &quot; &apos; and &#...; are read)");
            }
            advance(semi + 1 - i_);
        }
        return true;
    }

    bool element(XmlElement& el, int depth) {
        if (depth >= kMaxDepth) return failb("elements nested deeper than " + std::to_string(kMaxDepth) + " levels");
        el.line = line_;
        el.column = col_;
        advance(1);  // '<'
        if (!name(el.name, "an element name")) return false;
        for (;;) {
            const std::size_t before = i_;
            skip_space();
            if (at_end()) return failb("the start tag <" + el.name + "> is not closed");
            if (starts("/>")) {
                advance(2);
                return true;
            }
            if (s_[i_] == '>') {
                advance(1);
                break;
            }
            if (i_ == before) return failb("expected a space before the next attribute of <" + el.name + ">, found " + found());
            std::string key;
            if (!name(key, "an attribute name")) return false;
            skip_space();
            if (at_end() || s_[i_] != '=') return failb("expected '=' after the attribute '" + key + "', found " + found());
            advance(1);
            skip_space();
            if (at_end() || (s_[i_] != '"' && s_[i_] != '\''))
                return failb("expected a quoted value for the attribute '" + key + "', found " + found());
            const char quote = s_[i_];
            advance(1);
            std::string value;
            if (!decoded(value, quote)) return false;
            if (at_end()) return failb("the value of the attribute '" + key + "' is not closed");
            advance(1);
            if (el.attribute(key)) return failb("the attribute '" + key + "' is given twice in <" + el.name + ">");
            el.attributes.emplace_back(std::move(key), std::move(value));
        }
        // Content: text, CDATA, comments, child elements, then the end tag.
        for (;;) {
            if (at_end()) return failb("the element <" + el.name + "> (line " + std::to_string(el.line) + ") is not closed");
            if (starts("</")) {
                advance(2);
                std::string end;
                if (!name(end, "an element name")) return false;
                if (end != el.name)
                    return failb("the end tag </" + end + "> does not close <" + el.name + "> (line " +
                                 std::to_string(el.line) + ")");
                skip_space();
                if (at_end() || s_[i_] != '>') return failb("expected '>' to close </" + end + ">, found " + found());
                advance(1);
                return true;
            }
            if (starts("<![CDATA[")) {
                const auto end = s_.find("]]>", i_ + 9);
                if (end == std::string::npos) return failb("a CDATA section is not closed by ']]>'");
                el.text.append(s_, i_ + 9, end - i_ - 9);
                advance(end + 3 - i_);
            } else if (starts("<!--")) {
                if (!comment()) return false;
            } else if (starts("<?")) {
                const auto end = s_.find("?>", i_);
                if (end == std::string::npos) return failb("a processing instruction is not closed by '?>'");
                advance(end + 2 - i_);
            } else if (starts("<!")) {
                return failb("a declaration is not allowed inside an element, found " + found());
            } else if (s_[i_] == '<') {
                XmlElement c;
                if (!element(c, depth + 1)) return false;
                el.children.push_back(std::move(c));
            } else if (!decoded(el.text, '<')) {
                return false;
            }
        }
    }

    const std::string& s_;
    XmlError& err_;
    std::size_t i_ = 0, line_ = 1, col_ = 1;
    bool failed_ = false;
};

}  // namespace

std::optional<XmlElement> parse_xml(const std::string& text, XmlError& error) {
    Parser p(text, error);
    return p.document();
}

}  // namespace ferry::reader::dwma
