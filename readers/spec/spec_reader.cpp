// Reader "spec": DataWorks' own formats, FlowSpec. The SPEC package (SPEC.FORMAT, DataStudio/...,
// DataSource/...), the older `.flow` demos, archives of loose FlowSpec documents and a lone FlowSpec
// document are already ferry's model: this reader recognises them and passes every entry through
// unchanged; the host reads the layout (docs/package-format.md). It is the reader other readers are
// measured against: what they write is what this one passes.
#include <memory>

#include "ferry/sdk/reader.hpp"

namespace {

using namespace ferry::sdk;

bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

bool looks_like_json(const std::string& head) {
    const auto first = head.find_first_not_of(" \t\r\n\xef\xbb\xbf");
    return first != std::string::npos && head[first] == '{';
}

// A FlowSpec document: a JSON object whose first keys name a FlowSpec version and kind. The head is
// enough: the host parses it whole later.
bool looks_like_flowspec(const std::string& head) {
    const auto first = head.find_first_not_of(" \t\r\n\xef\xbb\xbf");
    if (first == std::string::npos || head[first] != '{') return false;
    const bool versioned = head.find("\"version\"") != std::string::npos;
    const bool kinded = head.find("\"kind\"") != std::string::npos;
    const bool wrapped = head.find("\"spec\"") != std::string::npos || head.find("\"Spec\"") != std::string::npos;
    return (versioned && kinded) || (wrapped && (versioned || kinded));
}

class SpecReader : public Reader {
  public:
    Recognition recognize(const std::vector<EntryPeek>& first) override {
        Recognition r;
        r.format = "spec";
        for (const auto& e : first) {
            const std::string name = e.path.substr(e.path.rfind('/') + 1);
            // `.flow` is also Azkaban's Flow 2.0 (YAML): DataWorks' demos are JSON.
            const bool json_flow = ends_with(e.path, ".flow") && looks_like_json(e.head);
            if (name == "SPEC.FORMAT" || ends_with(e.path, ".schedule.json") || json_flow) {
                r.confidence = 100;
                return r;
            }
            if (ends_with(e.path, ".json") && looks_like_flowspec(e.head)) r.confidence = std::max(r.confidence, 80);
        }
        // Code and resource files may come before the first document: any package whose entries
        // hold no other reader's marker is tried as FlowSpec, below every reader that knows it.
        if (r.confidence == 0 && !first.empty()) r.confidence = 1;
        return r;
    }
    void read_entry(const std::string& path, EntryBytes& bytes, ReaderOutput& out, Diagnostics&) override {
        out.file_from(path, bytes);
    }
    void finish(ReaderOutput&, Diagnostics&) override {}
};

std::unique_ptr<SpecReader> make(const CreateContext&, Diagnostics&) { return std::make_unique<SpecReader>(); }

}  // namespace

FERRY_PLUGIN(reader, "spec", "0.3.0",
             "DataWorks' formats: SPEC packages, .flow demos, FlowSpec documents and archives of them", nullptr,
             nullptr, make)
