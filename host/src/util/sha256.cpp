#include "util/sha256.hpp"

#include <Poco/Crypto/DigestEngine.h>

namespace ferry::host {

struct Sha256::Impl {
    Poco::Crypto::DigestEngine engine{"SHA256"};
};

Sha256::Sha256() : impl_(std::make_unique<Impl>()) {}
Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(const void* data, std::size_t size) { impl_->engine.update(data, size); }

std::string Sha256::hex() { return Poco::DigestEngine::digestToHex(impl_->engine.digest()); }

std::string Sha256::of(const std::string& data) {
    Sha256 h;
    h.update(data.data(), data.size());
    return h.hex();
}

}  // namespace ferry::host
