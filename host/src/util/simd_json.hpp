// simdjson's DOM, for the readers that look at a document without building nlohmann's: a check
// reads FlowSpec fields straight from it (package/json_view.hpp), where converting every document
// to nlohmann's maps and strings was a fifth of its instructions. Apart from json_text.hpp, which
// stays lean: this header pulls in simdjson's, which only the files reading its DOM should pay for.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include <nlohmann/json_fwd.hpp>
#include <simdjson.h>

namespace ferry::host {

// One text read by simdjson. A small text is read by the thread's own parser (the one
// parse_json_fast uses): its root stays valid until the thread parses another text, so a document
// is read to the end before anything on the thread parses again. A large one gets a parser of its
// own, freed with the document.
class SimdDocument {
  public:
    // False when simdjson refuses the text (not JSON, a BOM, a number out of range, more than
    // `max_depth` nested containers, the root's included, and at times exactly that many) or it is
    // larger than the fast path takes; nlohmann's parser then gives the verdict and the message.
    bool parse(const std::string& text, std::size_t max_depth);
    simdjson::dom::element root() const { return root_; }

  private:
    std::unique_ptr<simdjson::dom::parser> own_;
    simdjson::dom::element root_;
};

// nlohmann's value of a simdjson one, as parse_json_fast builds it; false when it nests deeper than
// `max_depth` containers (counting the value itself when it is one).
bool to_nlohmann(simdjson::dom::element value, std::size_t max_depth, nlohmann::json& out);

}  // namespace ferry::host
