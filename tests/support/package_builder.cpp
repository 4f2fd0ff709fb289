#include "package_builder.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace ferry::test {

void write_package(const std::string& file, Format format, const std::vector<Entry>& entries) {
    struct archive* a = archive_write_new();
    switch (format) {
        case Format::zip: archive_write_set_format_zip(a); break;
        // ustar keeps names as raw bytes (no charset conversion), so tests can write bad UTF-8.
        case Format::tar: archive_write_set_format_ustar(a); break;
        case Format::tar_gz:
            archive_write_set_format_ustar(a);
            archive_write_add_filter_gzip(a);
            break;
    }
    if (format == Format::zip) archive_write_set_options(a, "zip:hdrcharset=UTF-8");
    if (archive_write_open_filename(a, file.c_str()) != ARCHIVE_OK)
        throw std::runtime_error(std::string("cannot write ") + file + ": " + archive_error_string(a));
    for (const auto& e : entries) {
        struct archive_entry* entry = archive_entry_new();
        archive_entry_set_pathname(entry, e.path.c_str());
        archive_entry_set_perm(entry, 0644);
        switch (e.type) {
            case Entry::Type::file:
                archive_entry_set_filetype(entry, AE_IFREG);
                archive_entry_set_size(entry, static_cast<la_int64_t>(e.content.size()));
                break;
            case Entry::Type::directory:
                archive_entry_set_filetype(entry, AE_IFDIR);
                archive_entry_set_perm(entry, 0755);
                break;
            case Entry::Type::symlink:
                archive_entry_set_filetype(entry, AE_IFLNK);
                archive_entry_set_symlink(entry, e.content.c_str());
                break;
            case Entry::Type::hardlink:
                archive_entry_set_filetype(entry, AE_IFREG);
                archive_entry_set_hardlink(entry, e.content.c_str());
                archive_entry_set_size(entry, 0);
                break;
        }
        if (archive_write_header(a, entry) != ARCHIVE_OK)
            throw std::runtime_error(std::string("cannot write entry ") + e.path + ": " + archive_error_string(a));
        if (e.type == Entry::Type::file && !e.content.empty())
            archive_write_data(a, e.content.data(), e.content.size());
        archive_entry_free(entry);
    }
    archive_write_close(a);
    archive_write_free(a);
}

std::string read_file(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + file);
    std::ostringstream buf;
    buf << in.rdbuf();
    return buf.str();
}

void write_file(const std::string& file, const std::string& content) {
    std::ofstream out(file, std::ios::binary);
    out << content;
}

std::string one_node_spec(const std::string& name, const std::string& command, const std::string& extra_node_fields,
                          const std::string& version, const std::string& kind) {
    return R"({"version": ")" + version + R"(", "kind": ")" + kind + R"(", "metadata": {"owner": "064152"},
  "spec": {"nodes": [{"id": "id_)" + name + R"(", "name": ")" + name + R"(", "owner": "064152",
    "recurrence": "Normal",
    "datasource": {"name": "odps_first", "type": "odps"},
    "script": {"path": "wf/)" + name + R"(", "language": "odps-sql", "runtime": {"command": ")" + command + R"("},
               "content": "select 1;"},
    "trigger": {"type": "Scheduler", "cron": "00 00 00 * * ?"},
    "runtimeResource": {"resourceGroup": "group_2"})" + extra_node_fields + R"(}]}})";
}

std::vector<Entry> spec_package_entries(const std::string& samples_dir) {
    // The MigrationX samples' nodes, re-laid as the product's SPEC package: one document per node.
    const std::string base = "sales_dw/";
    const std::string studio = base + "DataStudio/业务流程/sales_flow/MaxCompute/数据开发/";
    std::vector<Entry> out;
    out.push_back({base + "SPEC.FORMAT", ""});
    auto node_doc = [](const std::string& id, const std::string& name, const std::string& command,
                       const std::string& upstream) {
        std::string inputs = upstream.empty()
                                 ? R"({"nodeOutputs": [{"data": "sales_dev_root", "artifactType": "NodeOutput"}]})"
                                 : R"({"nodeOutputs": [{"data": ")" + upstream + R"(", "artifactType": "NodeOutput"}]})";
        return R"({"version": "1.1.0", "kind": "CycleWorkflow", "metadata": {"owner": "064152"},
 "spec": {"nodes": [{"id": ")" + id + R"(", "name": ")" + name + R"(", "recurrence": "Normal",
   "datasource": {"name": "odps_first", "type": "odps"},
   "script": {"path": "业务流程/sales_flow/MaxCompute/数据开发/)" + name + R"(", "language": "odps-sql",
              "runtime": {"engine": "MaxCompute", "command": ")" + command + R"("}},
   "trigger": {"type": "Scheduler", "cron": "00 00 02 * * ?", "startTime": "1970-01-01 00:00:00",
               "endTime": "9999-01-01 00:00:00", "timezone": "Asia/Shanghai"},
   "runtimeResource": {"resourceGroup": "group_2", "resourceGroupId": "9527"},
   "inputs": )" + inputs + R"(,
   "outputs": {"nodeOutputs": [{"data": ")" + id + R"(", "artifactType": "NodeOutput", "isDefault": true}]}}]}})";
    };
    out.push_back({studio + "ods_orders/ods_orders.schedule.json", node_doc("1001", "ods_orders", "ODPS_SQL", "")});
    out.push_back({studio + "ods_orders/ods_orders.sql",
                   "INSERT OVERWRITE TABLE sales_dev.ods_orders SELECT * FROM sales_dev.src_orders;\n"});
    out.push_back({studio + "dwd_orders/dwd_orders.schedule.json", node_doc("1002", "dwd_orders", "ODPS_SQL", "1001")});
    out.push_back({studio + "dwd_orders/dwd_orders.sql",
                   "-- daily\nINSERT OVERWRITE TABLE sales_dev.dwd_orders SELECT id, amount FROM sales_dev.ods_orders;\n"});
    out.push_back({studio + "汇总报表/汇总报表.schedule.json", node_doc("1003", "汇总报表", "PYODPS3", "1002")});
    out.push_back({studio + "汇总报表/汇总报表.py", "print('report for sales_dev')\n"});
    // Real MigrationX documents, unchanged, as extra nodes in their own workflow.
    out.push_back({base + "DataStudio/业务流程/sql-python工作流/MaxCompute/数据开发/mx/mx.schedule.json",
                   read_file(samples_dir + "/migrationx-spec/sql-python-node-spec.json")});
    const std::string res_dir = base + "DataStudio/业务流程/sales_flow/MaxCompute/资源/";
    out.push_back({res_dir + "math_lib.py", "def add(a, b):\n    return a + b\n"});
    out.push_back({res_dir + "math_lib.py.schedule.json",
                   R"({"version": "1.1.0", "kind": "CycleWorkflow", "spec": {"fileResources": [
  {"id": "r1", "name": "math_lib.py", "type": "python", "datasource": {"name": "odps_first", "type": "odps"},
   "file": {"storage": {"type": "local"}, "path": "math_lib.py"}}]}})"});
    out.push_back({base + "DataStudio/业务流程/sales_flow/MaxCompute/表/orders/orders.schedule.json",
                   R"({"version": "1.1.0", "kind": "CycleWorkflow", "spec": {"artifacts": {"tables": [
  {"id": "t1", "name": "dwd_orders", "guid": "odps.odps_first.default.dwd_orders",
   "calcEngine": {"type": "MaxCompute", "project": "odps_first", "schema": "default"},
   "ddl": "CREATE TABLE IF NOT EXISTS dwd_orders (\n  id BIGINT COMMENT 'order id',\n  amount DECIMAL(18,2)\n) PARTITIONED BY (dt STRING) LIFECYCLE 30"}]}}})"});
    out.push_back({base + "DataStudio/业务流程/sales_flow/MaxCompute/函数/add_one/add_one.schedule.json",
                   R"({"version": "1.1.0", "kind": "CycleWorkflow", "spec": {"functions": [
  {"id": "f1", "name": "add_one", "type": "MATH", "className": "com.example.AddOne",
   "datasource": {"name": "odps_first", "type": "odps"}, "fileResources": [{"name": "math_lib.py"}]}]}})"});
    out.push_back({base + "DataSource/mysql/rds/PRD/orders_db/orders_db.json",
                   R"({"version": "1.1.0", "kind": "DataSource", "spec": {"datasources": [
  {"id": "d1", "name": "orders_db", "type": "mysql", "subType": "rds", "config": "{\"password\": \"secret\"}"}]}})"});
    return out;
}

}  // namespace ferry::test
