#include "rest_client.hpp"

#include <ctime>

#include "ferry/cloud/service_error.hpp"
#include "ferry/cloud/maxcompute_signer.hpp"

namespace ferry::engines::maxcompute {

std::string RemoteError::text(int status) const {
    std::string s = std::to_string(status);
    if (!code.empty()) s += " " + code;
    if (!message.empty()) s += ": " + message;
    if (!request_id.empty()) s += " (request id " + request_id + ")";
    return s;
}

RemoteError parse_error(const cloud::HttpResponse& r) {
    cloud::ServiceError parsed = cloud::parse_service_error(r.body);
    RemoteError e{parsed.code, parsed.message, parsed.request_id};
    if (e.request_id.empty())
        if (const std::string* id = r.header("x-odps-request-id")) e.request_id = *id;
    if (e.code.empty() && e.message.empty() && !r.body.empty()) e.message = r.body.substr(0, 300);
    return e;
}

std::optional<cloud::HttpRequest> parse_rest_endpoint(const std::string& endpoint, std::string& reason) {
    auto parsed = cloud::parse_http_url(endpoint, reason);
    if (!parsed) return std::nullopt;
    if (!parsed->query.empty() || endpoint.find('#') != std::string::npos) {
        reason = "an endpoint has no query or fragment";
        return std::nullopt;
    }
    while (parsed->path.size() > 1 && parsed->path.back() == '/') parsed->path.pop_back();
    if (parsed->path == "/") parsed->path.clear();
    parsed->raw_target.clear();
    return parsed;
}

RestClient::RestClient(cloud::HttpRequest endpoint, cloud::Credentials credentials, cloud::TransportOptions transport,
                       cloud::RetryPolicy retry)
    : endpoint_(std::move(endpoint)),
      credentials_(std::move(credentials)),
      transport_(std::move(transport)),
      retry_(std::move(retry)) {}

bool RestClient::send(const std::string& method, const std::string& resource, const std::vector<cloud::QueryParam>& query,
                      const std::vector<cloud::Header>& headers, const std::string& body, cloud::HttpResponse& out,
                      std::string& error) const {
    cloud::HttpRequest request = endpoint_;
    request.method = method;
    request.path = endpoint_.path + resource;
    for (const auto& p : query)
        request.query.push_back({p.name, p.value && !p.value->empty() ? p.value : std::nullopt});
    for (const auto& h : headers) request.set_header(h.name, h.value);
    request.set_header("x-odps-user-agent", "ferry/0.2.0");

    cloud::RetryPolicy retry = retry_;
    retry.retry_no_answer = method != "POST";  // a POST creates (an instance, a resource): never twice
    const std::string api_root = endpoint_.path;
    const cloud::Credentials& credentials = credentials_;
    auto sign = [&](cloud::HttpRequest& r, const std::string& b) {
        cloud::sign_maxcompute(r, b, credentials, api_root, std::time(nullptr));
    };
    cloud::CallResult result = cloud::call(std::move(request), body, sign, transport_, retry);
    if (!result.answered) {
        error = result.error;
        if (result.attempts > 1) error += " (after " + std::to_string(result.attempts) + " attempts)";
        return false;
    }
    out = std::move(result.response);
    return true;
}

}  // namespace ferry::engines::maxcompute
