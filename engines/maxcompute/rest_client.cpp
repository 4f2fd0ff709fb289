#include "rest_client.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/DOM/DOMParser.h>
#include <Poco/DOM/Document.h>
#include <Poco/DOM/Node.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/DigestEngine.h>
#include <Poco/Exception.h>
#include <Poco/MD5Engine.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/SAX/XMLReader.h>
#include <Poco/StreamCopier.h>
#include <Poco/Timestamp.h>
#include <Poco/URI.h>

#include <mutex>

#include "signer.hpp"

namespace ferry::engines::maxcompute {

namespace {

std::string lower(std::string s) {
    for (char& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    return s;
}

std::string encode(const std::string& s, const char* reserved) {
    std::string out;
    Poco::URI::encode(s, reserved, out);
    return out;
}

Poco::Net::Context::Ptr tls_context() {
    static std::once_flag once;
    static Poco::Net::Context::Ptr ctx;
    std::call_once(once, [] {
        Poco::Net::initializeSSL();
        // The system's CA store, certificate and host name checked.
        ctx = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", "", Poco::Net::Context::VERIFY_RELAXED, 9,
                                     true);
    });
    return ctx;
}

}  // namespace

std::string RemoteError::text(int status) const {
    std::string s = std::to_string(status);
    if (!code.empty()) s += " " + code;
    if (!message.empty()) s += ": " + message;
    if (!request_id.empty()) s += " (request id " + request_id + ")";
    return s;
}

std::string xml_text(const std::string& body, const std::string& path) {
    if (body.empty()) return {};
    try {
        Poco::XML::DOMParser parser;
        parser.setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_GENERAL_ENTITIES, false);
        parser.setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_PARAMETER_ENTITIES, false);
        Poco::AutoPtr<Poco::XML::Document> doc = parser.parseString(body);
        Poco::XML::Node* n = doc->getNodeByPath(path);
        return n ? n->innerText() : std::string();
    } catch (const Poco::Exception&) {
        return {};
    }
}

RemoteError parse_error(const HttpResponse& r) {
    RemoteError e;
    e.code = xml_text(r.body, "/Error/Code");
    e.message = xml_text(r.body, "/Error/Message");
    e.request_id = xml_text(r.body, "/Error/RequestId");
    if (e.request_id.empty()) e.request_id = r.header("x-odps-request-id");
    if (e.code.empty() && e.message.empty() && !r.body.empty()) e.message = r.body.substr(0, 300);
    return e;
}

bool valid_endpoint(const std::string& endpoint, std::string& reason) {
    try {
        Poco::URI u(endpoint);
        if (u.getScheme() != "http" && u.getScheme() != "https") {
            reason = "the scheme must be http or https";
            return false;
        }
        if (u.getHost().empty()) {
            reason = "there is no host";
            return false;
        }
        if (!u.getQuery().empty() || !u.getFragment().empty()) {
            reason = "an endpoint has no query or fragment";
            return false;
        }
        return true;
    } catch (const Poco::Exception& e) {
        reason = e.displayText();
        return false;
    }
}

RestClient::RestClient(std::string endpoint, Credentials credentials, int timeout_s)
    : endpoint_(std::move(endpoint)), credentials_(std::move(credentials)), timeout_s_(timeout_s) {
    while (!endpoint_.empty() && endpoint_.back() == '/') endpoint_.pop_back();
}

bool RestClient::send(const std::string& method, const std::string& resource,
                      const std::vector<std::pair<std::string, std::string>>& query,
                      std::map<std::string, std::string> headers, const std::string& body, HttpResponse& out,
                      std::string& error) const {
    try {
        Poco::URI base(endpoint_);
        std::string target = base.getPath() + encode(resource, "?#[]@!$&'()*+,;=");
        for (std::size_t i = 0; i < query.size(); ++i) {
            target += (i ? "&" : "?") + encode(query[i].first, "?#[]@!$&'()*+,;=/:");
            if (!query[i].second.empty()) target += "=" + encode(query[i].second, "?#[]@!$&'()*+,;=/:");
        }

        SignInput in;
        in.method = method;
        in.date = Poco::DateTimeFormatter::format(Poco::Timestamp(), Poco::DateTimeFormat::HTTP_FORMAT);
        if (!body.empty()) {
            Poco::MD5Engine md5;
            md5.update(body);
            in.content_md5 = Poco::DigestEngine::digestToHex(md5.digest());
        }
        auto ct = headers.find("Content-Type");
        if (ct != headers.end()) in.content_type = ct->second;
        headers["x-odps-user-agent"] = "ferry/0.1.0";
        in.headers = headers;
        in.resource = resource;
        in.query = query;

        Poco::Net::HTTPRequest req(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
        for (const auto& [k, v] : headers) req.set(k, v);
        req.set("Date", in.date);
        if (!in.content_md5.empty()) req.set("Content-MD5", in.content_md5);
        req.set("Authorization", authorization(credentials_.access_key_id, credentials_.access_key_secret, in));
        if (!credentials_.sts_token.empty()) req.set("authorization-sts-token", credentials_.sts_token);
        if (method == "POST" || method == "PUT" || !body.empty()) req.setContentLength(static_cast<std::streamsize>(body.size()));

        std::unique_ptr<Poco::Net::HTTPClientSession> session;
        if (base.getScheme() == "https")
            session = std::make_unique<Poco::Net::HTTPSClientSession>(base.getHost(), base.getPort(), tls_context());
        else
            session = std::make_unique<Poco::Net::HTTPClientSession>(base.getHost(), base.getPort());
        session->setTimeout(Poco::Timespan(timeout_s_, 0));
        std::ostream& os = session->sendRequest(req);
        os << body;
        Poco::Net::HTTPResponse resp;
        std::istream& is = session->receiveResponse(resp);
        out = HttpResponse{};
        out.status = static_cast<int>(resp.getStatus());
        for (const auto& [k, v] : resp) out.headers[lower(k)] = v;
        if (method != "HEAD") Poco::StreamCopier::copyToString(is, out.body);
        return true;
    } catch (const Poco::Exception& e) {
        error = e.displayText();
        return false;
    } catch (const std::exception& e) {
        error = e.what();
        return false;
    }
}

}  // namespace ferry::engines::maxcompute
