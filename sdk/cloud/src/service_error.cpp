#include "ferry/cloud/service_error.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/DOM/DOMParser.h>
#include <Poco/DOM/Document.h>
#include <Poco/DOM/Element.h>
#include <Poco/DOM/Node.h>
#include <Poco/SAX/XMLReader.h>

namespace ferry::cloud {
namespace {

// A body from the network is data: never fetch or expand external entities. Throws when it is not XML.
Poco::AutoPtr<Poco::XML::Document> parse(const std::string& body) {
    Poco::XML::DOMParser parser;
    parser.setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_GENERAL_ENTITIES, false);
    parser.setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_PARAMETER_ENTITIES, false);
    return parser.parseString(body);
}

}  // namespace

ServiceError parse_service_error(const std::string& body) {
    ServiceError e;
    if (body.find("<Error") == std::string::npos) return e;
    try {
        Poco::AutoPtr<Poco::XML::Document> doc = parse(body);
        Poco::XML::Element* root = doc->documentElement();
        if (!root || root->localName() != "Error") return e;
        auto text = [&](const char* name) {
            Poco::XML::Element* child = root->getChildElement(name);
            return child ? child->innerText() : std::string{};
        };
        e.code = text("Code");
        e.message = text("Message");
        e.request_id = text("RequestId");
        e.host_id = text("HostId");
        e.string_to_sign = text("StringToSign");
        e.canonical_request = text("CanonicalRequest");
        e.ec = text("EC");
    } catch (...) {
        // Not XML after all: callers fall back to the HTTP status alone.
        return ServiceError{};
    }
    return e;
}

std::string xml_text(const std::string& body, const std::string& path) {
    if (body.empty()) return {};
    try {
        Poco::AutoPtr<Poco::XML::Document> doc = parse(body);
        Poco::XML::Node* n = doc->getNodeByPath(path);
        return n ? n->innerText() : std::string();
    } catch (...) {
        return {};
    }
}

}  // namespace ferry::cloud
