// Every call into a plugin object goes through here. The contract says no exception crosses the
// boundary, but a plugin is someone else's code: a throw must cost one object, not the run (and
// under `ferry serve`, not a task left IMPORTING with its workspace locked).
#pragma once

#include <exception>
#include <string>
#include <utility>

#include "ferry/sdk/diagnostic.hpp"

namespace ferry::host {

inline constexpr const char* kPluginThrew = "FERRY-PLUGIN-THREW";

// Calls `fn` (returning a response struct with a `diagnostics` member) and returns its response;
// when it throws, a default response whose diagnostics carry FERRY-PLUGIN-THREW naming `what`
// ("engine 'pg_rehearsal' rendering table orders") and the exception's text.
template <typename Response, typename Fn>
Response guarded_call(const std::string& what, const std::string& where, Fn&& fn) noexcept {
    std::string why;
    try {
        return std::forward<Fn>(fn)();
    } catch (const std::exception& e) {
        why = e.what();
    } catch (...) {
        why = "an exception that is not a std::exception";
    }
    Response failed{};
    try {
        failed.diagnostics.error(kPluginThrew, what + " threw: " + why,
                                 "this is a bug in the plugin: the object was not handled; report it to the "
                                 "plugin's authors",
                                 where);
    } catch (...) {
        // Out of memory while describing the failure: the response still says nothing succeeded.
    }
    return failed;
}

}  // namespace ferry::host
