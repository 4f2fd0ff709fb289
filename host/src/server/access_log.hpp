// The access log (stderr): one line per request, with method, path, status, user and time only,
// so no token, cookie or body can end up in it. Everything a client chose is escaped, so a line
// always is one request: a client cannot start a line of its own or shift the fields.
#pragma once

#include <mutex>
#include <ostream>
#include <string>
#include <string_view>

namespace ferry::host::web {

// Every byte of a control character (C0, DEL, C1, the line and paragraph separators and the
// marks that reorder text), of a backslash, of a space when it would split a field, and every
// byte that is not UTF-8, as \xNN.
std::string escape_for_log(std::string_view text, bool keep_spaces = false);

class AccessLog {
  public:
    explicit AccessLog(std::ostream& out) : out_(out) {}

    void request(std::string_view method, std::string_view path, int status, std::string_view user, long ms);
    // What went wrong inside the server: kept out of the answer, which says only that it failed.
    void internal_error(std::string_view method, std::string_view path, std::string_view what);

  private:
    std::ostream& out_;
    std::mutex mutex_;
};

}  // namespace ferry::host::web
