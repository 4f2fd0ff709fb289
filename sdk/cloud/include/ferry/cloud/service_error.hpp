// The XML error body OSS, S3 and MaxCompute send with a 4xx/5xx:
// <Error><Code/><Message/><RequestId/><HostId/><StringToSign/>...</Error>
// and reading one element of a service's XML reply.
#pragma once

#include <string>

namespace ferry::cloud {

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

// The text of the first element at `path` ("/Instance/Status") of an XML body; empty when the body
// is not XML or has no such element. External entities are never fetched or expanded.
std::string xml_text(const std::string& body, const std::string& path);

}  // namespace ferry::cloud
