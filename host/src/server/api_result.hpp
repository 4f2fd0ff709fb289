// What an API operation answers: a status and a JSON body, or a rendered page. Errors are
// {"error":{"code","message"}} (plus "details" when they come from several diagnostics).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "ferry/sdk/diagnostic.hpp"

namespace ferry::host::web {

struct ApiResult {
    int status = 200;
    nlohmann::json body;
    std::string html;  // when set, sent as text/html instead of body
    bool keep_alive = true;

    static ApiResult ok(nlohmann::json body, int status = 200) { return {status, std::move(body), {}, true}; }
    static ApiResult error(int status, const std::string& code, const std::string& message) {
        return {status, {{"error", {{"code", code}, {"message", message}}}}, {}, true};
    }
    // The first error's code and message; the status follows the code (see status_for).
    static ApiResult from_diagnostics(const sdk::Diagnostics& diags);
};

// 400 bad settings or form, 404 no such task, 409 wrong state or name taken, 422 the package or
// the plan refused, 500 the catalog failed.
int status_for(const std::string& code);

}  // namespace ferry::host::web
