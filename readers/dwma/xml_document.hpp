// The XML that DWMA packages hold, read into a small tree.
//
// DWMA files are written by Jackson's XmlMapper (MigrationX's DataWorksDwmaPackageFileService, and the
// product's own export): elements, attributes, text and CDATA, nothing else. Jackson writes the type
// id of polymorphic classes (Node, Resource) as an attribute named `@class`, which is not an XML name:
// expat and libxml2 refuse such a file, so this reader takes any attribute name up to `=`. It reads
// no DTD (a DOCTYPE is refused: no entity expansion, no external files) and knows the five
// predefined entities and character references only.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ferry::reader::dwma {

struct XmlElement {
    std::string name;
    std::vector<std::pair<std::string, std::string>> attributes;  // in document order
    std::vector<XmlElement> children;
    std::string text;  // text and CDATA directly inside, concatenated
    std::size_t line = 0, column = 0;

    const std::string* attribute(const std::string& key) const;
    const XmlElement* child(const std::string& child_name) const;
    // The children named `item` of the wrapper child `wrapper` (Jackson writes lists as
    // <Nodes><Node/>...</Nodes>); empty when there is no such wrapper.
    std::vector<const XmlElement*> list(const std::string& wrapper, const std::string& item) const;
};

struct XmlError {
    std::size_t line = 0, column = 0;
    std::string message;
};

// The document's root element, or the first error with its position (1-based line and column,
// the column counted in bytes).
std::optional<XmlElement> parse_xml(const std::string& text, XmlError& error);

}  // namespace ferry::reader::dwma
