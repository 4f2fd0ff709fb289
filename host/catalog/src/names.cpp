// Text forms of what the catalog stores: kinds, actions, journal statuses and timestamps.
#include <chrono>
#include <cstdio>
#include <ctime>
#include <optional>

#include "ferry/catalog/catalog.hpp"

namespace ferry::catalog {

const char* to_string(JournalStatus s) {
    switch (s) {
        case JournalStatus::pending: return "pending";
        case JournalStatus::succeeded: return "succeeded";
        case JournalStatus::failed: return "failed";
        case JournalStatus::conflict: return "conflict";
        case JournalStatus::unchanged: return "unchanged";
        case JournalStatus::skipped: return "skipped";
    }
    return "pending";
}

std::optional<JournalStatus> journal_status_from_string(const std::string& s) {
    for (auto v : {JournalStatus::pending, JournalStatus::succeeded, JournalStatus::failed, JournalStatus::conflict,
                   JournalStatus::unchanged, JournalStatus::skipped})
        if (s == to_string(v)) return v;
    return std::nullopt;
}

std::optional<sdk::ObjectKind> object_kind_from_string(const std::string& s) {
    for (auto v : sdk::kAllObjectKinds)
        if (s == sdk::to_string(v)) return v;
    return std::nullopt;
}

std::optional<sdk::Action> action_from_string(const std::string& s) {
    using sdk::Action;
    for (auto v : {Action::create, Action::update, Action::unchanged, Action::conflict, Action::fail})
        if (s == sdk::to_string(v)) return v;
    return std::nullopt;
}

std::string now_iso8601_utc() {
    const auto now = std::chrono::system_clock::now();
    const auto ms = static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000);
    const std::time_t t = std::chrono::system_clock::to_time_t(now);
    // An import stamps every object and journal entry: the date and time down to the second are
    // formatted once per second and thread, the milliseconds by hand.
    thread_local std::time_t formatted_second = -1;
    thread_local char text[32] = {};  // "YYYY-MM-DDTHH:MM:SS" then ".mmmZ"
    if (t != formatted_second) {
        std::tm tm{};
        gmtime_r(&t, &tm);
        std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                      tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
        formatted_second = t;
    }
    std::string out(text);
    out += '.';
    out += static_cast<char>('0' + ms / 100);
    out += static_cast<char>('0' + ms / 10 % 10);
    out += static_cast<char>('0' + ms % 10);
    out += 'Z';
    return out;
}

std::optional<double> seconds_since(const std::string& iso) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, ms = 0;
    char z = 0;
    if (std::sscanf(iso.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3d%c", &y, &mo, &d, &h, &mi, &sec, &ms, &z) != 8 || z != 'Z')
        return std::nullopt;
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    const std::time_t at = timegm(&tm);
    const auto now = std::chrono::system_clock::now();
    const double now_s =
        static_cast<double>(std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count()) / 1000.0;
    return now_s - (static_cast<double>(at) + ms / 1000.0);
}

}  // namespace ferry::catalog
