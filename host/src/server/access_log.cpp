#include "server/access_log.hpp"

#include "util/utf8.hpp"

namespace ferry::host::web {

namespace {

bool needs_escape(std::uint32_t cp) {
    return cp <= 0x20 || cp == 0x7f || cp == '\\' || (cp >= 0x80 && cp <= 0x9f) ||  // C0, space, DEL, C1
           cp == 0x2028 || cp == 0x2029 ||                                          // line, paragraph separator
           cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||       // bidi marks, overrides
           (cp >= 0x2066 && cp <= 0x2069);                                           // bidi isolates
}

void append_hex(std::string& out, unsigned char c) {
    static const char* hex = "0123456789abcdef";
    out += "\\x";
    out += hex[c >> 4];
    out += hex[c & 15];
}

}  // namespace

std::string escape_for_log(std::string_view text, bool keep_spaces) {
    std::string out;
    out.reserve(text.size());
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t next = pos;
        std::uint32_t cp = 0;
        if (!utf8_next(text, next, cp)) {
            append_hex(out, static_cast<unsigned char>(text[pos]));
            ++pos;
            continue;
        }
        if (needs_escape(cp) && !(keep_spaces && cp == ' '))
            for (std::size_t i = pos; i < next; ++i) append_hex(out, static_cast<unsigned char>(text[i]));
        else
            out.append(text.substr(pos, next - pos));
        pos = next;
    }
    return out;
}

void AccessLog::request(std::string_view method, std::string_view path, int status, std::string_view user, long ms) {
    const std::string line = "ferry serve: " + escape_for_log(method) + " " + escape_for_log(path) + " " +
                             std::to_string(status) + " " + (user.empty() ? "-" : escape_for_log(user)) + " " +
                             std::to_string(ms) + "ms\n";
    std::lock_guard lock(mutex_);
    out_ << line << std::flush;
}

void AccessLog::internal_error(std::string_view method, std::string_view path, std::string_view what) {
    const std::string line = "ferry serve: internal error answering " + escape_for_log(method) + " " +
                             escape_for_log(path) + ": " + escape_for_log(what, true) + "\n";
    std::lock_guard lock(mutex_);
    out_ << line << std::flush;
}

}  // namespace ferry::host::web
