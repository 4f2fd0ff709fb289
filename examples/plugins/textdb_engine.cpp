// Example engine plugin: a pretend engine that owns TEXTDB_SQL nodes and "textdb" tables. It shows
// the five calls an engine answers; a real one talks to its instance in exists() and apply().
#include <memory>
#include <string>

#include "ferry/sdk/sdk.hpp"

namespace {
using namespace ferry::sdk;

const ConfigKey kSchema[] = {
    {"database", ValueType::string, true, nullptr, "the database objects are created in"},
};

// What the host routes to this engine, readable before anything is created.
const char* const kOwns[] = {"command:TEXTDB_SQL", "datasource:textdb", "table:TextDB"};

class TextDbEngine : public Engine {
  public:
    explicit TextDbEngine(std::string database) : database_(std::move(database)) {}

    std::string dialect() const override { return "textdb"; }

    RewriteResponse rewrite(const RewriteRequest& request) override {
        // Naive on purpose: real engines tokenize so strings and comments stay untouched.
        RewriteResponse r;
        r.code = request.code;
        for (const auto& [from, to] : request.names) {
            for (std::size_t at = 0; (at = r.code.find(from + ".", at)) != std::string::npos; at += to.size()) {
                r.code.replace(at, from.size(), to);
                ++r.replacements;
            }
        }
        return r;
    }

    TableResponse render_table(const TableRequest& request) override {
        TableResponse r;
        r.statements.push_back("-- " + database_ + "." + request.name + "\n" + request.ddl);
        return r;
    }

    FunctionResponse render_function(const FunctionRequest& request) override {
        FunctionResponse r;
        r.diagnostics.error("TEXTDB-NO-FUNCTIONS", "textdb has no user functions",
                            "map functions to another engine", request.name);
        return r;
    }

    ExistsResponse exists(const ExistsRequest&) override { return {}; }

    ApplyResponse apply(const ApplyRequest& request) override {
        ApplyResponse r;
        r.applied = true;  // a real engine runs request.statements here, in one transaction if it can
        return r;
    }

  private:
    std::string database_;
};

std::unique_ptr<TextDbEngine> make(const CreateContext& ctx, Diagnostics&) {
    return std::make_unique<TextDbEngine>(ctx.config->string("database"));
}

}  // namespace

FERRY_PLUGIN(engine, "textdb", "0.1.0", "Example: a pretend engine for TEXTDB_SQL nodes", kSchema, kOwns, make)
