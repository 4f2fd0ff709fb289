// MaxCompute's REST API over ferry::cloud: each request signed with the MaxCompute signer and sent by
// the shared client (one TLS policy, timeouts), retried with backoff on 429, 5xx and dropped
// connections (a POST only when it cannot have reached the service). A transport failure is an
// error string; an HTTP error status is an ordinary response.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ferry/cloud/credentials.hpp"
#include "ferry/cloud/http_client.hpp"

namespace ferry::engines::maxcompute {

// <Error><Code/><Message/><RequestId/><HostId/></Error>, with x-odps-request-id as a fallback.
struct RemoteError {
    std::string code;
    std::string message;
    std::string request_id;
    std::string text(int status) const;  // "403 SignatureNotMatch: ... (request id ...)"
};
RemoteError parse_error(const cloud::HttpResponse& response);

class RestClient {
  public:
    // `endpoint` from parse_rest_endpoint ("https://service.cn-hangzhou.maxcompute.aliyun.com/api").
    RestClient(cloud::HttpRequest endpoint, cloud::Credentials credentials, cloud::TransportOptions transport,
               cloud::RetryPolicy retry);

    // `resource` is the decoded path after the endpoint's path ("/projects/p/tables/t"); a query
    // parameter without a value is sent and signed as a bare key. False with `error` when no answer came.
    bool send(const std::string& method, const std::string& resource, const std::vector<cloud::QueryParam>& query,
              const std::vector<cloud::Header>& headers, const std::string& body, cloud::HttpResponse& out,
              std::string& error) const;

    std::string endpoint() const { return endpoint_.url(); }

  private:
    cloud::HttpRequest endpoint_;
    cloud::Credentials credentials_;
    cloud::TransportOptions transport_;
    cloud::RetryPolicy retry_;
};

// Reads an endpoint without connecting: http or https, a host, a path, no query. nullopt with a reason.
std::optional<cloud::HttpRequest> parse_rest_endpoint(const std::string& endpoint, std::string& reason);

}  // namespace ferry::engines::maxcompute
