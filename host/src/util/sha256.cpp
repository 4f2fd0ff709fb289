#include "util/sha256.hpp"

#include <Poco/Crypto/DigestEngine.h>
#include <Poco/Crypto/OpenSSLInitializer.h>

namespace ferry::host {

namespace {
// Every DigestEngine holds an OpenSSLInitializer; when the last one goes, OpenSSL is torn down and
// the next hash sets it up again, reseeding its RNG from /dev/urandom. Hashing each of 10,000
// objects paid that every time (8% of an import), so one initializer lives as long as the process.
const Poco::Crypto::OpenSSLInitializer kKeepOpenSslUp;
}  // namespace

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
