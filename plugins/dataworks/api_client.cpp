#include "api_client.hpp"

#include <algorithm>
#include <chrono>
#include <map>

#include "ferry/cloud/http_request.hpp"
#include "ferry/cloud/redact.hpp"
#include "ferry/cloud/signer_acs3.hpp"

namespace ferry::dataworks {

using nlohmann::json;

const json& at(const json& object, const char* key) {
    static const json none;
    if (!object.is_object()) return none;
    auto it = object.find(key);
    return it == object.end() ? none : *it;
}

std::string id_text(const json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number_unsigned()) return std::to_string(v.get<std::uint64_t>());
    if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
    return {};
}

namespace {

constexpr const char* kVersion = "2024-05-18";

// Where an action's parameters go (the SDK's placement, reference section 1).
enum class Placement { get_query, post_form, post_query, exec_stage };

Placement placement_of(const std::string& action) {
    if (action.rfind("Get", 0) == 0 || action.rfind("List", 0) == 0 || action == "DeleteDataSource")
        return Placement::get_query;
    if (action == "CreateDataSource" || action == "UpdateDataSource") return Placement::post_query;
    if (action == "ExecPipelineRunStage") return Placement::exec_stage;
    return Placement::post_form;
}

// The service's error Code (a string, or a number in some answers), from `Code` or `code`.
std::string error_code(const json& body) {
    std::string code = id_text(at(body, "Code"));
    return code.empty() ? id_text(at(body, "code")) : code;
}
std::string text_field(const json& body, const char* a, const char* b) {
    const json& v = at(body, a).is_null() ? at(body, b) : at(body, a);
    return v.is_string() ? v.get<std::string>() : v.is_null() ? std::string() : v.dump();
}

// "Limit:10,Remain:0,TimeLeft:1500,Reset:..." -> 1500 ms.
std::chrono::milliseconds rate_limit_wait(const cloud::HttpResponse& r) {
    for (const char* name : {"x-ratelimit-user-api", "x-ratelimit-user"}) {
        const std::string* v = r.header(name);
        if (!v) continue;
        const auto at = v->find("TimeLeft:");
        if (at == std::string::npos) continue;
        try {
            return std::chrono::milliseconds(std::stoll(v->substr(at + 9)));
        } catch (...) {
        }
    }
    return std::chrono::milliseconds(0);
}

bool throttled(const cloud::HttpResponse& r) {
    if (r.status == 429) return true;
    const json body = json::parse(r.body, nullptr, false);
    if (!body.is_object()) return false;
    return error_code(body).rfind("Throttling", 0) == 0;
}

// The diagnostic for a failed answer: a stable code per kind of failure, what to fix.
void describe(const std::string& action, const ApiAnswer& a, const ApiSettings& s, sdk::Diagnostics& diags) {
    const std::string rid = a.request_id.empty() ? "" : " (request id " + a.request_id + ")";
    const std::string said = a.code + (a.message.empty() ? "" : ": " + a.message);
    auto err = [&](const char* code, const std::string& summary, const std::string& hint) {
        diags.error(code, summary, hint, s.endpoint_text);
    };
    if (a.code == "SignatureDoesNotMatch" || a.code == "IncompleteSignature" || a.code == "InvalidSignatureMethod")
        err("FERRY-DW-SIGNATURE", "DataWorks refused the request signature of " + action + " (" + a.code + ")" + rid,
            "check that the AccessKey secret in the environment belongs to the AccessKey id, and that nothing "
            "between ferry and the endpoint rewrites requests");
    else if (a.code.rfind("InvalidAccessKeyId", 0) == 0 || a.code.rfind("InvalidSecurityToken", 0) == 0)
        err("FERRY-DW-ACCESS-KEY", "DataWorks does not know the AccessKey (" + said + ")" + rid,
            "set ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET (and ALIBABA_CLOUD_SECURITY_TOKEN "
            "for STS), or the variables access_key_id_env / access_key_secret_env name");
    else if (a.code.rfind("InvalidTimeStamp", 0) == 0)
        err("FERRY-DW-CLOCK", "DataWorks refused the request time (" + said + ")" + rid,
            "this machine's clock must be within 15 minutes of the real time: check NTP");
    else if (a.code == "SignatureNonceUsed")
        err("FERRY-DW-NONCE", "DataWorks saw this request's nonce before (" + said + ")" + rid,
            "a proxy replayed the request; retry the task");
    else if (a.code == "Forbidden.Access" || a.code.rfind("ResourceNotAuthorized", 0) == 0)
        err("FERRY-DW-PROJECT", "DataWorks refused access to workspace " + s.project_id + " (" + said + ")" + rid,
            "check project_id in [workspace.dataworks] and that the AccessKey's user is a member of that "
            "workspace with the rights to " + action);
    else if (a.code == "InvalidAction.NotFound" || a.code == "InvalidApi.NotFound")
        err("FERRY-DW-ENDPOINT", "the endpoint does not serve DataWorks' " + action + " of API version " + kVersion +
                                     " (" + said + ")" + rid,
            "endpoint must be the DataWorks OpenAPI of your region, e.g. https://dataworks.cn-shanghai.aliyuncs.com");
    else if (a.status == 429 || a.code.rfind("Throttling", 0) == 0)
        err("FERRY-DW-THROTTLED", action + " was still throttled after " + std::to_string(s.retries + 1) +
                                      " attempts (" + said + ")" + rid,
            "run `ferry reimport` later: what landed is journaled");
    else if (a.status >= 500)
        err("FERRY-DW-SERVER", "DataWorks failed " + action + " (HTTP " + std::to_string(a.status) + ", " + said + ")" +
                                   rid,
            "it kept failing through the retries; run `ferry reimport` later");
    else
        err("FERRY-DW-API", "DataWorks refused " + action + " (HTTP " + std::to_string(a.status) + ", " + said + ")" +
                                rid,
            "the message is DataWorks' own; fix what it names in the package or the task");
}

}  // namespace

bool ApiClient::not_found(const ApiAnswer& a) {
    if (!a.answered || a.ok) return false;
    if (a.code.size() >= 8 && a.code.compare(a.code.size() - 8, 8, "NotFound") == 0 &&
        a.code.rfind("InvalidAction", 0) != 0 && a.code.rfind("InvalidApi", 0) != 0 &&
        a.code.rfind("InvalidAccessKeyId", 0) != 0)
        return true;
    std::string m = a.message;
    std::transform(m.begin(), m.end(), m.begin(), [](unsigned char c) { return std::tolower(c); });
    return a.status == 400 && (m.find("does not exist") != std::string::npos || m.find("not found") != std::string::npos ||
                               a.message.find("未找到") != std::string::npos);
}

ApiAnswer ApiClient::call(const std::string& action, Params params, bool idempotent, sdk::Diagnostics& diags,
                          bool quiet_not_found) {
    const Placement where = placement_of(action);
    if (action != "GetJobStatus") params.insert(params.begin(), {"ProjectId", s_.project_id});
    std::sort(params.begin(), params.end());
    cloud::HttpRequest req = s_.endpoint;
    req.path = "/";
    req.raw_target.clear();  // the endpoint as written: its target is rebuilt from path and query
    req.query.clear();
    std::string body;
    Params form;
    for (auto& p : params) {
        const bool in_query = where == Placement::get_query || where == Placement::post_query ||
                              (where == Placement::exec_stage && p.first == "ProjectId");
        if (in_query) req.query.push_back({p.first, p.second});
        else form.push_back(std::move(p));
    }
    req.method = where == Placement::get_query ? "GET" : "POST";
    if (!form.empty()) {
        body = cloud::form_encode(form);
        req.set_header("content-type", "application/x-www-form-urlencoded");
    }
    cloud::RetryPolicy policy;
    policy.retries = s_.retries;
    policy.retry_no_answer = idempotent;
    policy.retryable = [](const cloud::HttpResponse& r) { return r.status >= 500 || throttled(r); };
    policy.wait_hint = [](const cloud::HttpResponse& r) { return rate_limit_wait(r); };
    policy.host = s_.host;
    const cloud::Credentials creds = s_.credentials;
    std::vector<std::string> secrets = creds.secrets();
    secrets.insert(secrets.end(), s_.extra_secrets.begin(), s_.extra_secrets.end());
    auto sign = [&](cloud::HttpRequest& r, const std::string& b) {
        cloud::sign_acs3(r, b, creds, {action, kVersion, cloud::acs3_utc_now(), cloud::acs3_nonce()});
    };
    const cloud::CallResult result = cloud::call(req, body, sign, s_.transport, policy);

    ApiAnswer a;
    a.answered = result.answered;
    if (!result.answered) {
        const std::string why = cloud::scrub(result.error, secrets);
        if (result.failure == cloud::SendFailure::not_sent)
            diags.error("FERRY-DW-ENDPOINT", "cannot reach DataWorks at " + s_.endpoint_text + " for " + action + ": " + why,
                        "check endpoint in [workspace.dataworks], the network and the proxy", s_.endpoint_text);
        else
            diags.error("FERRY-DW-NO-ANSWER",
                        "DataWorks gave no answer to " + action + " after " + std::to_string(result.attempts) +
                            " attempt(s): " + why,
                        "the call may have acted; ferry looks the object up before writing it again", s_.endpoint_text);
        return a;
    }
    a.status = result.response.status;
    a.body = json::parse(result.response.body, nullptr, false);
    if (a.body.is_discarded()) a.body = json::object();
    a.request_id = text_field(a.body, "RequestId", "requestId");
    if (a.status >= 200 && a.status < 300) {
        a.ok = true;
        return a;
    }
    a.code = error_code(a.body);
    a.message = cloud::scrub(text_field(a.body, "Message", "message"), secrets);
    if (a.code.empty()) a.code = "HTTP" + std::to_string(a.status);
    if (!(quiet_not_found && not_found(a))) describe(action, a, s_, diags);
    return a;
}

}  // namespace ferry::dataworks
