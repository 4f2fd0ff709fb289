// Every field of a planned object, in one order for both directions: what the importer reads back
// from the plan's spool is what the planner decided.
#include "task/planner.hpp"

namespace ferry::host {

namespace {

// A field added to PlannedObject or ObjectRecord must be added to encode() and decode() too, or it
// is lost on its way through the plan's spool: these sizes (x86-64, libstdc++) make the compiler say so.
static_assert(sizeof(PlannedObject) == 840 && sizeof(sdk::ObjectRecord) == 352,
              "PlannedObject or ObjectRecord changed: update plan_codec.cpp, then these sizes");

void put(SpoolWriter& w, const std::vector<FieldChange>& v) {
    w.u64(v.size());
    for (const auto& c : v) {
        w.str(c.path);
        w.str(c.before);
        w.str(c.after);
    }
}
void get(SpoolReader& r, std::vector<FieldChange>& v) {
    v.resize(static_cast<std::size_t>(r.u64()));
    for (auto& c : v) {
        c.path = r.str();
        c.before = r.str();
        c.after = r.str();
    }
}

void put(SpoolWriter& w, const std::vector<sdk::Diagnostic>& v) {
    w.u64(v.size());
    for (const auto& d : v) {
        w.u64(static_cast<std::uint64_t>(d.severity));
        w.str(d.code);
        w.str(d.summary);
        w.str(d.detail);
        w.str(d.where);
    }
}
void get(SpoolReader& r, std::vector<sdk::Diagnostic>& v) {
    v.resize(static_cast<std::size_t>(r.u64()));
    for (auto& d : v) {
        d.severity = static_cast<sdk::Severity>(r.u64());
        d.code = r.str();
        d.summary = r.str();
        d.detail = r.str();
        d.where = r.str();
    }
}

void put(SpoolWriter& w, const sdk::ObjectRecord& o) {
    w.u64(static_cast<std::uint64_t>(o.kind));
    for (const auto* s : {&o.name, &o.owner, &o.resource_group, &o.engine_instance, &o.path, &o.content, &o.document,
                          &o.sha256, &o.remote_id, &o.remote_version})
        w.str(*s);
    w.boolean(o.dry_run);
    w.i64(o.version);
    w.i64(o.revision);
}
void get(SpoolReader& r, sdk::ObjectRecord& o) {
    o.kind = static_cast<sdk::ObjectKind>(r.u64());
    for (auto* s : {&o.name, &o.owner, &o.resource_group, &o.engine_instance, &o.path, &o.content, &o.document,
                    &o.sha256, &o.remote_id, &o.remote_version})
        *s = r.str();
    o.dry_run = r.boolean();
    o.version = r.i64();
    o.revision = r.i64();
}

}  // namespace

void encode(const PlannedObject& o, std::string& out) {
    SpoolWriter w(out);
    w.u64(static_cast<std::uint64_t>(o.kind));
    w.u64(static_cast<std::uint64_t>(o.action));
    for (const auto* s : {&o.name, &o.reason, &o.owner_before, &o.engine_type, &o.content_sha256, &o.resource_type,
                          &o.remote_id})
        w.str(*s);
    put(w, o.record);
    w.strings(o.statements);
    for (bool b : {o.commit_to_engine, o.engine_conflict, o.remote, o.deploy}) w.boolean(b);
    write_content_ref(w, o.content);
    put(w, o.notes);
    put(w, o.changes);
    put(w, o.differences);
}

void decode(std::string_view in, PlannedObject& o) {
    SpoolReader r(in);
    o.kind = static_cast<sdk::ObjectKind>(r.u64());
    o.action = static_cast<sdk::Action>(r.u64());
    for (auto* s : {&o.name, &o.reason, &o.owner_before, &o.engine_type, &o.content_sha256, &o.resource_type,
                    &o.remote_id})
        *s = r.str();
    get(r, o.record);
    o.statements = r.strings();
    for (bool* b : {&o.commit_to_engine, &o.engine_conflict, &o.remote, &o.deploy}) *b = r.boolean();
    read_content_ref(r, o.content);
    get(r, o.notes);
    get(r, o.changes);
    get(r, o.differences);
}

}  // namespace ferry::host
