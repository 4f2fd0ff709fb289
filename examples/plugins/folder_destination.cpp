// Example destination plugin: lands each object as a file, <folder>/<kind>/<name>.json holding its
// FlowSpec document and content. It shows what a destination answers: which kinds it holds, what it
// holds of each (with a change marker, so the plan sees edits made there), and a committer per kind
// that lands one object, then stores ferry's record of it through the host's workspace. A real one
// (plugins/dataworks) talks to a service instead of a folder.
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>

#include "ferry/sdk/sdk.hpp"

namespace {
using namespace ferry::sdk;
namespace fs = std::filesystem;

const ConfigKey kSchema[] = {
    {"folder", ValueType::string, true, nullptr, "where the objects land, one file each"},
};

// The kinds it takes (here every kind; the host fails objects of a kind a destination does not take
// by name). A destination that also creates tables on their engines would reuse the engine step.
const char* const kOwns[] = {"kind:node",       "kind:workflow",  "kind:resource", "kind:function", "kind:table",
                             "kind:datasource", "kind:component", "kind:quality",  "kind:service"};

std::string read_all(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// What changes when anyone changes the file: a hash of its bytes (a service would give a
// modification time or a version).
std::string marker_of(const std::string& bytes) { return std::to_string(std::hash<std::string>{}(bytes)); }

// A JSON string literal (documents are JSON already; content may be anything).
std::string quoted(const std::string& s) {
    std::string out = "\"";
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') out += '\\', out += static_cast<char>(c);
        else if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        } else out += static_cast<char>(c);
    }
    return out + "\"";
}

class FolderCommitter : public Committer {
  public:
    explicit FolderCommitter(fs::path folder) : folder_(std::move(folder)) {}
    CommitResponse commit(const CommitRequest& req) override {
        CommitResponse resp;
        const fs::path dir = folder_ / to_string(req.object.kind);
        std::error_code ec;
        fs::create_directories(dir, ec);
        const std::string text = "{\"name\": " + quoted(req.object.name) + ", \"document\": " + req.object.document +
                                 ", \"content\": " + quoted(req.object.content) + "}\n";
        std::ofstream(dir / (req.object.name + ".json"), std::ios::binary) << text;
        if (ec) {
            resp.diagnostics.error("EXAMPLE-FOLDER-WRITE", "cannot write into " + dir.string() + ": " + ec.message());
            return resp;
        }
        // ferry's record, with where the object is and the marker it has now.
        ObjectRecord record = req.object;
        record.remote_id = (dir / (req.object.name + ".json")).string();
        record.remote_version = marker_of(text);
        if (!req.workspace->put(record, resp.diagnostics)) return resp;
        resp.ok = true;
        resp.remote_id = record.remote_id;
        resp.remote_version = record.remote_version;
        resp.message = "written to " + record.remote_id;
        return resp;
    }

  private:
    fs::path folder_;
};

class FolderDestination : public Destination {
  public:
    explicit FolderDestination(fs::path folder) : folder_(folder), committer_(std::move(folder)) {}
    std::string describe() const override { return "folder " + folder_.string(); }
    bool holds(ObjectKind kind) const override {
        for (const char* owned : kOwns)
            if (std::string(owned) == std::string("kind:") + to_string(kind)) return true;
        return false;
    }
    bool list(ObjectKind kind, RemoteListing& out, Diagnostics&) override {
        const fs::path dir = folder_ / to_string(kind);
        std::error_code ec;
        for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
            if (it->path().extension() != ".json") continue;
            RemoteObject o;
            o.kind = kind;
            o.name = it->path().stem().string();
            o.remote_id = it->path().string();
            o.remote_version = marker_of(read_all(it->path()));
            out.add(o);
        }
        return true;
    }
    Committer* committer(ObjectKind kind) override { return holds(kind) ? &committer_ : nullptr; }

  private:
    fs::path folder_;
    FolderCommitter committer_;
};

std::unique_ptr<FolderDestination> make(const CreateContext& ctx, Diagnostics&) {
    return std::make_unique<FolderDestination>(ctx.config->string("folder"));
}
}  // namespace

FERRY_PLUGIN(destination, "folder_example", "0.1.0", "Example: lands objects as files in a folder", kSchema, kOwns, make)
