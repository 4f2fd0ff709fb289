#include "remote_committer.hpp"

#include <thread>

#include "api_spec.hpp"
#include "ferry/committer/land.hpp"
#include "remote_kinds.hpp"

namespace ferry::dataworks {

using nlohmann::json;

namespace {

std::string text_of(const json& v) { return v.is_string() ? v.get<std::string>() : v.is_null() ? "" : v.dump(); }

// The object's DataWorks id by name (and path, for objects with paths), or empty.
std::string look_up(ApiClient& api, sdk::ObjectKind kind, const std::string& name, const std::string& path,
                    sdk::Diagnostics& diags) {
    std::string id;
    auto take = [&](const sdk::RemoteObject& o) {
        if (id.empty() && (path.empty() || o.path.empty() || o.path == path)) id = o.remote_id;
    };
    if (kind == sdk::ObjectKind::datasource) list_datasources(api, name, take, diags);
    else if (const KindApi* k = kind_api(kind)) list_remote(api, *k, name, take, diags);
    return id;
}

// Waits for an ImportWorkflowDefinition job; false after an error naming what failed.
bool wait_for_job(Remote& r, const std::string& job, const std::string& what, sdk::Diagnostics& diags) {
    const auto deadline = std::chrono::steady_clock::now() + r.job_timeout;
    auto wait = std::chrono::milliseconds(200);
    for (;;) {
        ApiAnswer a = r.api.call("GetJobStatus", {{"JobId", job}}, true, diags);
        if (!a.ok) return false;
        const json& st = at(a.body, "JobStatus");
        const std::string completed = text_of(at(st, "Completed"));
        const std::string status = text_of(at(st, "Status"));
        if (completed == "True" || completed == "true" || status == "Success" || status == "Fail" || status == "Cancel") {
            if (status == "Success") return true;
            diags.error("FERRY-DW-IMPORT", "DataWorks could not import " + what + " (job " + job + " " + status +
                                               "): " + text_of(at(st, "Error")),
                        "fix what DataWorks names in the package or the workspace, then `ferry reimport` the task", what);
            return false;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            diags.error("FERRY-DW-IMPORT", "DataWorks did not finish importing " + what + " within " +
                                               std::to_string(r.job_timeout.count()) + " seconds (job " + job + ")",
                        "raise job_timeout_seconds in [workspace.dataworks]", what);
            return false;
        }
        std::this_thread::sleep_for(wait);
        wait = std::min(wait * 2, std::chrono::milliseconds(2000));
    }
}

}  // namespace

sdk::CommitResponse RemoteCommitter::commit(const sdk::CommitRequest& req) {
    sdk::CommitResponse resp;
    sdk::Diagnostics& d = resp.diagnostics;
    const sdk::ObjectRecord& o = req.object;
    const std::string what = std::string(sdk::to_string(kind_)) + " " + o.name;
    const KindApi* k = kind_api(kind_);
    const json doc = json::parse(o.document, nullptr, false);
    const std::string path = k ? object_path([&]() -> const json& {
        const json& list = at(at(doc, "spec"), k->spec_list);
        static const json none;
        return list.is_array() && !list.empty() ? list.front() : none;
    }(), o) : "";

    // 1. Where it is: the id ferry recorded, else a look-up (a lost reply may have made it).
    std::string id = req.known_remote_id;
    if (id.empty()) id = look_up(remote_.api, kind_, o.name, path, d);
    if (d.has_errors()) return resp;

    // 2. The bytes of a resource, staged where DataWorks fetches them.
    std::vector<std::string> secrets;
    std::string link;
    if (kind_ == sdk::ObjectKind::resource) {
        if (!remote_.staging.configured()) {
            d.error("FERRY-DW-STAGING", "resource " + o.name + " needs a staging bucket for DataWorks to fetch it from",
                    "set resource_staging = \"oss://BUCKET/PREFIX\" and staging_endpoint in [workspace.dataworks]",
                    o.name);
            return resp;
        }
        link = remote_.staging.stage(o.name, o.content, secrets, d);
        if (link.empty()) return resp;
        remote_.api.scrub_also(secrets);
    }

    // 3. Create or update.
    enum class Wrote { ok, failed, no_answer, gone };
    auto outcome = [](const ApiAnswer& a, bool create) {
        if (a.ok) return Wrote::ok;
        if (!a.answered) return Wrote::no_answer;
        if (!create && ApiClient::not_found(a)) return Wrote::gone;
        return Wrote::failed;
    };
    auto write = [&](bool create) -> Wrote {
        if (kind_ == sdk::ObjectKind::datasource) {
            const json& list = at(at(doc, "spec"), "datasources");
            const std::string type = list.is_array() && !list.empty() ? text_of(at(list.front(), "type")) : "";
            Params p{{"ConnectionProperties", connection_properties(o).dump()}};
            if (create) {
                p.push_back({"Name", o.name});
                p.push_back({"Type", type});
                p.push_back({"ConnectionPropertiesMode", "UrlMode"});
            } else {
                p.push_back({"Id", id});
            }
            ApiAnswer a = remote_.api.call(create ? "CreateDataSource" : "UpdateDataSource", p, !create, d, !create);
            if (create && a.ok) id = id_text(at(a.body, "Id"));
            return outcome(a, create);
        }
        json server;
        if (kind_ == sdk::ObjectKind::workflow && !create) {
            ApiAnswer got = remote_.api.call("GetWorkflowDefinition", {{"Id", id}}, true, d, true);
            if (!got.ok) return outcome(got, false);
            server = json::parse(text_of(at(at(got.body, "WorkflowDefinition"), "Spec")), nullptr, false);
        }
        const json spec = api_spec(*k, o, create ? "" : id, server.is_object() ? &server : nullptr);
        if (spec.is_null()) {
            d.error("FERRY-DW-SPEC", what + ": its stored document holds no " + k->spec_list + " entry",
                    "import its package again", o.name);
            return Wrote::failed;
        }
        Params p{{"Spec", spec.dump()}};
        if (kind_ == sdk::ObjectKind::node && create) p.push_back({"Scene", remote_.scene});
        if (!create && kind_ != sdk::ObjectKind::workflow) p.push_back({"Id", id});
        if (!link.empty()) p.push_back({"ResourceFile", link});
        // Updates are idempotent; a create, and a workflow import, are not sent twice blindly.
        const bool idempotent = !create && kind_ != sdk::ObjectKind::workflow;
        ApiAnswer a = remote_.api.call(create ? k->create_action : k->update_action, p, idempotent, d, !create);
        if (!a.ok) return outcome(a, create);
        if (kind_ == sdk::ObjectKind::workflow) {
            const json& job = at(a.body, "AsyncJob");
            const std::string made = text_of(at(job, "Response"));
            if (!wait_for_job(remote_, id_text(at(job, "Id")), what, d)) return Wrote::failed;
            if (create) id = made;
        } else if (create) {
            id = id_text(at(a.body, "Id"));
        }
        if (id.empty()) {
            d.error("FERRY-DW-API", "DataWorks took " + what + " without answering its id", "", o.name);
            return Wrote::failed;
        }
        return Wrote::ok;
    };
    Wrote wrote = id.empty() ? write(true) : write(false);
    if (wrote == Wrote::gone) {
        // Deleted in DataWorks since ferry (or the look-up) saw it: made again.
        d = sdk::Diagnostics();
        id.clear();
        wrote = write(true);
    }
    if (wrote == Wrote::no_answer && id.empty()) {
        // The create's reply was lost: look before writing again, so one object is never made twice.
        sdk::Diagnostics look;
        id = look_up(remote_.api, kind_, o.name, path, look);
        d = sdk::Diagnostics();
        wrote = id.empty() ? write(true) : write(false);
    }
    if (wrote != Wrote::ok) {
        if (!d.has_errors()) d.error("FERRY-DW-API", "DataWorks did not take " + what, "", o.name);
        resp.message = "not written to " + remote_.describe;
        return resp;
    }

    // 4. Deploy when the commission rule says so, then read the change marker DataWorks now holds.
    std::string deployed;
    if (req.deploy) {
        if (!deploy(remote_.api, id, what, remote_.deploy, resp.stages, d)) {
            resp.remote_id = id;
            resp.message = "saved in " + remote_.describe + " (id " + id + ") but not deployed";
            return resp;
        }
        deployed = ", deployed";
        for (const auto& s : resp.stages) deployed += (deployed == ", deployed" ? " (" : ", ") + s.code + " " + s.status;
        if (!resp.stages.empty()) deployed += ")";
    }
    std::string version;
    if (kind_ == sdk::ObjectKind::datasource) {
        list_datasources(remote_.api, o.name, [&](const sdk::RemoteObject& r) {
            if (r.remote_id == id) version = r.remote_version;
        }, d);
    } else {
        version = modify_time_of(remote_.api, *k, id, d);
    }
    if (d.has_errors()) return resp;

    // 5. ferry's record of it.
    sdk::ObjectRecord rec = o;
    rec.remote_id = id;
    rec.remote_version = version;
    if (!committer::record(req, rec, resp)) return resp;
    resp.ok = true;
    resp.remote_id = id;
    resp.remote_version = version;
    resp.message = std::string(req.known_remote_id.empty() && req.action == sdk::Action::create ? "created" : "updated") +
                   " in " + remote_.describe + " (id " + id + ")" + deployed;
    return resp;
}

}  // namespace ferry::dataworks
