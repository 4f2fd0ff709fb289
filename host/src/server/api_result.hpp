// What an API operation answers: a status and a JSON body, a rendered page, or a file to download.
// Errors are {"error":{"code","message"}} (plus "details" when they come from several diagnostics).
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "ferry/sdk/diagnostic.hpp"
#include "server/file_body.hpp"

namespace ferry::host::web {

struct ApiResult {
    int status = 200;
    nlohmann::json body;
    std::string html;  // when set, sent as text/html instead of body
    bool keep_alive = true;
    // When set, sent as an attachment instead of body: `content_type`, named `attachment`.
    std::shared_ptr<FileBody> file;
    std::string content_type;
    std::string attachment;

    static ApiResult ok(nlohmann::json body, int status = 200) {
        ApiResult r;
        r.status = status;
        r.body = std::move(body);
        return r;
    }
    static ApiResult error(int status, const std::string& code, const std::string& message) {
        return ok({{"error", {{"code", code}, {"message", message}}}}, status);
    }
    // The first error's code and message; the status follows the code (see status_for).
    static ApiResult from_diagnostics(const sdk::Diagnostics& diags);
};

// 400 bad settings, form or export options, 404 no such task (or workspace to export), 409 wrong
// state or name taken, 410 an export's package is gone, 422 the package or the plan refused, 500
// the catalog failed.
int status_for(const std::string& code);

}  // namespace ferry::host::web
