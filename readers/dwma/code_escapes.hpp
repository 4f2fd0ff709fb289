// The escaping MigrationX puts on code-like fields of DWMA files (a node's Code, Parameter and
// Description, a table's DDL, a function's command, arguments, return value, example and
// description): commons-lang 2's escapeXml(escapeJava(value)), written inside CDATA
// (objects/serialize/CodeControlCharEscapeConverter.java in aliyun/dataworks-spec). Reading undoes
// both, as CodeControlCharUnEscapeConverter does: XML entities first, then Java escapes.
#pragma once

#include <optional>
#include <string>

namespace ferry::reader::dwma {

// The value as it was before MigrationX escaped it; nullopt when a `\u` escape is malformed (the
// caller keeps the text as written and says so). Blank values are returned as they are, since
// MigrationX leaves them unescaped.
std::optional<std::string> unescape_code(const std::string& written, std::string& problem);

}  // namespace ferry::reader::dwma
