#include "object_names.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cwctype>
#include <locale.h>

namespace ferry::reader::ds {

namespace {

constexpr std::size_t kMaxLength = 128;

// Letter classes from the C.UTF-8 locale (glibc carries the full tables), whatever the user's own.
// Freed when the plugin is unloaded: a bare static pointer was reported as a leak at exit.
class CUtf8Locale {
  public:
    CUtf8Locale() : loc_(newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr))) {}
    ~CUtf8Locale() {
        if (loc_) freelocale(loc_);
    }
    CUtf8Locale(const CUtf8Locale&) = delete;
    CUtf8Locale& operator=(const CUtf8Locale&) = delete;
    locale_t get() const { return loc_; }

  private:
    locale_t loc_;
};

bool unicode_alnum(std::uint32_t cp) {
    static const CUtf8Locale c_utf8;
    return c_utf8.get() && iswalnum_l(static_cast<wint_t>(cp), c_utf8.get()) != 0;
}

// One code point from `s` at `pos`; false (and one byte consumed) when the bytes are not UTF-8.
bool next_code_point(const std::string& s, std::size_t& pos, std::uint32_t& cp) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
    const unsigned char b = byte(pos);
    std::size_t len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || pos + len > s.size()) {
        ++pos;
        return false;
    }
    cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
    for (std::size_t i = 1; i < len; ++i) {
        if ((byte(pos + i) & 0xC0) != 0x80) {
            ++pos;
            return false;
        }
        cp = (cp << 6) | (byte(pos + i) & 0x3F);
    }
    pos += len;
    return true;
}

}  // namespace

std::string acceptable_name(const std::string& name) {
    std::string out;
    std::size_t pos = 0, count = 0;
    while (pos < name.size() && count < kMaxLength) {
        const std::size_t start = pos;
        std::uint32_t cp = 0;
        const bool valid = next_code_point(name, pos, cp);
        bool ok = false;
        if (valid && cp < 0x80) ok = std::isalnum(static_cast<int>(cp)) || cp == '_' || cp == '.' || cp == '-';
        else if (valid) ok = unicode_alnum(cp);
        out += ok ? name.substr(start, pos - start) : std::string("_");
        ++count;
    }
    return out.empty() ? std::string("unnamed") : out;
}

std::string NameScope::key(const std::string& name) const {
    if (!case_insensitive_) return name;
    std::string k = name;
    std::transform(k.begin(), k.end(), k.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return k;
}

std::string NameScope::claim(const std::string& wanted) {
    std::string name = wanted;
    for (int n = 2; taken_.count(key(name)); ++n) name = wanted + "_" + std::to_string(n);
    taken_.insert(key(name));
    return name;
}

}  // namespace ferry::reader::ds
