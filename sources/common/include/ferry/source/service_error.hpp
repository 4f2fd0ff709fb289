// The XML error body OSS and S3 send with a 4xx/5xx:
// <Error><Code/><Message/><RequestId/><HostId/><StringToSign/>...</Error>
#pragma once

#include <string>

namespace ferry::source {

struct ServiceError {
    std::string code;
    std::string message;
    std::string request_id;
    std::string host_id;
    std::string string_to_sign;     // on SignatureDoesNotMatch
    std::string canonical_request;  // OSS V4's SignatureDoesNotMatch
    std::string ec;                 // OSS's detailed error code
};

// Parses `body`; fields stay empty when the body is not such a document.
ServiceError parse_service_error(const std::string& body);

}  // namespace ferry::source
