#include "util/sha256.hpp"

#include <stdexcept>
#include <vector>

#include <openssl/evp.h>

namespace ferry::host {

namespace {
// OpenSSL 3 looks a digest up by name (a locked table search) on every initialisation unless it is
// handed one fetched beforehand. Poco::Crypto::DigestEngine initialises twice per hash (creation and
// the reset after digest()), which made the lookup a third of hashing the small documents an import
// fingerprints by the ten thousand; the digest is fetched once for the process instead.
const EVP_MD* sha256_md() {
    static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (!md) throw std::runtime_error("OpenSSL has no SHA-256 digest");
    return md;
}
}  // namespace

struct Sha256::Impl {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    Impl() {
        if (!ctx || EVP_DigestInit_ex(ctx, sha256_md(), nullptr) != 1)
            throw std::runtime_error("cannot start a SHA-256 digest");
    }
    ~Impl() { EVP_MD_CTX_free(ctx); }
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;
};

Sha256::Sha256() : impl_(std::make_unique<Impl>()) {}
Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(const void* data, std::size_t size) {
    if (size > 0 && EVP_DigestUpdate(impl_->ctx, data, size) != 1) throw std::runtime_error("SHA-256 update failed");
}

std::string Sha256::hex() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_DigestFinal_ex(impl_->ctx, digest, &n) != 1 || EVP_DigestInit_ex(impl_->ctx, sha256_md(), nullptr) != 1)
        throw std::runtime_error("SHA-256 digest failed");
    // Written here rather than with Poco's digestToHex, which appends a character at a time: an
    // import fingerprints every object and journal entry.
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out(2 * n, '\0');
    for (unsigned int i = 0; i < n; ++i) {
        out[2 * i] = kHex[digest[i] >> 4];
        out[2 * i + 1] = kHex[digest[i] & 0x0f];
    }
    return out;
}

std::string Sha256::of(const std::string& data) {
    // One context per thread, reset by hex(): a new one for each of an import's small documents
    // cost an allocation and a digest initialisation each.
    thread_local Sha256 h;
    h.update(data.data(), data.size());
    return h.hex();
}

}  // namespace ferry::host
