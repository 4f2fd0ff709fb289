// Streaming SHA-256 (OpenSSL's EVP digest: several times faster than a portable digest,
// which matters when hashing a multi-gigabyte package on the way through).
#pragma once

#include <cstddef>
#include <memory>
#include <string>

namespace ferry::host {

class Sha256 {
  public:
    Sha256();
    ~Sha256();
    Sha256(Sha256&&) noexcept;
    Sha256& operator=(Sha256&&) noexcept;
    void update(const void* data, std::size_t size);
    std::string hex();  // finishes; the object is reset afterwards

    static std::string of(const std::string& data);

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ferry::host
