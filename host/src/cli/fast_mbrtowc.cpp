// The C library's mbrtowc, answered here for the one case that is hot and has one answer.
//
// libarchive's zip reader turns every entry's name into wide characters, with one mbrtowc call
// per character (archive_wstring_append_from_mbs), only to look for a trailing '/'. Most zips now
// go through ferry's own reader (package/zip_walker.hpp), which converts nothing; the zips
// libarchive still reads (one that does not start with a local header) and its tar names do. glibc runs
// each call through the locale's gconv converter: about 250 instructions a character, a tenth of
// all the instructions of `ferry check` on a package of small files, on the thread that bounds
// the read. Defined in the executable, this mbrtowc comes first in the process's symbol lookup,
// so libarchive's calls (and any other library's) land here.
//
// It answers only what every conforming C library answers alike: a whole, valid UTF-8 sequence,
// read from the initial shift state, under a UTF-8 character type (ferry sets C.UTF-8, see
// main.cpp). Everything else (another codeset, bytes cut short or not UTF-8, a state in the middle
// of a character, a null pointer) goes to the C library's own mbrtowc, unchanged.
// tests/host/utf8_char_test.cpp holds the decoding to glibc's on every one- and two-byte
// sequence, every three-byte one that starts with a three-byte lead (E0-EF: the lead alone says
// how many bytes follow) and 4.2 million of four; Cli.ZipEntryNamesReachTheBinarysChecksAsWritten
// runs the binary.
#include <dlfcn.h>
#include <langinfo.h>

#include <cerrno>
#include <cstring>
#include <cwchar>

#include "util/utf8.hpp"

namespace {

using Mbrtowc = std::size_t (*)(wchar_t*, const char*, std::size_t, std::mbstate_t*);

Mbrtowc c_library_mbrtowc() {
    static const Mbrtowc next = reinterpret_cast<Mbrtowc>(dlsym(RTLD_NEXT, "mbrtowc"));
    return next;
}

// Asked on every call (a thread may switch locales with uselocale); the codeset's name is
// compared only when it is not the one last found to be UTF-8. glibc keeps the locale data it
// has loaded for the life of the process, so a pointer once found to name UTF-8 still does.
bool utf8_character_type() {
    static thread_local const char* known_utf8 = nullptr;
    const char* codeset = nl_langinfo(CODESET);
    if (codeset == known_utf8) return true;
    if (std::strcmp(codeset, "UTF-8") != 0) return false;
    known_utf8 = codeset;
    return true;
}

}  // namespace

extern "C" std::size_t mbrtowc(wchar_t* pwc, const char* s, std::size_t n, std::mbstate_t* ps) {
    if (s != nullptr && n > 0 && ps != nullptr && std::mbsinit(ps) && utf8_character_type()) {
        const auto first = static_cast<unsigned char>(*s);
        if (first < 0x80) {  // most of a name
            if (pwc != nullptr) *pwc = static_cast<wchar_t>(first);
            return first == 0 ? 0 : 1;
        }
        std::uint32_t cp = 0;
        if (const int length = ferry::host::utf8_char(s, n, cp); length > 0) {
            if (pwc != nullptr) *pwc = static_cast<wchar_t>(cp);
            return cp == 0 ? 0 : static_cast<std::size_t>(length);
        }
    }
    const Mbrtowc next = c_library_mbrtowc();
    if (next == nullptr) {  // no C library behind the executable: cannot happen with a dynamic libc
        errno = EILSEQ;
        return static_cast<std::size_t>(-1);
    }
    return next(pwc, s, n, ps);
}
