// Alibaba Cloud's V3 request signature, ACS3-HMAC-SHA256 (DataWorks' OpenAPI and every RPC-style
// Alibaba Cloud API), as dataworks-openapi.md section 4 gives it:
//   CanonicalRequest = METHOD \n CanonicalURI \n CanonicalQueryString \n CanonicalHeaders \n
//                      SignedHeaders \n hex(SHA-256(body))
//   Signature = hex(HMAC-SHA256(secret, "ACS3-HMAC-SHA256\n" + hex(SHA-256(CanonicalRequest))))
// Signed headers: host, content-type when present, and every x-acs-* header.
#pragma once

#include <string>

#include "ferry/cloud/credentials.hpp"
#include "ferry/cloud/http_request.hpp"

namespace ferry::cloud {

struct Acs3Request {
    std::string action;   // x-acs-action, e.g. "CreateNode"
    std::string version;  // x-acs-version, e.g. "2024-05-18"
    std::string date;     // x-acs-date, yyyy-MM-ddTHH:mm:ssZ (UTC): acs3_utc_now()
    std::string nonce;    // x-acs-signature-nonce, unique per attempt: acs3_nonce()
};

// Sets host, x-acs-action, x-acs-version, x-acs-date, x-acs-signature-nonce, x-acs-content-sha256,
// x-acs-security-token (STS) and Authorization on `request`. Query parameters are signed as they
// stand: put them in `request.query` before signing; `body` is the exact bytes to send.
void sign_acs3(HttpRequest& request, const std::string& body, const Credentials& credentials, const Acs3Request& what);

// The canonical request of `request` as it stands (a missing host header counts as host_header());
// `signed_headers` receives "host;x-acs-action;...".
std::string acs3_canonical_request(const HttpRequest& request, const std::string& body,
                                   std::string* signed_headers = nullptr);

std::string acs3_utc_now();  // x-acs-date for now
std::string acs3_nonce();    // 32 lower-case hex characters from the system's CSPRNG

}  // namespace ferry::cloud
