#include "deploy.hpp"

#include <algorithm>
#include <set>
#include <thread>

namespace ferry::dataworks {

using nlohmann::json;

namespace {

std::string text_of(const json& v) { return v.is_string() ? v.get<std::string>() : v.is_null() ? "" : v.dump(); }

void read_stages(const json& pipeline, std::vector<sdk::DeployStage>& out) {
    out.clear();
    std::vector<std::pair<long long, sdk::DeployStage>> ordered;
    const json& stages = at(pipeline, "Stages");
    if (!stages.is_array()) return;
    for (const auto& s : stages) {
        sdk::DeployStage d{text_of(at(s, "Code")), text_of(at(s, "Name")), text_of(at(s, "Status")),
                           text_of(at(s, "Message"))};
        const json& step = at(s, "Step");
        ordered.emplace_back(step.is_number_integer() ? step.get<long long>() : static_cast<long long>(ordered.size()),
                             std::move(d));
    }
    std::stable_sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [step, d] : ordered) out.push_back(std::move(d));
}

}  // namespace

bool deploy(ApiClient& api, const std::string& object_id, const std::string& what, const DeployOptions& options,
            std::vector<sdk::DeployStage>& stages, sdk::Diagnostics& diags) {
    ApiAnswer created = api.call("CreatePipelineRun",
                                 {{"Type", "Online"},
                                  {"ObjectIds", json::array({object_id}).dump()},
                                  {"Description", "ferry: deploy " + what}},
                                 false, diags);
    if (!created.ok) return false;
    const std::string run = id_text(at(created.body, "Id"));
    if (run.empty()) {
        diags.error("FERRY-DW-API", "CreatePipelineRun answered without a run id", "", what);
        return false;
    }
    const auto deadline = std::chrono::steady_clock::now() + options.timeout;
    auto wait = options.poll;
    std::set<std::string> started;  // stages ferry started: each once, never repeated
    for (;;) {
        ApiAnswer got = api.call("GetPipelineRun", {{"Id", run}}, true, diags);
        if (!got.ok) return false;
        const json& pipeline = at(got.body, "Pipeline");
        read_stages(pipeline, stages);
        const std::string status = text_of(at(pipeline, "Status"));
        for (const auto& s : stages)
            if (s.status == "Fail" || s.status == "Termination" || s.status == "Cancel") {
                diags.error("FERRY-DW-DEPLOY",
                            "deploying " + what + " failed at stage " + s.code + (s.name.empty() ? "" : " (" + s.name + ")") +
                                ": " + (s.message.empty() ? s.status : s.message),
                            "fix what the stage names in DataWorks or in the package, then `ferry reimport` the task "
                            "(pipeline run " + run + ")",
                            what);
                return false;
            }
        if (status == "Success") return true;
        if (status == "Fail" || status == "Termination" || status == "Cancel") {
            diags.error("FERRY-DW-DEPLOY", "deploying " + what + " ended " + status + ": " + text_of(at(pipeline, "Message")),
                        "see pipeline run " + run + " in DataWorks, then `ferry reimport` the task", what);
            return false;
        }
        // The first stage not done: start it if it waits for us, else wait for it.
        for (const auto& s : stages) {
            if (s.status == "Success") continue;
            if (s.status == "Init" && !started.count(s.code)) {
                started.insert(s.code);
                ApiAnswer exec = api.call("ExecPipelineRunStage", {{"Id", run}, {"Code", s.code}}, true, diags);
                if (!exec.ok) return false;
            }
            break;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            diags.error("FERRY-DW-DEPLOY-TIMEOUT",
                        "deploying " + what + " did not finish within " + std::to_string(options.timeout.count()) +
                            " seconds (pipeline run " + run + ")",
                        "raise deploy_timeout_seconds in [workspace.dataworks], or finish the run in DataWorks", what);
            return false;
        }
        std::this_thread::sleep_for(wait);
        wait = std::min(wait * 2, std::chrono::milliseconds(3000));
    }
}

}  // namespace ferry::dataworks
