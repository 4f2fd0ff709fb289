// A resource's bytes reach DataWorks as a download link (CreateResource's ResourceFile: "a file
// stream or an OSS download link", reference section 5; nothing multipart reaches DataWorks). ferry
// stages them in an OSS bucket the task names, `resource_staging = "oss://bucket/prefix"`: a signed
// PutObject of the bytes under prefix/<sha256>/<name> (content-addressed: a re-import uploads
// nothing new), then a presigned GET link, valid `staging_link_minutes`, handed to DataWorks. The
// link is a secret: it is never logged, stored or shown.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "ferry/cloud/credentials.hpp"
#include "ferry/cloud/http_client.hpp"
#include "ferry/sdk/config.hpp"
#include "ferry/sdk/diagnostic.hpp"

namespace ferry::dataworks {

class ResourceStaging {
  public:
    // Reads the staging settings; `configured()` is false when the task names no staging bucket.
    bool configure(const sdk::Config& config, const cloud::Credentials& credentials,
                   const cloud::TransportOptions& transport, sdk::Diagnostics& diags);
    bool configured() const { return !bucket_.empty(); }

    // Uploads `bytes` and returns the presigned link (empty after an error); the link is added to
    // `secrets` so nothing reports it.
    std::string stage(const std::string& name, const std::string& bytes, std::vector<std::string>& secrets,
                      sdk::Diagnostics& diags) const;

  private:
    cloud::HttpRequest base_;  // scheme, host, port of the OSS endpoint
    bool path_style_ = false;
    std::string bucket_, prefix_;
    std::chrono::minutes link_minutes_{60};
    cloud::Credentials credentials_;
    cloud::TransportOptions transport_;
    std::string where_;
};

}  // namespace ferry::dataworks
