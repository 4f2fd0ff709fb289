#include "package_builder.hpp"

#include <Poco/Checksum.h>
#include <archive.h>
#include <archive_entry.h>
#include <zlib.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace ferry::test {

void write_package(const std::string& file, Format format, const std::vector<Entry>& entries) {
    write_package(file, format, entries, "");
}

void write_package(const std::string& file, Format format, const std::vector<Entry>& entries,
                   const std::string& options) {
    struct archive* a = archive_write_new();
    // ustar keeps names as raw bytes (no charset conversion), so tests can write bad UTF-8.
    if (format == Format::zip) archive_write_set_format_zip(a);
    else archive_write_set_format_ustar(a);
    switch (format) {
        case Format::zip:
        case Format::tar: break;
        case Format::tar_gz: archive_write_add_filter_gzip(a); break;
        case Format::tar_xz: archive_write_add_filter_xz(a); break;
        case Format::tar_zst: archive_write_add_filter_zstd(a); break;
        case Format::tar_bz2: archive_write_add_filter_bzip2(a); break;
    }
    if (format == Format::zip) archive_write_set_options(a, "zip:hdrcharset=UTF-8");
    if (!options.empty() && archive_write_set_options(a, options.c_str()) != ARCHIVE_OK)
        throw std::runtime_error("bad writer options " + options + ": " + archive_error_string(a));
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

std::string extension_of(Format format) {
    switch (format) {
        case Format::zip: return ".zip";
        case Format::tar: return ".tar";
        case Format::tar_gz: return ".tar.gz";
        case Format::tar_xz: return ".tar.xz";
        case Format::tar_zst: return ".tar.zst";
        case Format::tar_bz2: return ".tar.bz2";
    }
    return "";
}

namespace {
std::uint64_t le(const std::string& s, std::size_t at, int bytes) {
    std::uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; --i) v = v << 8 | static_cast<unsigned char>(s.at(at + static_cast<std::size_t>(i)));
    return v;
}
void put_le(std::string& s, std::size_t at, std::uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i, v >>= 8) s.at(at + static_cast<std::size_t>(i)) = static_cast<char>(v & 0xff);
}
}  // namespace

std::string ZipDirectoryRecord::name() const { return bytes.substr(46, le(bytes, 28, 2)); }
std::uint32_t ZipDirectoryRecord::local_offset() const { return static_cast<std::uint32_t>(le(bytes, 42, 4)); }
void ZipDirectoryRecord::rename(const std::string& name) {
    bytes.replace(46, le(bytes, 28, 2), name);
    put_le(bytes, 28, name.size(), 2);
}
void ZipDirectoryRecord::set_local_offset(std::uint32_t offset) { put_le(bytes, 42, offset, 4); }

ZipLayout zip_layout(const std::string& zip) {
    ZipLayout layout;
    std::size_t end = zip.rfind(std::string("PK\5\6", 4));
    if (end == std::string::npos || end + 22 > zip.size()) throw std::runtime_error("no zip end record");
    layout.end_records_offset = end;
    std::uint64_t directory = le(zip, end + 16, 4);
    if (end >= 20 && zip.compare(end - 20, 4, std::string("PK\6\7", 4)) == 0) {
        layout.zip64 = true;
        layout.end_records_offset = le(zip, end - 20 + 8, 8);
        directory = le(zip, layout.end_records_offset + 48, 8);
    }
    layout.directory_offset = directory;
    std::size_t at = directory;
    while (at + 46 <= zip.size() && zip.compare(at, 4, std::string("PK\1\2", 4)) == 0) {
        const std::size_t size = 46 + le(zip, at + 28, 2) + le(zip, at + 30, 2) + le(zip, at + 32, 2);
        layout.directory.push_back({zip.substr(at, size)});
        at += size;
    }
    return layout;
}

std::string with_zip_directory(const std::string& zip, const std::vector<ZipDirectoryRecord>& records) {
    const ZipLayout layout = zip_layout(zip);
    std::string out = zip.substr(0, layout.directory_offset);
    std::size_t size = 0;
    for (const auto& r : records) {
        out += r.bytes;
        size += r.bytes.size();
    }
    std::string end("PK\5\6", 4);
    end.resize(22, '\0');
    put_le(end, 8, records.size(), 2);
    put_le(end, 10, records.size(), 2);
    put_le(end, 12, size, 4);
    put_le(end, 16, layout.directory_offset, 4);
    return out + end;
}

std::uint32_t crc32_of(const std::string& bytes) {
    Poco::Checksum crc(Poco::Checksum::TYPE_CRC32);
    crc.update(bytes.data(), static_cast<unsigned>(bytes.size()));
    return crc.checksum();
}

namespace {
std::string le_bytes(std::uint64_t v, int bytes) {
    std::string s(static_cast<std::size_t>(bytes), '\0');
    put_le(s, 0, v, bytes);
    return s;
}
std::string unicode_path_extra(const std::string& raw_name, const std::string& unicode_name) {
    if (unicode_name.empty()) return {};
    return le_bytes(0x7075, 2) + le_bytes(5 + unicode_name.size(), 2) + '\1' + le_bytes(crc32_of(raw_name), 4) +
           unicode_name;
}
}  // namespace

namespace {
// Raw deflate (no zlib header), as zip entries hold it.
std::string deflated(const std::string& bytes) {
    z_stream z{};
    if (deflateInit2(&z, 6, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::runtime_error("cannot start deflate");
    std::string out(deflateBound(&z, static_cast<uLong>(bytes.size())), '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    z.avail_in = static_cast<uInt>(bytes.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    const int r = ::deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    if (r != Z_STREAM_END) throw std::runtime_error("cannot deflate");
    return out;
}
}  // namespace

std::string handmade_zip(const std::vector<HandmadeEntry>& entries) {
    std::string out, directory;
    for (const auto& e : entries) {
        const std::uint64_t offset = out.size();
        const std::string data = e.deflate ? deflated(e.content) : e.content;
        const int method = e.method >= 0 ? e.method : (e.deflate ? 8 : 0);
        const std::uint16_t flags = static_cast<std::uint16_t>(e.flags | (e.sizes_after ? 8 : 0));
        const std::string head = le_bytes(e.version_needed, 2) + le_bytes(flags, 2) +
                                 le_bytes(static_cast<std::uint64_t>(method), 2) + le_bytes(0, 2) + le_bytes(0x21, 2);
        const std::uint64_t crc = e.crc >= 0 ? static_cast<std::uint64_t>(e.crc) : crc32_of(e.content);
        const std::string sums = le_bytes(crc, 4) + le_bytes(data.size(), 4) +
                                 le_bytes(e.content.size(), 4);
        const std::string directory_head =
            le_bytes(e.version_needed, 2) + le_bytes(flags, 2) +
            le_bytes(static_cast<std::uint64_t>(e.directory_method >= 0 ? e.directory_method : method), 2) +
            le_bytes(0, 2) + le_bytes(0x21, 2);
        const std::string directory_sums =
            le_bytes(e.directory_crc >= 0 ? static_cast<std::uint64_t>(e.directory_crc) : crc, 4) +
            le_bytes(data.size(), 4) +
            le_bytes(e.directory_size >= 0 ? static_cast<std::uint64_t>(e.directory_size) : e.content.size(), 4);
        const std::string common = directory_head + directory_sums + le_bytes(e.raw_name.size(), 2);
        std::string local_extra = unicode_path_extra(e.raw_name, e.unicode_name) + e.local_extra;
        if (e.xl_mode != 0)  // bitmap 5: "version made by" (Unix, 3) and the external attributes
            local_extra += le_bytes(0x6c78, 2) + le_bytes(7, 2) + '\5' + le_bytes(0x031E, 2) +
                           le_bytes(static_cast<std::uint64_t>(e.xl_mode) << 16, 4);
        out += std::string("PK\3\4", 4) + head + (e.sizes_after ? std::string(12, '\0') : sums) +
               le_bytes(e.raw_name.size(), 2) + le_bytes(local_extra.size(), 2) + e.raw_name + local_extra + data;
        if (e.sizes_after) out += std::string("PK\7\x08", 4) + sums;
        out += e.after_data;
        const std::uint64_t listed = offset + static_cast<std::uint64_t>(e.directory_offset_shift);
        std::string extra = unicode_path_extra(
            e.raw_name, e.directory_unicode_name.empty() ? e.unicode_name : e.directory_unicode_name);
        if (e.zip64_offset) extra += le_bytes(0x0001, 2) + le_bytes(8, 2) + le_bytes(listed, 8);
        directory += std::string("PK\1\2", 4) + le_bytes(0x031E, 2) + common + le_bytes(extra.size(), 2) +
                     le_bytes(0, 2) + le_bytes(0, 2) + le_bytes(0, 2) +
                     le_bytes(static_cast<std::uint64_t>(e.xl_mode != 0 ? e.xl_mode : 0100644u) << 16, 4) +
                     le_bytes(e.zip64_offset ? 0xFFFFFFFFu : listed, 4) + e.raw_name + extra;
    }
    const std::string end = std::string("PK\5\6", 4) + le_bytes(0, 2) + le_bytes(0, 2) +
                            le_bytes(entries.size(), 2) + le_bytes(entries.size(), 2) +
                            le_bytes(directory.size(), 4) + le_bytes(out.size(), 4) + le_bytes(0, 2);
    return out + directory + end;
}

std::string gzip_of(const std::string& bytes) {
    struct archive* a = archive_write_new();
    archive_write_set_format_raw(a);
    archive_write_add_filter_gzip(a);
    archive_write_set_bytes_in_last_block(a, 1);  // no padding after the gzip stream
    std::string out(bytes.size() + 4096, '\0');
    std::size_t used = 0;
    if (archive_write_open_memory(a, out.data(), out.size(), &used) != ARCHIVE_OK)
        throw std::runtime_error(std::string("cannot gzip: ") + archive_error_string(a));
    struct archive_entry* entry = archive_entry_new();
    archive_entry_set_filetype(entry, AE_IFREG);
    archive_entry_set_size(entry, static_cast<la_int64_t>(bytes.size()));
    archive_write_header(a, entry);
    archive_write_data(a, bytes.data(), bytes.size());
    archive_entry_free(entry);
    archive_write_close(a);
    archive_write_free(a);
    out.resize(used);
    return out;
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
  {"id": "d1", "name": "orders_db", "type": "mysql", "subType": "rds", "config": "{\"password\": \"Xq9-sentinel-pw\"}"}]}})"});
    return out;
}

}  // namespace ferry::test
