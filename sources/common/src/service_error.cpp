#include "ferry/source/service_error.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/DOM/DOMParser.h>
#include <Poco/DOM/Document.h>
#include <Poco/DOM/Element.h>
#include <Poco/DOM/Node.h>
#include <Poco/DOM/NodeList.h>
#include <Poco/SAX/XMLReader.h>

namespace ferry::source {

ServiceError parse_service_error(const std::string& body) {
    ServiceError e;
    if (body.find("<Error") == std::string::npos) return e;
    try {
        Poco::XML::DOMParser parser;
        // An error body is data from the network: never fetch or expand external entities.
        parser.setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_GENERAL_ENTITIES, false);
        parser.setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_PARAMETER_ENTITIES, false);
        Poco::AutoPtr<Poco::XML::Document> doc = parser.parseString(body);
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

}  // namespace ferry::source
