// A signed HTTP(S) client for MaxCompute's REST API (Poco Net / NetSSL). One request at a time;
// a transport failure is an error string, an HTTP error status is an ordinary response.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace ferry::engines::maxcompute {

struct Credentials {
    std::string access_key_id;
    std::string access_key_secret;
    std::string sts_token;  // empty without STS
};

struct HttpResponse {
    int status = 0;
    std::map<std::string, std::string> headers;  // names lower-cased
    std::string body;
    std::string header(const std::string& lower_name) const {
        auto it = headers.find(lower_name);
        return it == headers.end() ? std::string() : it->second;
    }
};

// <Error><Code/><Message/><RequestId/><HostId/></Error>, with x-odps-request-id as a fallback.
struct RemoteError {
    std::string code;
    std::string message;
    std::string request_id;
    std::string text(int status) const;  // "403 SignatureNotMatch: ... (request id ...)"
};
RemoteError parse_error(const HttpResponse& response);

// The text of the first element at `path` ("/Instance/Status") in an XML body; empty if absent.
std::string xml_text(const std::string& body, const std::string& path);

class RestClient {
  public:
    // endpoint: "https://service.cn-hangzhou.maxcompute.aliyun.com/api" (or http://127.0.0.1:N/api in tests)
    RestClient(std::string endpoint, Credentials credentials, int timeout_s);

    // `resource` is the decoded path after /api ("/projects/p/tables/t"); it is percent-encoded
    // for the wire and signed decoded. False with `error` when no answer came.
    bool send(const std::string& method, const std::string& resource,
              const std::vector<std::pair<std::string, std::string>>& query, std::map<std::string, std::string> headers,
              const std::string& body, HttpResponse& out, std::string& error) const;

    const std::string& endpoint() const { return endpoint_; }

  private:
    std::string endpoint_;
    Credentials credentials_;
    int timeout_s_;
};

// Checks an endpoint without connecting: http or https, a host, a path. False with a reason.
bool valid_endpoint(const std::string& endpoint, std::string& reason);

}  // namespace ferry::engines::maxcompute
