#include "package/object_names.hpp"

#include <clocale>
#include <cwctype>
#include <locale.h>

#include "util/utf8.hpp"

namespace ferry::host {

namespace {

// Unicode letter classes come from the C.UTF-8 locale (glibc carries full tables), independent of
// the user's own locale.
locale_t utf8_locale() {
    static locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
    return loc;
}

std::string describe(std::uint32_t cp) {
    switch (cp) {
        case ' ': return "a space (U+0020)";
        case '\t': return "a tab (U+0009)";
        case '"': return "a double quote (U+0022)";
        case '\'': return "a single quote (U+0027)";
        case '`': return "a back quote (U+0060)";
        case ';': return "a semicolon (U+003B)";
        case '/': return "a slash (U+002F)";
        case '\\': return "a backslash (U+005C)";
        default: break;
    }
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) return "a control character (" + codepoint_label(cp) + ")";
    if (cp < 0x80) return "'" + std::string(1, static_cast<char>(cp)) + "' (" + codepoint_label(cp) + ")";
    return "the character " + codepoint_label(cp);
}

}  // namespace

std::string object_name_problem(const std::string& name) {
    if (name.empty()) return "the name is empty";
    if (!valid_utf8(name)) return "the name is not valid UTF-8";
    const std::size_t length = utf8_length(name);
    if (length > kMaxObjectNameLength)
        return "the name is " + std::to_string(length) + " characters long; at most " +
               std::to_string(kMaxObjectNameLength) + " are allowed";
    std::size_t pos = 0, index = 0;
    std::uint32_t cp = 0;
    while (pos < name.size()) {
        utf8_next(name, pos, cp);
        ++index;
        bool ok = false;
        if (cp < 0x80) ok = std::isalnum(static_cast<int>(cp)) || cp == '_' || cp == '.' || cp == '-';
        else if (utf8_locale()) ok = iswalnum_l(static_cast<wint_t>(cp), utf8_locale()) != 0;
        if (!ok) return "the name contains " + describe(cp) + " at position " + std::to_string(index);
    }
    return {};
}

}  // namespace ferry::host
