#include "server/front_limits.hpp"

#include <cstdlib>

namespace ferry::host::web {

namespace {

bool read_positive(const char* name, std::uint64_t& out, sdk::Diagnostics& diags) {
    const char* text = std::getenv(name);
    if (!text) return true;
    const std::string s = text;
    const bool digits = !s.empty() && s.size() <= 12 && s.find_first_not_of("0123456789") == std::string::npos;
    if (!digits || std::stoull(s) == 0) {
        diags.error("FERRY-WEB-LIMITS", std::string(name) + " must be a positive whole number, not '" + s + "'",
                    "unset it to use the default (docs/web.md, Limits)", "");
        return false;
    }
    out = std::stoull(s);
    return true;
}

bool read_ms(const char* name, std::chrono::milliseconds& out, sdk::Diagnostics& diags) {
    std::uint64_t v = static_cast<std::uint64_t>(out.count());
    if (!read_positive(name, v, diags)) return false;
    out = std::chrono::milliseconds(v);
    return true;
}

}  // namespace

bool read_limits_from_environment(FrontLimits& limits, sdk::Diagnostics& diags) {
    return read_ms("FERRY_WEB_HEADER_TIMEOUT_MS", limits.header_timeout, diags) &&
           read_ms("FERRY_WEB_IDLE_TIMEOUT_MS", limits.idle_timeout, diags) &&
           read_ms("FERRY_WEB_BODY_TIMEOUT_MS", limits.body_timeout, diags) &&
           read_positive("FERRY_WEB_MIN_RATE", limits.min_rate, diags);
}

}  // namespace ferry::host::web
