// The DataWorks OpenAPI (version 2024-05-18), RPC style: one signed request per call, parameters
// where the API puts them (a GET query, a POST form body, or a POST query), ACS3-HMAC-SHA256 signed
// afresh before every attempt, throttling and 5xx retried with backoff (the server's rate-limit
// wait honoured), and every failure one diagnostic that names what to fix.
//
// The facts this follows: shared/reference/dataworks-openapi.md (docs/destinations.md cites them).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "ferry/cloud/credentials.hpp"
#include "ferry/cloud/http_client.hpp"
#include "ferry/sdk/diagnostic.hpp"
#include "ferry/sdk/plugin.hpp"

namespace ferry::dataworks {

struct ApiSettings {
    cloud::HttpRequest endpoint;        // scheme, host and port of the service
    std::string endpoint_text;          // as the user wrote it, for messages
    std::string project_id;
    cloud::Credentials credentials;
    cloud::TransportOptions transport;
    int retries = 4;
    sdk::HostServices* host = nullptr;
    std::vector<std::string> extra_secrets;  // beside the credentials' (see scrub_also)
};

using Params = std::vector<std::pair<std::string, std::string>>;

struct ApiAnswer {
    bool ok = false;        // 2xx with a JSON body
    bool answered = false;  // a reply came (false: the request may or may not have acted)
    int status = 0;
    nlohmann::json body;    // the reply (ids stay integers or text: never doubles)
    std::string code;       // the service's error Code, when it failed
    std::string message;
    std::string request_id;
};

class ApiClient {
  public:
    explicit ApiClient(ApiSettings settings) : s_(std::move(settings)) {}

    // Calls `action` with `params` (ProjectId is added where the action takes it). `idempotent`:
    // false for calls that create, so a request whose reply was lost is not sent again blindly
    // (the caller looks the object up instead). Adds one error to `diags` when the call failed,
    // unless `quiet_not_found` and the service said the object does not exist.
    ApiAnswer call(const std::string& action, Params params, bool idempotent, sdk::Diagnostics& diags,
                   bool quiet_not_found = false);

    const std::string& project_id() const { return s_.project_id; }
    // Strings no diagnostic may show, beside the credentials, whatever the server echoes: the
    // presigned link of the resource being committed. Replaced per object, not accumulated, so a
    // workspace of many resources does not grow this list.
    void scrub_also(std::vector<std::string> secrets) { s_.extra_secrets = std::move(secrets); }
    const ApiSettings& settings() const { return s_; }

    // Whether a failed answer says the object is not there (the code of Get/Update/Delete of a
    // missing object is undocumented: *NotFound, or Invalid.Param with a "does not exist" message).
    static bool not_found(const ApiAnswer& answer);

  private:
    ApiSettings s_;
};

// An id as text: DataWorks ids are 19-digit numbers, sent as JSON numbers above 2^53 or as strings.
std::string id_text(const nlohmann::json& value);
// A field of an object, or null.
const nlohmann::json& at(const nlohmann::json& object, const char* key);

}  // namespace ferry::dataworks
