// The model and the plan keep their objects on disk (util/object_spool.hpp): what is read back
// must be what was put in, every field, through writes, rewrites, copies and passes large enough
// to leave the write buffer and the read-ahead window.
#include <gtest/gtest.h>

#include <string>

#include "package/model.hpp"
#include "task/planner.hpp"

namespace ferry::test {
namespace {

using host::Node;
using host::ObjectList;
using host::PlannedObject;

// A node whose every field holds a value of its own, derived from `i`.
Node full_node(std::size_t i) {
    Node n;
    int k = 0;
    auto next = [&] { return "v" + std::to_string(i) + "_" + std::to_string(k++); };
    for (auto* s : {&n.id, &n.name, &n.owner, &n.source_path, &n.folder, &n.doc_kind, &n.workflow, &n.command,
                    &n.command_type_id, &n.engine_label, &n.language, &n.script_path, &n.datasource_name,
                    &n.datasource_type, &n.description, &n.resource_group, &n.resource_group_id, &n.trigger_type,
                    &n.cron, &n.start_time, &n.end_time, &n.timezone, &n.recurrence, &n.instance_mode, &n.rerun_mode,
                    &n.pointer})
        *s = next();
    n.rerun_times = 3;
    n.rerun_interval = -60000;  // negative values survive
    n.priority = 7;
    n.timeout = static_cast<std::int64_t>(i) << 40;
    n.inputs = {next(), next()};
    n.outputs = {next()};
    n.depends = {{next(), "Normal"}, {next(), "CrossCycleDependsOnSelf"}};
    n.parameters = {"bizdate=${yyyymmdd}", ""};
    n.code = {true, std::string("SELECT 1;\0tail", 14), true, next(), next(), 123456789012ull, 42};
    n.document = {true, "", false, next(), next(), 7, 9};
    n.inner = i % 3 == 0;
    n.in_workflow = i % 2 == 0;
    n.container = i % 3 == 0 ? i / 2 : host::kNoContainer;
    n.inner_count = i;
    return n;
}

void expect_same(const host::ContentRef& a, const host::ContentRef& b) {
    EXPECT_EQ(a.present, b.present);
    EXPECT_EQ(a.is_inline, b.is_inline);
    EXPECT_EQ(a.inline_text, b.inline_text);
    EXPECT_EQ(a.entry_path, b.entry_path);
    EXPECT_EQ(a.spool_path, b.spool_path);
    EXPECT_EQ(a.offset, b.offset);
    EXPECT_EQ(a.size, b.size);
}

void expect_same(const Node& a, const Node& b) {
    const std::string Node::*fields[] = {
        &Node::id,          &Node::name,          &Node::owner,           &Node::source_path,   &Node::folder,
        &Node::doc_kind,    &Node::workflow,      &Node::command,         &Node::command_type_id, &Node::engine_label,
        &Node::language,    &Node::script_path,   &Node::datasource_name, &Node::datasource_type, &Node::description,
        &Node::resource_group, &Node::resource_group_id, &Node::trigger_type, &Node::cron,      &Node::start_time,
        &Node::end_time,    &Node::timezone,      &Node::recurrence,      &Node::instance_mode, &Node::rerun_mode,
        &Node::pointer};
    for (auto f : fields) EXPECT_EQ(a.*f, b.*f);
    EXPECT_EQ(a.rerun_times, b.rerun_times);
    EXPECT_EQ(a.rerun_interval, b.rerun_interval);
    EXPECT_EQ(a.priority, b.priority);
    EXPECT_EQ(a.timeout, b.timeout);
    EXPECT_EQ(a.inputs, b.inputs);
    EXPECT_EQ(a.outputs, b.outputs);
    ASSERT_EQ(a.depends.size(), b.depends.size());
    for (std::size_t i = 0; i < a.depends.size(); ++i) {
        EXPECT_EQ(a.depends[i].target, b.depends[i].target);
        EXPECT_EQ(a.depends[i].type, b.depends[i].type);
    }
    EXPECT_EQ(a.parameters, b.parameters);
    expect_same(a.code, b.code);
    expect_same(a.document, b.document);
    EXPECT_EQ(a.inner, b.inner);
    EXPECT_EQ(a.in_workflow, b.in_workflow);
    EXPECT_EQ(a.container, b.container);
    EXPECT_EQ(a.inner_count, b.inner_count);
}

TEST(ObjectSpool, EveryFieldOfANodeComesBackAsItWent) {
    ObjectList<Node> list;
    list.push_back(full_node(3));
    expect_same(list[0], full_node(3));
    expect_same(list.front(), full_node(3));
}

// 20,000 nodes of ~700 bytes: several flushes of the write buffer and many read-ahead windows.
TEST(ObjectSpool, ALongListReadsBackInOrderAndAtRandom) {
    ObjectList<Node> list;
    const std::size_t n = 20000;
    for (std::size_t i = 0; i < n; ++i) list.push_back(full_node(i));
    ASSERT_EQ(list.size(), n);
    std::size_t i = 0;
    for (const auto& node : list) {
        ASSERT_EQ(node.id, full_node(i).id) << i;
        ++i;
    }
    EXPECT_EQ(i, n);
    for (std::size_t j : {19999u, 0u, 12345u, 12346u, 7u}) expect_same(list[j], full_node(j));
    EXPECT_EQ(list.count_tag(1), (n + 2) / 3) << "inner nodes are tagged";
    EXPECT_EQ(list.tag(3), 1);
    EXPECT_EQ(list.tag(4), 0);
}

// The planner's pass over the nodes runs beside the check's (task/plan_stream.hpp): two passes at
// once, each with its own read-ahead window, and random reads between them.
TEST(ObjectSpool, TwoPassesAtOnceEachReadWhatTheyAskFor) {
    ObjectList<Node> list;
    const std::size_t n = 6000;
    for (std::size_t i = 0; i < n; ++i) list.push_back(full_node(i));
    auto a = list.begin(), b = list.begin();
    for (std::size_t i = 0; i < n; ++i, ++a) {
        ASSERT_EQ((*a).id, full_node(i).id) << "first pass at " << i;
        if (i % 2 == 0) continue;  // the second pass goes at half the pace
        ASSERT_EQ((*b).id, full_node(i / 2).id) << "second pass at " << i / 2;
        ++b;
        if (i % 501 == 0) expect_same(list[n - 1 - i], full_node(n - 1 - i));
    }
}

// A pass that needs a few fields reads only those (package_check, the reader's edge pass): what it asks for is what went in, what it does not ask for is left as it was, and
// skipping every kind of field (strings, lists, dependencies, contents) keeps the reading in step,
// so the fields after the skipped ones, the numbers and flags at the end, are still right.
TEST(ObjectSpool, ReadFieldsReadsWhatItIsAskedAndSkipsTheRest) {
    ObjectList<Node> list;
    for (std::size_t i = 0; i < 4; ++i) list.push_back(full_node(i));
    for (std::size_t i = 0; i < 4; ++i) {
        const Node want = full_node(i);
        Node n;
        n.owner = "kept";
        list.read_fields(i, n, {&n.name, &n.depends, &n.code, &n.outputs, &n.pointer});
        EXPECT_EQ(n.name, want.name);
        ASSERT_EQ(n.depends.size(), 2u);
        EXPECT_EQ(n.depends[1].target, want.depends[1].target);
        EXPECT_EQ(n.depends[1].type, want.depends[1].type);
        expect_same(n.code, want.code);
        EXPECT_EQ(n.outputs, want.outputs);
        EXPECT_EQ(n.pointer, want.pointer);
        EXPECT_EQ(n.owner, "kept") << "a field not asked for keeps its value";
        EXPECT_EQ(n.id, "");
        EXPECT_TRUE(n.inputs.empty());
        EXPECT_TRUE(n.parameters.empty());
        EXPECT_FALSE(n.document.present);
        EXPECT_EQ(n.rerun_interval, want.rerun_interval) << "numbers are always read";
        EXPECT_EQ(n.timeout, want.timeout);
        EXPECT_EQ(n.inner, want.inner);
        EXPECT_EQ(n.container, want.container);
        EXPECT_EQ(n.inner_count, want.inner_count);

        Node none;  // nothing asked: every string, list and content skipped, the numbers still right
        list.read_fields(i, none, {});
        EXPECT_EQ(none.name, "");
        EXPECT_TRUE(none.depends.empty());
        EXPECT_FALSE(none.code.present);
        EXPECT_EQ(none.timeout, want.timeout);
        EXPECT_EQ(none.inner_count, want.inner_count);
        Node all;
        list.read_fields(i, all, {&all.id, &all.name, &all.owner, &all.source_path, &all.folder, &all.doc_kind,
                                  &all.document, &all.workflow, &all.command, &all.command_type_id, &all.engine_label,
                                  &all.language, &all.script_path, &all.datasource_name, &all.datasource_type,
                                  &all.description, &all.resource_group, &all.resource_group_id, &all.trigger_type,
                                  &all.cron, &all.start_time, &all.end_time, &all.timezone, &all.recurrence,
                                  &all.instance_mode, &all.rerun_mode, &all.inputs, &all.outputs, &all.depends,
                                  &all.parameters, &all.code, &all.pointer});
        expect_same(all, want);
    }
}

TEST(ObjectSpool, SetReplacesOneElementAndACopyKeepsItsOwn) {
    ObjectList<Node> list;
    for (std::size_t i = 0; i < 5; ++i) list.push_back(full_node(i));
    const ObjectList<Node> before = list;
    Node changed = list[2];
    changed.depends.push_back({"added", "Normal"});
    changed.inner = true;
    list.set(2, changed);
    EXPECT_EQ(list[2].depends.size(), 3u);
    EXPECT_EQ(list.count_tag(1), 3u);
    EXPECT_EQ(before[2].depends.size(), 2u) << "the copy still reads the old bytes";
    EXPECT_EQ(list[3].id, full_node(3).id) << "its neighbours are untouched";
    EXPECT_THROW(list.set(5, changed), std::out_of_range);
}

// The reader gives nodes their code files and dependencies this way: only the fields named change,
// whatever else the value given holds, and every other field reads back as it went in.
TEST(ObjectSpool, SetFieldsReplacesTheFieldsItNamesAndKeepsTheRest) {
    ObjectList<Node> list;
    for (std::size_t i = 0; i < 4; ++i) list.push_back(full_node(i));
    const ObjectList<Node> before = list;
    Node value;  // only what is named is taken from it: its empty name and id are not
    value.code = {true, "", false, "DataStudio/wf/n.sql", "/tmp/spool", 77, 1234};
    value.depends = {{"upstream", "Normal"}};
    value.inner = true;  // a flag is never taken: the tag stays the element's
    list.set_fields(3, value, {&value.code, &value.depends});
    Node want = full_node(3);
    want.code = value.code;
    want.depends = value.depends;
    expect_same(list[3], want);
    EXPECT_EQ(list.tag(3), 1) << "full_node(3) is inner";
    list.set_fields(2, value, {&value.code});
    Node want2 = full_node(2);
    want2.code = value.code;
    expect_same(list[2], want2);
    EXPECT_FALSE(list[2].inner);
    EXPECT_EQ(list.tag(2), 0);
    list.set_fields(1, value, {});
    expect_same(list[1], full_node(1));
    expect_same(before[3], full_node(3));  // a copy still reads the old bytes
    EXPECT_THROW(list.set_fields(4, value, {&value.code}), std::out_of_range);
}

TEST(ObjectSpool, EveryFieldOfAPlannedObjectComesBackAsItWent) {
    PlannedObject o;
    o.kind = sdk::ObjectKind::table;
    o.name = "orders";
    o.action = sdk::Action::conflict;
    o.reason = "a table of this name is in the workspace";
    o.record = {sdk::ObjectKind::table, "orders", "alice", "rg", "pg_prod", true, "a/b", std::string("x\0y", 3),
                "{\"spec\":{}}", "ab12", 4, 9, "rid", "rv"};
    o.owner_before = "bob";
    o.engine_type = "postgresql";
    o.statements = {"CREATE TABLE \"orders\" (a int)", "COMMENT ON TABLE \"orders\" IS 'x'"};
    o.commit_to_engine = true;
    o.engine_conflict = true;
    o.content = {true, "", false, "res/a.jar", "/tmp/spool", 10, 20};
    o.content_sha256 = "e3b0";
    o.resource_type = "jar";
    o.notes = {{sdk::Severity::warning, "FERRY-PLAN-CROSS-ENGINE", "moves", "review it", "where"}};
    o.changes = {{"/spec/x", "a", "b"}};
    o.differences = {{"owner", "\"carol\"", "\"alice\""}, {"content", "1 bytes", "2 bytes"}};
    o.remote = true;
    o.remote_id = "123";
    o.deploy = true;

    ObjectList<PlannedObject> list;
    list.push_back(o);
    const PlannedObject b = list[0];
    EXPECT_EQ(b.kind, o.kind);
    EXPECT_EQ(b.name, o.name);
    EXPECT_EQ(b.action, o.action);
    EXPECT_EQ(b.reason, o.reason);
    EXPECT_EQ(b.record.kind, o.record.kind);
    for (auto f : {&sdk::ObjectRecord::name, &sdk::ObjectRecord::owner, &sdk::ObjectRecord::resource_group,
                   &sdk::ObjectRecord::engine_instance, &sdk::ObjectRecord::path, &sdk::ObjectRecord::content,
                   &sdk::ObjectRecord::document, &sdk::ObjectRecord::sha256, &sdk::ObjectRecord::remote_id,
                   &sdk::ObjectRecord::remote_version})
        EXPECT_EQ(b.record.*f, o.record.*f);
    EXPECT_EQ(b.record.dry_run, o.record.dry_run);
    EXPECT_EQ(b.record.version, o.record.version);
    EXPECT_EQ(b.record.revision, o.record.revision);
    EXPECT_EQ(b.owner_before, o.owner_before);
    EXPECT_EQ(b.engine_type, o.engine_type);
    EXPECT_EQ(b.statements, o.statements);
    EXPECT_EQ(b.commit_to_engine, o.commit_to_engine);
    EXPECT_EQ(b.engine_conflict, o.engine_conflict);
    expect_same(b.content, o.content);
    EXPECT_EQ(b.content_sha256, o.content_sha256);
    EXPECT_EQ(b.resource_type, o.resource_type);
    ASSERT_EQ(b.notes.size(), 1u);
    EXPECT_EQ(b.notes[0].severity, sdk::Severity::warning);
    EXPECT_EQ(b.notes[0].code, o.notes[0].code);
    EXPECT_EQ(b.notes[0].summary, o.notes[0].summary);
    EXPECT_EQ(b.notes[0].detail, o.notes[0].detail);
    EXPECT_EQ(b.notes[0].where, o.notes[0].where);
    ASSERT_EQ(b.changes.size(), 1u);
    EXPECT_EQ(b.changes[0].after, "b");
    ASSERT_EQ(b.differences.size(), 2u);
    EXPECT_EQ(b.differences[1].path, "content");
    EXPECT_EQ(b.remote, o.remote);
    EXPECT_EQ(b.remote_id, o.remote_id);
    EXPECT_EQ(b.deploy, o.deploy);
    EXPECT_EQ(list.count_tag(static_cast<std::uint8_t>(sdk::Action::conflict)), 1u) << "tagged with its action";
}

// A TMPDIR where no file can be made is a clear error, not a crash.
TEST(ObjectSpool, AnUnwritableTemporaryFolderIsAClearError) {
    const char* old = std::getenv("TMPDIR");
    const std::string saved = old ? old : "";
    ::setenv("TMPDIR", "/nonexistent-ferry-dir", 1);
    ObjectList<Node> list;
    try {
        list.push_back(full_node(1));
        ADD_FAILURE() << "no error";
    } catch (const host::SpoolError& e) {
        EXPECT_NE(std::string(e.what()).find("cannot create a temporary file in /nonexistent-ferry-dir"),
                  std::string::npos)
            << e.what();
    }
    if (old) ::setenv("TMPDIR", saved.c_str(), 1);
    else ::unsetenv("TMPDIR");
}

}  // namespace
}  // namespace ferry::test
