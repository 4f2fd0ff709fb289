// The one TLS policy of every HTTPS request ferry makes: certificates always verified, host name
// included (also for 127.0.0.1), against the system's CAs or only those of a CA file; TLS 1.2 and up.
#pragma once

#include <Poco/Net/Context.h>

#include <string>

namespace ferry::cloud {

// A client context for `ca_file` (empty: the system's CAs), made once per file and shared. Throws
// Poco::Exception when the CAs cannot be loaded.
Poco::Net::Context::Ptr tls_client_context(const std::string& ca_file);

}  // namespace ferry::cloud
