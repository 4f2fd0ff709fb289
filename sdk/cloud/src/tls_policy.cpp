#include "tls_policy.hpp"

#include <Poco/Net/SSLManager.h>

#include <filesystem>
#include <map>
#include <mutex>
#include <tuple>

namespace ferry::cloud {

Poco::Net::Context::Ptr tls_client_context(const std::string& ca_file) {
    static std::once_flag once;
    std::call_once(once, [] { Poco::Net::initializeSSL(); });
    // Loading the system's CA store takes milliseconds: keep one context per file, made again when
    // the file changes (a rotated CA bundle in a long-running `ferry serve`).
    using Key = std::tuple<std::string, std::filesystem::file_time_type, std::uintmax_t>;
    static std::mutex mutex;
    static std::map<Key, Poco::Net::Context::Ptr> contexts;
    std::error_code ec;
    Key key{ca_file, {}, 0};
    if (!ca_file.empty()) {
        std::get<1>(key) = std::filesystem::last_write_time(ca_file, ec);
        std::get<2>(key) = std::filesystem::file_size(ca_file, ec);
    }
    std::lock_guard<std::mutex> lock(mutex);
    auto it = contexts.find(key);
    if (it != contexts.end()) return it->second;
    // VERIFY_STRICT also checks the host name for loopback addresses, which Poco skips otherwise.
    Poco::Net::Context::Ptr ctx = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, ca_file,
                                                         Poco::Net::Context::VERIFY_STRICT, 9,
                                                         /*loadDefaultCAs=*/ca_file.empty());
    ctx->disableProtocols(Poco::Net::Context::PROTO_SSLV2 | Poco::Net::Context::PROTO_SSLV3 |
                          Poco::Net::Context::PROTO_TLSV1 | Poco::Net::Context::PROTO_TLSV1_1);
    contexts.emplace(key, ctx);
    return ctx;
}

}  // namespace ferry::cloud
