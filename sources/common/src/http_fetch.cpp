#include "ferry/source/http_fetch.hpp"

#include <memory>

#include "ferry/cloud/redact.hpp"

namespace ferry::source {
namespace {

std::string code_of(const cloud::DownloadFailure& f) {
    using E = cloud::DownloadError;
    switch (f.error) {
        case E::http_status: return "FERRY-SRC-HTTP-" + std::to_string(f.status);
        case E::timeout: return "FERRY-SRC-TIMEOUT";
        case E::connect: return "FERRY-SRC-CONNECT";
        case E::connection_lost: return "FERRY-SRC-CONNECTION-LOST";
        case E::tls: return "FERRY-SRC-TLS";
        case E::too_large: return "FERRY-SRC-TOO-LARGE";
        case E::length_mismatch: return "FERRY-SRC-LENGTH-MISMATCH";
        case E::crc_mismatch: return "FERRY-SRC-CRC-MISMATCH";
        case E::resume: return "FERRY-SRC-RESUME";
        case E::object_changed: return "FERRY-SRC-OBJECT-CHANGED";
        case E::already_failed:
        case E::none: break;
    }
    return "FERRY-SRC-STREAM-FAILED";
}

void report(const cloud::DownloadFailure& f, const std::string& where, sdk::Diagnostics& diags) {
    std::string detail = f.detail;
    if (f.error == cloud::DownloadError::too_large)
        detail = "raise the limit with --max-size or max_size in [source] (e.g. 2GB)";
    else if (f.gave_up)
        detail = "check the server and the network; `retries` and `timeout` in the source config tune this";
    diags.error(code_of(f), f.summary, detail, where);
}

class HttpStream final : public sdk::ByteStream {
  public:
    HttpStream(std::unique_ptr<cloud::Download> download, std::string where)
        : download_(std::move(download)), where_(std::move(where)) {}

    std::ptrdiff_t read(char* buffer, std::size_t size, sdk::Diagnostics& diags) override {
        cloud::DownloadFailure failure;
        std::ptrdiff_t n = download_->read(buffer, size, failure);
        if (n < 0) report(failure, where_, diags);
        return n;
    }

  private:
    std::unique_ptr<cloud::Download> download_;
    std::string where_;
};

}  // namespace

sdk::OpenResponse open_http(FetchOptions options, const sdk::OpenRequest& request) {
    sdk::OpenResponse response;
    response.location = cloud::scrub(options.location, options.secrets);
    options.max_size = request.max_size;
    std::string where = std::move(options.where);
    cloud::DownloadFailure failure;
    auto download = cloud::Download::start(static_cast<cloud::DownloadOptions&&>(options), failure);
    if (!download) {
        report(failure, where, response.diagnostics);
        return response;
    }
    response.size = download->size();
    response.stream = std::make_unique<HttpStream>(std::move(download), std::move(where));
    return response;
}

}  // namespace ferry::source
