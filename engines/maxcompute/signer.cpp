#include "signer.hpp"

#include <Poco/Base64Encoder.h>
#include <Poco/HMACEngine.h>
#include <Poco/SHA1Engine.h>

#include <algorithm>
#include <sstream>

namespace ferry::engines::maxcompute {

namespace {
std::string lower(std::string s) {
    for (char& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    return s;
}
std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string::npos) return {};
    return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}
}  // namespace

std::string canonical_resource(const std::string& resource, std::vector<std::pair<std::string, std::string>> query) {
    std::string out = resource;
    if (query.empty()) return out;
    std::sort(query.begin(), query.end());
    out += '?';
    for (std::size_t i = 0; i < query.size(); ++i) {
        if (i) out += '&';
        out += query[i].first;
        if (!query[i].second.empty()) out += "=" + query[i].second;
    }
    return out;
}

std::string canonical_string(const SignInput& in) {
    std::string s = in.method + "\n" + in.content_md5 + "\n" + in.content_type + "\n" + in.date + "\n";
    std::map<std::string, std::string> odps;  // sorted by lower-cased name
    for (const auto& [k, v] : in.headers) {
        std::string name = lower(k);
        if (name.rfind("x-odps-", 0) == 0) odps[name] = trim(v);
    }
    for (const auto& [k, v] : odps) s += k + ":" + v + "\n";
    s += canonical_resource(in.resource, in.query);
    return s;
}

std::string signature(const std::string& secret, const std::string& canonical) {
    Poco::HMACEngine<Poco::SHA1Engine> hmac(secret);
    hmac.update(canonical);
    const Poco::DigestEngine::Digest& d = hmac.digest();
    std::ostringstream out;
    Poco::Base64Encoder b64(out);
    b64.rdbuf()->setLineLength(0);
    b64.write(reinterpret_cast<const char*>(d.data()), static_cast<std::streamsize>(d.size()));
    b64.close();
    return out.str();
}

std::string authorization(const std::string& access_key_id, const std::string& secret, const SignInput& in) {
    return "ODPS " + access_key_id + ":" + signature(secret, canonical_string(in));
}

}  // namespace ferry::engines::maxcompute
