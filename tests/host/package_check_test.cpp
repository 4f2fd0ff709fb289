// Every way a package can be unsound (issue 2, point 8): each case asserts its stable code and
// the exact message a user reads. Packages are built here, by code.
#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "package/package_check.hpp"
#include "package_builder.hpp"
#include "task/engine_routing.hpp"
#include "test_env.hpp"

namespace ferry::test {
namespace {

using Type = Entry::Type;

struct BadCase {
    std::string name;
    Format format;
    std::vector<Entry> entries;
    std::string code;
    std::string summary;  // exact
    std::string where;    // exact, or empty to skip
};

std::string spec(const std::string& node_name) { return one_node_spec(node_name); }

// A document with one shell node of this id and name.
std::string shell_doc(const std::string& id, const std::string& name) {
    return R"({"version": "1.1.0", "kind": "CycleWorkflow", "spec": {"nodes": [{"id": ")" + id + R"(", "name": ")" + name +
           R"(", "script": {"runtime": {"command": "DIDE_SHELL"}, "content": "echo"}}]}})";
}

// A FlowSpec document with one table (calcEngine type, project, schema) and its DDL.
std::string table_spec(const std::string& name, const std::string& type, const std::string& ddl,
                       const std::string& project = "src", const std::string& schema = "public") {
    const nlohmann::json doc = {
        {"version", "1.1.0"},
        {"kind", "CycleWorkflow"},
        {"spec",
         {{"artifacts",
           {{"tables",
             {{{"id", "t1"}, {"name", name}, {"calcEngine", {{"type", type}, {"project", project}, {"schema", schema}}},
               {"ddl", ddl}}}}}}}}};
    return doc.dump();
}

std::vector<BadCase> bad_cases() {
    const std::string deep = std::string(100, '[') + std::string(100, ']');
    return {
        {"absolute_path", Format::tar, {{"/etc/ferry.json", spec("a")}}, "FERRY-PKG-UNSAFE-PATH",
         "entry path is absolute: '/etc/ferry.json'", "/etc/ferry.json"},
        {"dot_dot_path", Format::zip, {{"pkg/../../evil.json", spec("a")}}, "FERRY-PKG-UNSAFE-PATH",
         "entry path contains '..': 'pkg/../../evil.json'", "pkg/../../evil.json"},
        {"symlink", Format::tar, {{"a.json", spec("a")}, {"link.json", "/etc/passwd", Type::symlink}},
         "FERRY-PKG-LINK", "symbolic link entries are refused", "link.json"},
        {"hardlink", Format::tar, {{"a.json", spec("a")}, {"b.json", "a.json", Type::hardlink}}, "FERRY-PKG-LINK",
         "hard link entries are refused", "b.json"},
        {"control_in_path", Format::tar, {{"wf/a\x1b[2J.json", spec("a")}}, "FERRY-PKG-UNSAFE-PATH",
         "entry path contains a control character: 'wf/a\x1b[2J.json'", "wf/a\x1b[2J.json"},
        {"bad_utf8_name", Format::tar, {{"bad\xff\xfe.json", spec("a")}}, "FERRY-PKG-NAME-ENCODING",
         "entry path is not valid UTF-8", ""},
        {"malformed_json", Format::zip, {{"wf/a.schedule.json", "{\n  \"version\": \"1.1.0\",\n  \"kind\" \"x\"\n}"}},
         "FERRY-PKG-JSON", "malformed JSON: syntax error while parsing object separator - unexpected string literal; expected ':'",
         "wf/a.schedule.json:3:12"},
        {"number_overflow", Format::zip,
         {{"wf/a.schedule.json", "{\"version\": \"1.1.0\", \"kind\": \"CycleWorkflow\", \"spec\": {\"x\": 3E400}}"}},
         "FERRY-PKG-JSON", "malformed JSON: number overflow parsing '3E400'", "wf/a.schedule.json"},
        {"too_deep", Format::zip, {{"wf/a.schedule.json", "{\"version\": \"1.1.0\", \"x\": " + deep + "}"}},
         "FERRY-PKG-JSON-DEPTH", "the JSON nests deeper than 64 levels", "wf/a.schedule.json:1:90"},
        {"unknown_version", Format::zip, {{"a.json", one_node_spec("a", "ODPS_SQL", "", "9.9.9")}},
         "FERRY-PKG-SPEC-VERSION", "unknown FlowSpec version '9.9.9'", "a.json"},
        {"unknown_kind", Format::zip, {{"a.json", one_node_spec("a", "ODPS_SQL", "", "1.1.0", "Spaceship")}},
         "FERRY-PKG-SPEC-KIND", "unknown FlowSpec kind 'Spaceship'", "a.json"},
        {"no_objects", Format::zip, {{"a.json", R"({"version": "1.1.0", "kind": "CycleWorkflow", "spec": {}})"}},
         "FERRY-PKG-EMPTY",
         "the package holds no objects (no nodes, workflows, resources, tables, functions, data sources, components, "
         "quality rules or data services)",
         ""},
        {"name_with_space", Format::zip, {{"a.json", spec("daily orders")}}, "FERRY-PKG-OBJECT-NAME",
         "node name 'daily orders' would be refused: the name contains a space (U+0020) at position 6", "a.json"},
        {"name_with_quote", Format::zip, {{"a.json", spec("it\\\"s")}}, "FERRY-PKG-OBJECT-NAME",
         "node name 'it\"s' would be refused: the name contains a double quote (U+0022) at position 3", "a.json"},
        {"name_with_semicolon", Format::zip, {{"a.json", spec("a;drop")}}, "FERRY-PKG-OBJECT-NAME",
         "node name 'a;drop' would be refused: the name contains a semicolon (U+003B) at position 2", "a.json"},
        {"name_with_slash", Format::zip, {{"a.json", spec("a/b")}}, "FERRY-PKG-OBJECT-NAME",
         "node name 'a/b' would be refused: the name contains a slash (U+002F) at position 2", "a.json"},
        {"name_with_control", Format::zip, {{"a.json", spec("a\\u0007b")}}, "FERRY-PKG-OBJECT-NAME",
         "node name 'a\ab' would be refused: the name contains a control character (U+0007) at position 2", "a.json"},
        {"name_too_long", Format::zip, {{"a.json", spec(std::string(129, 'n'))}}, "FERRY-PKG-OBJECT-NAME",
         "node name '" + std::string(129, 'n') + "' would be refused: the name is 129 characters long; at most 128 are allowed",
         "a.json"},
        {"duplicate_names", Format::zip, {{"a.json", spec("orders")}, {"b.json", spec("orders")}},
         "FERRY-PKG-DUPLICATE-NAME", "two nodes are named 'orders' (also in a.json)", "b.json"},
        // Issue 12: ids name one node across the package; names are unique inside a container too.
        {"duplicate_id_across_documents", Format::zip, {{"a.json", shell_doc("n1", "a")}, {"b.json", shell_doc("n1", "b")}},
         "FERRY-PKG-DUPLICATE-ID", "node id 'n1' is used twice: in a.json and in b.json", "b.json"},
        {"duplicate_inner_names", Format::zip,
         {{"c.json", R"({"version": "1.1.0", "kind": "CycleWorkflow", "spec": {"nodes": [{"id": "loop", "name": "loop",
            "script": {"runtime": {"command": "CONTROLLER_CYCLE"}},
            "do-while": {"nodes": [{"id": "x1", "name": "x", "script": {"runtime": {"command": "DIDE_SHELL"}, "content": "echo"}},
                                   {"id": "x2", "name": "x", "script": {"runtime": {"command": "DIDE_SHELL"}, "content": "echo"}}],
                         "while": {"id": "e", "script": {"runtime": {"command": "CONTROLLER_CYCLE_END"}, "content": "select 1"}}}}]}})"}},
         "FERRY-PKG-DUPLICATE-NAME", "two nodes inside node 'loop' are named 'x' (at /do-while/nodes/0 and /do-while/nodes/1)",
         "c.json"},
        {"code_missing", Format::zip,
         {{"SPEC.FORMAT", ""},
          {"DataStudio/Business Flow/wf/MaxCompute/Data Analytics/n1/n1.schedule.json",
           R"({"version": "1.1.0", "kind": "CycleWorkflow", "spec": {"nodes": [{"id": "1", "name": "n1",
              "script": {"path": "Business Flow/wf/MaxCompute/Data Analytics/n1", "runtime": {"command": "ODPS_SQL"}}}]}})"}},
         "FERRY-PKG-CODE-MISSING",
         "node 'n1' has no code: neither inline content nor a code file beside n1.schedule.json (script path 'Business Flow/wf/MaxCompute/Data Analytics/n1')",
         "DataStudio/Business Flow/wf/MaxCompute/Data Analytics/n1/n1.schedule.json"},
        // Issue 14: formats no reader reads are named, never called empty.
        {"oozie_application", Format::zip,
         {{"workflow.xml", R"(<workflow-app name="x" xmlns="uri:oozie:workflow:0.5"><start to="a"/></workflow-app>)"}},
         "FERRY-PKG-FORMAT-UNSUPPORTED", "this is an Apache Oozie application (workflow.xml), which ferry does not read yet",
         "workflow.xml"},
        {"airflow_dags", Format::zip, {{"dags/x.py", "from airflow import DAG\nwith DAG(\"x\") as d:\n    pass\n"}},
         "FERRY-PKG-FORMAT-UNSUPPORTED",
         "this is an Airflow DAG folder (dags/x.py imports airflow and makes a DAG), which ferry does not read yet",
         "dags/x.py"},
        // Issue 11 §1: a table's DDL is one CREATE TABLE of that table, read by the engines' parser.
        {"ddl_second_statement", Format::zip,
         {{"t.json", table_spec("c", "PostgreSQL", "CREATE TABLE c (a int); DROP TABLE canary;")}}, "FERRY-PKG-DDL-STATEMENTS",
         "table 'c': the DDL holds a second statement after ';': 'DROP TABLE canary;'", "t.json"},
        {"ddl_second_statement_sqlite", Format::zip,
         {{"t.json", table_spec("c", "SQLite", "CREATE TABLE c (a INTEGER);\nDELETE FROM canary")}}, "FERRY-PKG-DDL-STATEMENTS",
         "table 'c': the DDL holds a second statement after ';': 'DELETE FROM canary'", "t.json"},
        {"ddl_second_statement_maxcompute", Format::zip,
         {{"t.json", table_spec("c", "MaxCompute", "CREATE TABLE c (a STRING) -- x\n; DROP TABLE canary")}},
         "FERRY-PKG-DDL-STATEMENTS", "table 'c': the DDL holds a second statement after ';': 'DROP TABLE canary'", "t.json"},
        {"ddl_other_table", Format::zip, {{"t.json", table_spec("c_pg_other", "PostgreSQL", "CREATE TABLE pwned_by_pkg (a int)")}},
         "FERRY-PKG-DDL-NAME", "table 'c_pg_other': the DDL creates 'pwned_by_pkg', not 'c_pg_other'", "t.json"},
        {"ddl_other_qualifier", Format::zip, {{"t.json", table_spec("canary", "PostgreSQL", "CREATE TABLE x.canary (a int)")}},
         "FERRY-PKG-DDL-NAME", "table 'canary': the DDL creates 'x.canary': 'x' is neither the table's project nor its schema",
         "t.json"},
        {"dotted_table_name", Format::zip, {{"t.json", table_spec("x.canary", "PostgreSQL", "CREATE TABLE x.canary (a int)")}},
         "FERRY-PKG-DDL-NAME",
         "table 'x.canary': its name holds a '.': a table's name is one identifier (its project and schema come from calcEngine)",
         "t.json"},
        {"ddl_not_a_table", Format::zip, {{"t.json", table_spec("c", "SQLite", "DROP TABLE canary")}}, "FERRY-PKG-DDL-PARSE",
         "table 'c': expected CREATE, found 'DROP'", "t.json"},
        {"ddl_unterminated", Format::zip,
         {{"t.json", table_spec("c", "MaxCompute", "CREATE TABLE c (a STRING COMMENT 'x); DROP TABLE canary")}},
         "FERRY-PKG-DDL-PARSE", "table 'c': unterminated string literal", "t.json"},
        {"ddl_mysql_executable_comment", Format::zip,
         {{"t.json", table_spec("c", "MySQL", "CREATE TABLE c (a int) /*!; DROP TABLE canary */")}}, "FERRY-PKG-DDL-PARSE",
         "table 'c': MySQL runs the text of a '/*!' comment: ferry refuses it", "t.json"},
    };
}

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

class BadPackage : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadPackage, IsRefusedWithItsCodeAndMessage) {
    const BadCase& c = GetParam();
    const std::string file = scratch_dir() + "/" + c.name + (c.format == Format::zip ? ".zip" : ".tar");
    write_package(file, c.format, c.entries);
    const auto result = check_file(file);
    const sdk::Diagnostic* d = find_code(result.diags, c.code);
    ASSERT_NE(d, nullptr) << "expected " << c.code << ", got:\n" << codes_of(result.diags);
    EXPECT_EQ(d->severity, sdk::Severity::error);
    EXPECT_EQ(d->summary, c.summary);
    if (!c.where.empty()) {
        EXPECT_EQ(d->where, c.where);
    }
    EXPECT_FALSE(d->detail.empty()) << "every error says what to do";
}

INSTANTIATE_TEST_SUITE_P(Check, BadPackage, ::testing::ValuesIn(bad_cases()),
                         [](const auto& info) { return info.param.name; });

// A document that cannot be read does not hide what the others say: a duplicate name between two
// sound documents is still reported beside the malformed one.
TEST(Check, AMalformedDocumentDoesNotHideTheOthersProblems) {
    const std::string file = scratch_dir() + "/mixed.zip";
    write_package(file, Format::zip,
                  {{"a.json", shell_doc("n1", "a")},
                   {"e.json", R"({"version": "1.1.0", "kind": "CycleWorkflow", "spec": {"nodes": [)"},
                   {"f.json", shell_doc("n9", "a")}});
    const auto result = check_file(file);
    const sdk::Diagnostic* bad = find_code(result.diags, "FERRY-PKG-JSON");
    ASSERT_NE(bad, nullptr) << codes_of(result.diags);
    EXPECT_EQ(bad->where, "e.json:1:66");
    const sdk::Diagnostic* dup = find_code(result.diags, "FERRY-PKG-DUPLICATE-NAME");
    ASSERT_NE(dup, nullptr) << codes_of(result.diags);
    EXPECT_EQ(dup->summary, "two nodes are named 'a' (also in a.json)");
    EXPECT_EQ(dup->where, "f.json");
}

// What a document says about nodes it does not hold, and references to nothing, are warnings that
// name them: the package still imports, carrying them as written.
TEST(Check, EdgesToOtherDocumentsAndDanglingReferencesAreNamed) {
    const std::string file = scratch_dir() + "/elsewhere.zip";
    write_package(file, Format::zip,
                  {{"d.json", R"({"version": "1.1.0", "kind": "CycleWorkflow", "spec": {"nodes": [{"id": "d1", "name": "d",
                      "script": {"runtime": {"command": "DIDE_SHELL"}, "content": "echo", "parameters": ["{{variables.nope}}"]}}],
                      "flow": [{"nodeId": "elsewhere_1", "depends": [{"type": "Normal", "output": "d1"}]}]}})"}});
    const auto result = check_file(file);
    const sdk::Diagnostic* flow = find_code(result.diags, "FERRY-PKG-FLOW-ELSEWHERE");
    ASSERT_NE(flow, nullptr) << codes_of(result.diags);
    EXPECT_EQ(flow->severity, sdk::Severity::warning);
    EXPECT_EQ(flow->summary, "the document's flow gives dependencies to node id(s) it does not hold: elsewhere_1");
    const sdk::Diagnostic* ref = find_code(result.diags, "FERRY-PKG-REFERENCE");
    ASSERT_NE(ref, nullptr) << codes_of(result.diags);
    EXPECT_EQ(ref->severity, sdk::Severity::warning);
    EXPECT_EQ(ref->summary, "references that name no entry of the document: {{variables.nope}}");
    EXPECT_EQ(ref->where, "d.json");
    EXPECT_FALSE(result.diags.has_errors()) << codes_of(result.diags);
}

// References to entries that refer to the next entry twice: 2^40 values if expanded blindly. The
// resolver stops at its budget and says so (found by the fuzzer as a timeout).
TEST(Check, AReferenceBombIsRefusedNotExpanded) {
    std::string vars;
    for (int i = 0; i < 40; ++i)
        vars += (i ? "," : "") + std::string(R"({"id": "v)") + std::to_string(i) + R"(", "name": "v)" +
                std::to_string(i) + R"(", "scope": "NodeParameter", "type": "Constant", "parameters": ["{{v)" +
                std::to_string(i + 1) + R"(}}", "{{v)" + std::to_string(i + 1) + R"(}}"]})";
    const std::string doc = R"({"version": "1.1.0", "kind": "CycleWorkflow", "spec": {"variables": [)" + vars +
                            R"(], "nodes": [{"id": "n", "name": "n", "script": {"runtime": {"command": "DIDE_SHELL"},
                            "content": "echo", "parameters": ["{{v0}}"]}}]}})";
    const std::string file = scratch_dir() + "/bomb.zip";
    write_package(file, Format::zip, {{"bomb.json", doc}});
    const auto result = check_file(file);
    const sdk::Diagnostic* d = find_code(result.diags, "FERRY-PKG-REFERENCE-EXPANSION");
    ASSERT_NE(d, nullptr) << codes_of(result.diags);
    EXPECT_EQ(d->summary, "the document's {{...}} references expand to more than 2000000 values: entries refer to each "
                          "other over and over");
    EXPECT_EQ(d->where, "bomb.json");
}

TEST(Check, NotAnArchive) {
    const std::string file = scratch_dir() + "/notes.zip";
    write_file(file, "these are meeting notes, not a package\n");
    const auto r = check_file(file);
    const auto* d = find_code(r.diags, "FERRY-PKG-NOT-ARCHIVE");
    ASSERT_NE(d, nullptr) << codes_of(r.diags);
    EXPECT_EQ(d->summary, "the package is not an archive ferry reads: Unrecognized archive format");
}

// A zip's entry names are read as libarchive holds them: one that is not UTF-8 is refused whether
// or not the zip's UTF-8 flag (bit 11 of both headers' flags) says it is.
TEST(Check, AZipNameThatIsNotUtf8IsRefusedWithOrWithoutItsUtf8Flag) {
    for (const bool flagged : {false, true}) {
        const std::string dir = scratch_dir();
        write_package(dir + "/ok.zip", Format::zip, {{"badXY.json", spec("a")}});
        std::string bytes = read_file(dir + "/ok.zip");
        int names = 0;
        for (auto at = bytes.find("badXY"); at != std::string::npos; at = bytes.find("badXY", at), ++names) {
            bytes[at + 3] = '\xff';
            bytes[at + 4] = '\xfe';
        }
        ASSERT_EQ(names, 2) << "the local header's and the central directory's";
        int headers = 0;
        for (const auto& [signature, flags_at] : {std::pair<std::string, std::size_t>{"PK\x03\x04", 6}, {"PK\x01\x02", 8}})
            for (auto at = bytes.find(signature); at != std::string::npos; at = bytes.find(signature, at + 4), ++headers) {
                auto& high = reinterpret_cast<unsigned char&>(bytes[at + flags_at + 1]);
                high = flagged ? (high | 0x08) : (high & ~0x08);
            }
        ASSERT_EQ(headers, 2);
        write_file(dir + "/bad.zip", bytes);
        const auto r = check_file(dir + "/bad.zip");
        const auto* d = find_code(r.diags, "FERRY-PKG-NAME-ENCODING");
        ASSERT_NE(d, nullptr) << (flagged ? "flagged: " : "not flagged: ") << codes_of(r.diags);
        EXPECT_EQ(d->summary, "entry path is not valid UTF-8");
        // The name the directory lists is the one the entry had: nothing else is said of it.
        EXPECT_EQ(r.diags.items().size(), 1u) << codes_of(r.diags);
    }
}

// Cut short is not damaged: its own code (package_truncation_test.cpp has every way to cut one).
TEST(Check, TruncatedTarGzIsTruncatedNotCorrupt) {
    const std::string dir = scratch_dir();
    std::string big;
    for (int i = 0; i < 4000; ++i) big += "line " + std::to_string(i * 7919 % 10007) + " of generated code\n";
    write_package(dir + "/whole.tar.gz", Format::tar_gz, {{"a.json", spec("a")}, {"code.sql", big}});
    const std::string whole = read_file(dir + "/whole.tar.gz");
    write_file(dir + "/cut.tar.gz", whole.substr(0, whole.size() / 2));
    const auto r = check_file(dir + "/cut.tar.gz");
    EXPECT_EQ(find_code(r.diags, "FERRY-PKG-CORRUPT"), nullptr) << codes_of(r.diags);
    const auto* d = find_code(r.diags, "FERRY-PKG-TRUNCATED");
    ASSERT_NE(d, nullptr) << codes_of(r.diags);
    EXPECT_EQ(d->summary, "the package is cut short after " + std::to_string(whole.size() / 2) +
                              " bytes and 0 entries: the rest of the gzip stream was expected");
}

TEST(Check, CorruptZipDataIsRefused) {
    const std::string dir = scratch_dir();
    std::string code;
    for (int i = 0; i < 3000; ++i) code += "select " + std::to_string(i * 31 % 977) + " from t;\n";
    write_package(dir + "/ok.zip", Format::zip, {{"a.json", spec("a")}, {"code.sql", code}});
    std::string bytes = read_file(dir + "/ok.zip");
    const auto at = bytes.find("code.sql") + 200;  // inside the compressed data of code.sql
    for (std::size_t i = at; i < at + 64; ++i) bytes[i] = static_cast<char>(bytes[i] ^ 0x5A);
    write_file(dir + "/bad.zip", bytes);
    const auto r = check_file(dir + "/bad.zip");
    const auto* d = find_code(r.diags, "FERRY-PKG-CORRUPT");
    ASSERT_NE(d, nullptr) << codes_of(r.diags);
    EXPECT_EQ(d->summary, "the archive is damaged: entry 'code.sql' does not inflate (invalid distance too far back)");
    EXPECT_EQ(d->where, "code.sql");
}

// libarchive would skip a header whose checksum fails and read on: the entry would go missing.
TEST(Check, DamagedTarHeaderIsRefused) {
    const std::string dir = scratch_dir();
    write_package(dir + "/ok.tar", Format::tar, {{"a.json", spec("a")}, {"b.json", spec("b")}});
    std::string bytes = read_file(dir + "/ok.tar");
    const std::size_t second = 512 + (spec("a").size() + 511) / 512 * 512;
    bytes[second + 148] = 'X';  // in the header's checksum
    write_file(dir + "/bad.tar", bytes);
    const auto r = check_file(dir + "/bad.tar");
    const auto* d = find_code(r.diags, "FERRY-PKG-CORRUPT");
    ASSERT_NE(d, nullptr) << codes_of(r.diags);
    EXPECT_EQ(d->summary, "the archive is damaged: Damaged tar archive");
    EXPECT_EQ(d->where, "bad.tar");
}

TEST(Check, OverTheSizeLimitStopsBeforeReadingOn) {
    const std::string file = scratch_dir() + "/big.zip";
    write_package(file, Format::zip, {{"a.json", spec("a")}, {"pad.bin", std::string(4096, 'x')}});
    host::ReadOptions options;
    options.max_size = 100;
    const auto r = check_file(file, options);
    const auto* d = find_code(r.diags, "FERRY-SRC-TOO-LARGE");
    ASSERT_NE(d, nullptr) << codes_of(r.diags);
    EXPECT_NE(d->summary.find("over the size limit of 100 bytes"), std::string::npos) << d->summary;
}

TEST(Check, DecompressionBombByRatio) {
    const std::string file = scratch_dir() + "/bomb.tar.gz";
    write_package(file, Format::tar_gz, {{"a.json", spec("a")}, {"zeros.bin", std::string(8 << 20, '\0')}});
    host::ReadOptions options;
    options.limits.ratio_floor = 1 << 20;
    options.limits.max_ratio = 50;
    const auto r = check_file(file, options);
    const auto* d = find_code(r.diags, "FERRY-PKG-BOMB");
    ASSERT_NE(d, nullptr) << codes_of(r.diags);
    EXPECT_EQ(d->summary, "refused as a decompression bomb: the package expands more than 50 times its compressed size");
}

TEST(Check, DecompressionBombByEntrySize) {
    const std::string file = scratch_dir() + "/entry.zip";
    write_package(file, Format::zip, {{"a.json", spec("a")}, {"big.bin", std::string(300000, 'z')}});
    host::ReadOptions options;
    options.limits.max_entry_size = 100000;
    const auto r = check_file(file, options);
    const auto* d = find_code(r.diags, "FERRY-PKG-BOMB");
    ASSERT_NE(d, nullptr) << codes_of(r.diags);
    EXPECT_EQ(d->summary, "refused as a decompression bomb: the entry unpacks to more than 100000 bytes (the per-entry cap)");
    EXPECT_EQ(d->where, "big.bin");
}

TEST(Check, TooManyEntries) {
    std::vector<Entry> entries{{"a.json", spec("a")}};
    for (int i = 0; i < 12; ++i) entries.push_back({"f" + std::to_string(i) + ".txt", "x"});
    const std::string file = scratch_dir() + "/many.zip";
    write_package(file, Format::zip, entries);
    host::ReadOptions options;
    options.limits.max_entries = 10;
    const auto r = check_file(file, options);
    const auto* d = find_code(r.diags, "FERRY-PKG-TOO-MANY-ENTRIES");
    ASSERT_NE(d, nullptr) << codes_of(r.diags);
    EXPECT_EQ(d->summary, "the package has more than 10 entries");
}

TEST(Check, UnknownDependencyAndCommandAreWarnings) {
    const std::string doc = one_node_spec(
        "n1", "TELEPORT_SQL", R"(, "inputs": {"nodeOutputs": [{"data": "nowhere.output"}, {"data": "proj_root"}]})");
    const std::string file = scratch_dir() + "/warn.zip";
    write_package(file, Format::zip, {{"a.json", doc}});
    const auto r = check_file(file);
    EXPECT_FALSE(r.diags.has_errors()) << codes_of(r.diags);
    const auto* dep = find_code(r.diags, "FERRY-PKG-DEPENDENCY");
    ASSERT_NE(dep, nullptr) << codes_of(r.diags);
    EXPECT_EQ(dep->severity, sdk::Severity::warning);
    EXPECT_EQ(dep->summary,
              "node 'n1' depends on 'nowhere.output', which is neither in the package nor a known root output");
    const auto* cmd = find_code(r.diags, "FERRY-PKG-UNKNOWN-COMMAND");
    ASSERT_NE(cmd, nullptr);
    EXPECT_EQ(cmd->severity, sdk::Severity::warning);
    EXPECT_EQ(cmd->summary, "node 'n1' has command type 'TELEPORT_SQL', which no engine plugin owns");
}

TEST(Check, DdlSaysWhereInTheDdlAndWhatToDo) {
    const std::string file = scratch_dir() + "/ddl.zip";
    write_package(file, Format::zip, {{"t.json", table_spec("c", "PostgreSQL", "CREATE TABLE c (a int); DROP TABLE canary;")}});
    const auto r = check_file(file);
    const auto* d = find_code(r.diags, "FERRY-PKG-DDL-STATEMENTS");
    ASSERT_NE(d, nullptr) << codes_of(r.diags);
    EXPECT_EQ(d->detail,
              "ddl:1:25 (postgresql): a table's DDL is one CREATE TABLE of that table; ferry runs nothing else from a package");
}

// What check accepts: its own CREATE TABLE (qualified by its own project and schema, any case),
// an empty DDL, a DDL no engine reads; what an engine will not render is a warning (the table
// fails at plan, not the package).
TEST(Check, DdlThatIsItsOwnTable) {
    struct Case {
        std::string name, type, ddl, project, schema;
        std::string warning;  // FERRY-PKG-DDL-UNSUPPORTED summary, or empty for no diagnostic
    };
    const Case cases[] = {
        {"orders", "PostgreSQL", "CREATE TABLE IF NOT EXISTS src.public.\"Orders\" (a int); -- done", "src", "public", ""},
        {"orders", "MaxCompute", "CREATE TABLE test_project.default.orders (a STRING) LIFECYCLE 3;", "test_project", "default", ""},
        {"orders", "SQLite", "  \n", "src", "", ""},
        {"orders", "Spaceship", "DROP TABLE canary", "src", "", ""},
        {"orders", "PostgreSQL", "CREATE TABLE orders (a int REFERENCES canary (id))", "src", "public",
         "table 'orders': REFERENCES is not rendered: a foreign key names another table"},
        {"orders", "MaxCompute", "CREATE TABLE orders (dt STRING) PARTITIONED BY (dt STRING)", "src", "",
         "table 'orders': partition column 'dt' is also a table column"},
    };
    for (const auto& c : cases) {
        const std::string file = scratch_dir() + "/own.zip";
        write_package(file, Format::zip, {{"t.json", table_spec(c.name, c.type, c.ddl, c.project, c.schema)}});
        const auto r = check_file(file);
        EXPECT_FALSE(r.diags.has_errors()) << c.ddl << "\n" << codes_of(r.diags);
        const auto* d = find_code(r.diags, "FERRY-PKG-DDL-UNSUPPORTED");
        if (c.warning.empty()) {
            EXPECT_EQ(d, nullptr) << c.ddl;
            continue;
        }
        ASSERT_NE(d, nullptr) << c.ddl << "\n" << codes_of(r.diags);
        EXPECT_EQ(d->severity, sdk::Severity::warning);
        EXPECT_EQ(d->summary, c.warning);
        EXPECT_EQ(d->where, "t.json");
    }
}

// The check and the engines route a table's dialect alike: given the registry's router, a type
// only a plugin owns (ODPS_TABLE -> maxcompute) is read as MaxCompute DDL.
TEST(Check, TableDialectFromTheRouter) {
    host::PackageModel model;
    host::Table t;
    t.name = "c";
    t.engine_type = "ODPS_TABLE";
    t.ddl = "CREATE TABLE c (a STRING); DROP TABLE canary";
    t.source_path = "t.json";
    model.tables.push_back(t);
    sdk::Diagnostics without, with;
    host::check_package(model, [](const std::string&) { return true; }, without);
    EXPECT_EQ(find_code(without, "FERRY-PKG-DDL-STATEMENTS"), nullptr) << codes_of(without);  // the product's table lacks it
    host::check_package(model, [](const std::string&) { return true; }, with, [](const host::Table& table) {
        return host::dialect_of(host::engine_type_of(built_plugins(), table));
    });
    const auto* d = find_code(with, "FERRY-PKG-DDL-STATEMENTS");
    ASSERT_NE(d, nullptr) << codes_of(with);
    EXPECT_EQ(d->summary, "table 'c': the DDL holds a second statement after ';': 'DROP TABLE canary'");
}

TEST(Check, NamesInAnyScriptAreAccepted) {
    const std::string file = scratch_dir() + "/names.zip";
    write_package(file, Format::zip,
                  {{"a.json", spec("订单_日报-v1.2")}, {"b.json", spec("Überblick")}, {"c.json", spec("отчёт")}});
    const auto r = check_file(file);
    EXPECT_FALSE(r.diags.has_errors()) << codes_of(r.diags);
    EXPECT_EQ(r.model.nodes.size(), 3u);
}

TEST(Check, NothingIsWrittenOutsideTheScratchFolder) {
    const std::string dir = scratch_dir();
    write_package(dir + "/evil.tar", Format::tar,
                  {{"a.json", spec("a")}, {"../escaped.txt", "gotcha"}, {"/tmp/ferry-escaped.txt", "gotcha"}});
    const auto before = std::filesystem::exists("/tmp/ferry-escaped.txt");
    const auto r = check_file(dir + "/evil.tar");
    EXPECT_TRUE(r.diags.has_errors());
    EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(dir).parent_path() / "escaped.txt"));
    EXPECT_EQ(std::filesystem::exists("/tmp/ferry-escaped.txt"), before);
}

// The check reads the nodes once for names, ids and outputs, looking at each dependency as it goes;
// a dependency on a node or workflow read later must not be warned of, and the warnings keep the
// order of a node-by-node reading (a node's dependencies, then its command).
TEST(Check, DependenciesOnLaterObjectsResolveAndWarningsKeepNodeOrder) {
    host::PackageModel model;
    auto node = [](std::string name, std::string id, std::vector<std::string> depends, std::string command,
                   std::vector<std::string> outputs = {}) {
        host::Node n;
        n.name = std::move(name);
        n.id = std::move(id);
        n.command = std::move(command);
        n.outputs = std::move(outputs);
        for (auto& d : depends) n.depends.push_back({std::move(d), "Normal"});
        n.source_path = n.name + ".json";
        return n;
    };
    model.nodes.push_back(node("first", "id1", {"later.out", "wf_id", "proj_root"}, "ODPS_SQL"));
    model.nodes.push_back(node("second", "id2", {"ghost.out", "id1"}, "TELEPORT_SQL"));
    model.nodes.push_back(node("third", "id3", {"ghost.out", "other_ghost"}, "ODPS_SQL", {"later.out"}));
    host::Workflow w;
    w.name = "wf";
    w.id = "wf_id";
    model.workflows.push_back(w);
    sdk::Diagnostics diags;
    host::check_package(model, [](const std::string& c) { return c == "ODPS_SQL"; }, diags);
    std::vector<std::string> seen;
    for (const auto& d : diags.items()) seen.push_back(d.code + " " + d.summary);
    const std::vector<std::string> expected = {
        "FERRY-PKG-DEPENDENCY node 'second' depends on 'ghost.out', which is neither in the package nor a known root "
        "output",
        "FERRY-PKG-UNKNOWN-COMMAND node 'second' has command type 'TELEPORT_SQL', which no engine plugin owns",
        "FERRY-PKG-DEPENDENCY node 'third' depends on 'ghost.out', which is neither in the package nor a known root "
        "output",
        "FERRY-PKG-DEPENDENCY node 'third' depends on 'other_ghost', which is neither in the package nor a known root "
        "output",
    };
    EXPECT_EQ(seen, expected);
    for (const auto& d : diags.items()) EXPECT_EQ(d.severity, sdk::Severity::warning) << d.summary;
    EXPECT_EQ(diags.items().at(0).where, "second.json");
}

}  // namespace
}  // namespace ferry::test
