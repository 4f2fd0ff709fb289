#include "ferry/cloud/digest.hpp"

#include <Poco/Base64Encoder.h>
#include <Poco/Crypto/DigestEngine.h>
#include <Poco/HMACEngine.h>

#include <sstream>

namespace ferry::cloud {
namespace {

// OpenSSL's digests, shaped as Poco::HMACEngine wants its engine (block and digest sizes).
template <int Block, int Size>
class OpenSslDigest : public Poco::Crypto::DigestEngine {
  public:
    enum { BLOCK_SIZE = Block, DIGEST_SIZE = Size };
    explicit OpenSslDigest(const std::string& name) : Poco::Crypto::DigestEngine(name) {}
};
struct Sha1 : OpenSslDigest<64, 20> { Sha1() : OpenSslDigest("SHA1") {} };
struct Sha256 : OpenSslDigest<64, 32> { Sha256() : OpenSslDigest("SHA256") {} };
struct Md5 : OpenSslDigest<64, 16> { Md5() : OpenSslDigest("MD5") {} };

std::string raw(const Poco::DigestEngine::Digest& d) { return std::string(d.begin(), d.end()); }

template <class Engine>
std::string digest(std::string_view data) {
    Engine engine;
    engine.update(data.data(), data.size());
    return raw(engine.digest());
}

template <class Engine>
std::string hmac(std::string_view key, std::string_view data) {
    Poco::HMACEngine<Engine> engine(key.empty() ? "" : key.data(), key.size());  // never memcpy from null
    engine.update(data.data(), data.size());
    return raw(engine.digest());
}

}  // namespace

std::string hmac_sha1(std::string_view key, std::string_view data) { return hmac<Sha1>(key, data); }
std::string hmac_sha256(std::string_view key, std::string_view data) { return hmac<Sha256>(key, data); }
std::string sha256(std::string_view data) { return digest<Sha256>(data); }
std::string sha256_hex(std::string_view data) { return to_hex(sha256(data)); }
std::string md5_hex(std::string_view data) { return to_hex(digest<Md5>(data)); }

std::string to_hex(std::string_view raw) {
    static const char* hex = "0123456789abcdef";
    std::string out;
    out.reserve(raw.size() * 2);
    for (unsigned char c : raw) {
        out += hex[c >> 4];
        out += hex[c & 15];
    }
    return out;
}

std::string base64(std::string_view raw) {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(0);
    encoder.write(raw.data(), static_cast<std::streamsize>(raw.size()));
    encoder.close();
    return out.str();
}

std::string hmac_sha1_base64(std::string_view secret, std::string_view string_to_sign) {
    return base64(hmac_sha1(secret, string_to_sign));
}

}  // namespace ferry::cloud
