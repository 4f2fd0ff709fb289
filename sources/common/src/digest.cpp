#include "digest.hpp"

#include <Poco/Base64Encoder.h>
#include <Poco/DigestEngine.h>
#include <Poco/HMACEngine.h>
#include <Poco/SHA1Engine.h>
#include <Poco/SHA2Engine.h>

#include <sstream>

namespace ferry::source::detail {
namespace {

// Poco 1.11's SHA2Engine lacks the block and digest sizes HMACEngine needs.
class Sha256Engine : public Poco::SHA2Engine {
  public:
    enum { BLOCK_SIZE = 64, DIGEST_SIZE = 32 };
    Sha256Engine() : Poco::SHA2Engine(Poco::SHA2Engine::SHA_256) {}
};

template <class Engine>
std::string hmac(const std::string& key, const std::string& data) {
    Poco::HMACEngine<Engine> engine(key);
    engine.update(data);
    const auto& d = engine.digest();
    return std::string(d.begin(), d.end());
}

}  // namespace

std::string hmac_sha1(const std::string& key, const std::string& data) {
    return hmac<Poco::SHA1Engine>(key, data);
}

std::string hmac_sha256(const std::string& key, const std::string& data) {
    return hmac<Sha256Engine>(key, data);
}

std::string sha256_hex(const std::string& data) {
    Sha256Engine engine;
    engine.update(data);
    return Poco::DigestEngine::digestToHex(engine.digest());
}

std::string to_hex(const std::string& raw) {
    return Poco::DigestEngine::digestToHex(Poco::DigestEngine::Digest(raw.begin(), raw.end()));
}

std::string base64(const std::string& raw) {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(0);
    encoder << raw;
    encoder.close();
    return out.str();
}

}  // namespace ferry::source::detail
