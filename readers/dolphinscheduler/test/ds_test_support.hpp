// Running the reader the way the host does (reader_harness.hpp) and reading what it wrote: the
// FlowSpec documents parsed with nlohmann_json, looked up by workflow and node name, and checked
// against the FlowSpec rules ferry's host applies (valid JSON, version and kind, names, ids).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <unistd.h>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dolphinscheduler_reader.hpp"
#include "object_names.hpp"
#include "reader_harness.hpp"

namespace ferry::reader::ds::testing {

using json = nlohmann::json;
using ferry::reader::testing::Written;

inline std::string data(const std::string& rel) { return std::string(FERRY_DS_TEST_DATA) + "/" + rel; }

inline Written run(const std::string& package) {
    auto reader = make_dolphinscheduler_reader();
    return ferry::reader::testing::run_reader(*reader, package);
}

// A package built by the test: files written below a fresh folder.
class Folder {
  public:
    // Unique per process and folder: ctest runs each test in its own process, in parallel.
    explicit Folder(const std::string& name) {
        static int serial = 0;
        path_ = std::filesystem::path(::testing::TempDir()) /
                ("ferry_ds_" + name + "_" + std::to_string(::getpid()) + "_" + std::to_string(++serial));
        std::filesystem::remove_all(path_);
        std::filesystem::create_directories(path_);
    }
    ~Folder() { std::filesystem::remove_all(path_); }
    Folder& file(const std::string& rel, const std::string& bytes) {
        const auto p = path_ / rel;
        std::filesystem::create_directories(p.parent_path());
        std::ofstream(p, std::ios::binary) << bytes;
        return *this;
    }
    Folder& file(const std::string& rel, const char* bytes) { return file(rel, std::string(bytes)); }
    Folder& file(const std::string& rel, const json& j) { return file(rel, j.dump(2)); }
    std::string path() const { return path_.string(); }
    std::string path(const std::string& rel) const { return (path_ / rel).string(); }

  private:
    std::filesystem::path path_;
};

inline json document(const Written& w, const std::string& path) {
    auto it = w.documents.find(path);
    if (it == w.documents.end()) {
        ADD_FAILURE() << "no document " << path;
        return json();
    }
    return json::parse(it->second);
}

inline std::string workflow_path(const std::string& name) {
    return "DataStudio/业务流程/" + name + "/" + name + ".schedule.json";
}

// The workflow entry of the document written for a process.
inline json workflow(const Written& w, const std::string& name) {
    const json d = document(w, workflow_path(name));
    if (!d.is_object()) return json();
    return d["spec"]["workflows"][0];
}

inline json node(const json& wf, const std::string& name) {
    for (const auto& n : wf["nodes"])
        if (n["name"] == name) return n;
    ADD_FAILURE() << "no node " << name << " in workflow " << wf.value("name", "?");
    return json();
}

inline std::string command(const json& n) { return n["script"]["runtime"]["command"].get<std::string>(); }
inline std::string code(const json& n) { return n["script"]["content"].get<std::string>(); }

// What a node depends on: "target" for Normal, "target:Type" otherwise, "target@output" when the
// output is not the target's default one; in the order written.
inline std::vector<std::string> depends(const json& wf, const json& n) {
    std::vector<std::string> out;
    for (const auto& d : wf["dependencies"])
        if (d["nodeId"] == n["id"])
            for (const auto& x : d["depends"]) {
                std::string s = x["nodeId"].get<std::string>();
                if (x["output"] != x["nodeId"]) s += "@" + x["output"].get<std::string>();
                if (x["type"] != "Normal") s += ":" + x["type"].get<std::string>();
                out.push_back(s);
            }
    return out;
}

// A script parameter's value by name ("" when absent).
inline std::string parameter(const json& holder, const std::string& name) {
    const json& s = holder.contains("script") ? holder["script"] : json();
    if (!s.is_object() || !s.contains("parameters")) return "<none>";
    for (const auto& p : s["parameters"])
        if (p["name"] == name) return p["value"].get<std::string>();
    return "<none>";
}

inline std::vector<std::string> codes(const sdk::Diagnostics& d, sdk::Severity s) {
    std::vector<std::string> out;
    for (const auto& i : d.items())
        if (i.severity == s) out.push_back(i.code);
    return out;
}

inline int count(const sdk::Diagnostics& d, const std::string& code) {
    int n = 0;
    for (const auto& i : d.items()) n += i.code == code;
    return n;
}

inline const sdk::Diagnostic* find(const sdk::Diagnostics& d, const std::string& code, const std::string& part = {}) {
    for (const auto& i : d.items())
        if (i.code == code && i.summary.find(part) != std::string::npos) return &i;
    return nullptr;
}

inline std::string dump(const sdk::Diagnostics& d) {
    std::string out;
    for (const auto& i : d.items())
        out += std::string(sdk::to_string(i.severity)) + " " + i.code + " " + i.where + ": " + i.summary + "\n";
    return out;
}

// The FlowSpec rules the host checks, as far as they go without it. Returns the dependency
// targets that name nothing in the package (the host warns FERRY-PKG-DEPENDENCY for those).
inline std::set<std::string> check_flowspec_rules(const Written& w) {
    static const std::set<std::string> versions = {"1.0.0", "1.1.0", "1.2.0"};
    static const std::set<std::string> kinds = {"CycleWorkflow", "ManualWorkflow", "DataSource", "Resource", "Function"};
    EXPECT_TRUE(w.files.count("SPEC.FORMAT")) << "a SPEC package has its marker";
    std::map<std::string, std::set<std::string>> names;  // kind -> names
    std::map<std::string, std::string> ids;              // id -> document
    std::set<std::string> producible, targets;
    auto claim_id = [&](const std::string& id, const std::string& doc) {
        EXPECT_FALSE(id.empty()) << doc;
        auto [it, inserted] = ids.emplace(id, doc);
        EXPECT_TRUE(inserted) << "id " << id << " in " << doc << " and " << it->second;
        producible.insert(id);
    };
    auto check_name = [&](const std::string& kind, const std::string& name, const std::string& doc) {
        EXPECT_EQ(acceptable_name(name), name) << kind << " name in " << doc;
        std::string key = name;
        if (kind == "function") std::transform(key.begin(), key.end(), key.begin(), ::tolower);
        EXPECT_TRUE(names[kind].insert(key).second) << "two " << kind << "s named " << name;
    };
    for (const auto& [path, text] : w.documents) {
        const json d = json::parse(text, nullptr, false);
        EXPECT_FALSE(d.is_discarded()) << path << " is not JSON";
        if (d.is_discarded()) continue;
        EXPECT_TRUE(versions.count(d.value("version", ""))) << path;
        EXPECT_TRUE(kinds.count(d.value("kind", ""))) << path;
        EXPECT_TRUE(d.contains("spec") && d["spec"].is_object()) << path;
        if (!d.contains("spec") || !d["spec"].is_object()) continue;
        const json& spec = d["spec"];
        for (const auto& wf : spec.value("workflows", json::array())) {
            check_name("workflow", wf["name"], path);
            EXPECT_EQ(path, workflow_path(wf["name"])) << "a workflow's document sits in its own folder";
            claim_id(wf["id"], path);
            std::set<std::string> node_names;
            for (const auto& n : wf["nodes"]) {
                const std::string name = n["name"];
                EXPECT_EQ(acceptable_name(name), name) << path;
                EXPECT_TRUE(node_names.insert(name).second) << "two nodes named " << name << " in " << path;
                claim_id(n["id"], path);
                for (const auto& o : n["outputs"]["nodeOutputs"]) producible.insert(o["data"].get<std::string>());
                EXPECT_TRUE(n.contains("dolphinscheduler")) << "node " << name << " keeps its original task";
                EXPECT_TRUE(n["script"]["runtime"]["command"].is_string()) << name;
            }
            for (const auto& dep : wf["dependencies"])
                for (const auto& x : dep["depends"]) {
                    targets.insert(x["nodeId"].get<std::string>());
                    targets.insert(x["output"].get<std::string>());
                }
        }
        for (const auto& f : spec.value("flow", json::array()))
            for (const auto& x : f["depends"]) targets.insert(x["nodeId"].get<std::string>());
        for (const auto& ds : spec.value("datasources", json::array())) check_name("data source", ds["name"], path);
        for (const auto& r : spec.value("fileResources", json::array())) check_name("resource", r["name"], path);
        for (const auto& f : spec.value("functions", json::array())) check_name("function", f["name"], path);
    }
    std::set<std::string> dangling;
    for (const auto& t : targets)
        if (!producible.count(t)) dangling.insert(t);
    return dangling;
}

}  // namespace ferry::reader::ds::testing
