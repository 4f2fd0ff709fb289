// Source "http": a package at an http:// or https:// address (a web server, or a presigned object
// store address), through the shared fetcher: retries, resume, size cap, integrity checks.
#include <memory>
#include <string>

#include "ferry/cloud/redact.hpp"
#include "ferry/sdk/sdk.hpp"
#include "ferry/source/http_fetch.hpp"
#include "ferry/source/source_config.hpp"

namespace {
using namespace ferry::sdk;
namespace src = ferry::source;
namespace cloud = ferry::cloud;

const ConfigKey kSchema[] = {
    {"url", ValueType::string, true, nullptr,
     "http:// or https:// address of the package; a presigned address works and its signature is never shown"},
    FERRY_SOURCE_TRANSPORT_KEYS,
};

class HttpSource : public Source {
  public:
    explicit HttpSource(src::FetchOptions options) : options_(std::move(options)) {}
    OpenResponse open(const OpenRequest& request) override { return src::open_http(options_, request); }

  private:
    src::FetchOptions options_;
};

std::unique_ptr<HttpSource> make_http(const CreateContext& ctx, Diagnostics& diags) {
    const Config& config = *ctx.config;
    std::string url = config.string("url");
    std::string error;
    auto request = cloud::parse_http_url(url, error);
    if (!request) {
        diags.error("FERRY-SRC-CONFIG", "url: " + cloud::redact_url(error), "give an http:// or https:// address",
                    config.where_of("url"));
        return nullptr;
    }
    src::FetchOptions options;
    options.request = *request;
    options.location = cloud::redact_url(url);
    options.secrets = cloud::url_secrets(url);  // a presigned signature or token, should a server echo it
    options.host = ctx.host;
    options.where = config.where;
    if (!src::apply_transport_config(config, options, diags)) return nullptr;
    return std::make_unique<HttpSource>(std::move(options));
}

}  // namespace

FERRY_PLUGIN(source, "http", "0.1.0", "Fetches a package from an http(s) address, resumable and verified", kSchema,
             nullptr, make_http)
