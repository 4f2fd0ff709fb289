#include "package_generator.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <cctype>
#include <clocale>
#include <filesystem>
#include <vector>

namespace ferry::bench {

namespace {

// xorshift64*: fast, seedable, good enough to defeat deflate.
struct Prng {
    std::uint64_t s;
    explicit Prng(std::uint64_t seed) : s(seed * 0x9E3779B97F4A7C15ull + 1) {}
    std::uint64_t next() {
        s ^= s >> 12;
        s ^= s << 25;
        s ^= s >> 27;
        return s * 0x2545F4914F6CDD1Dull;
    }
};

std::string g_prefix;  // GeneratorOptions::name_prefix for the package being written

std::string pad(std::uint64_t n, int width = 6) {
    std::string s = std::to_string(n);
    return g_prefix + (s.size() >= static_cast<std::size_t>(width) ? s : std::string(width - s.size(), '0') + s);
}

std::string json_escape(const std::string& text) {
    std::string out;
    out.reserve(text.size() + 16);
    for (char c : text) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\t': out += "\\t"; break;
            default: out += c;
        }
    }
    return out;
}

class Writer {
  public:
    Writer(const std::string& path, const std::string& format, GeneratorStats& stats) : stats_(stats) {
        a_ = archive_write_new();
        if (format == "tar.gz") {
            archive_write_set_format_pax_restricted(a_);
            archive_write_add_filter_gzip(a_);
        } else {
            archive_write_set_format_zip(a_);
            archive_write_set_options(a_, "zip:hdrcharset=UTF-8");
        }
        ok_ = archive_write_open_filename(a_, path.c_str()) == ARCHIVE_OK;
        if (!ok_) error_ = archive_error_string(a_);
    }
    ~Writer() {
        if (a_) archive_write_free(a_);
    }
    bool ok() const { return ok_; }
    const std::string& error() const { return error_; }

    // An entry whose bytes come from `fill(buffer)` until `size` bytes were written.
    template <class Fill>
    bool entry(const std::string& name, std::uint64_t size, Fill fill) {
        if (!ok_) return false;
        archive_entry* e = archive_entry_new();
        archive_entry_set_pathname(e, name.c_str());
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        archive_entry_set_size(e, static_cast<la_int64_t>(size));
        archive_entry_set_mtime(e, 1700000000, 0);
        if (archive_write_header(a_, e) != ARCHIVE_OK) return fail(e);
        std::uint64_t left = size;
        while (left > 0) {
            const std::string& chunk = fill(left);
            if (archive_write_data(a_, chunk.data(), chunk.size()) < 0) return fail(e);
            left -= chunk.size();
        }
        archive_entry_free(e);
        ++stats_.entries;
        stats_.uncompressed_bytes += size;
        return true;
    }
    bool text(const std::string& name, const std::string& content) {
        return entry(name, content.size(), [&](std::uint64_t) -> const std::string& { return content; });
    }
    bool close() {
        if (!ok_) return false;
        if (archive_write_close(a_) != ARCHIVE_OK) {
            error_ = archive_error_string(a_);
            ok_ = false;
        }
        return ok_;
    }

  private:
    bool fail(archive_entry* e) {
        error_ = archive_error_string(a_) ? archive_error_string(a_) : "archive write failed";
        archive_entry_free(e);
        ok_ = false;
        return false;
    }
    archive* a_ = nullptr;
    bool ok_ = false;
    std::string error_;
    GeneratorStats& stats_;
};

// SQL that names the source project, so a workspace mapping has something to rewrite.
std::string node_code(std::uint64_t i, const GeneratorOptions& o) {
    std::string code = "-- generated node " + std::to_string(i) + "\n";
    std::uint64_t k = 0;
    while (code.size() < o.code_bytes) {
        code += "INSERT OVERWRITE TABLE " + o.project + ".dws_t" + std::to_string((i + k) % 97) +
                " PARTITION (ds='${bizdate}')\nSELECT id, amount, '" + std::to_string(i * 31 + k) + "' AS tag FROM " +
                o.project + ".ods_t" + std::to_string((i * 7 + k) % 89) + " WHERE ds = '${bizdate}';\n";
        ++k;
    }
    code.resize(o.code_bytes);
    return code;
}

std::string node_json(std::uint64_t i, const GeneratorOptions& o, const std::string& workflow, bool inline_code) {
    const std::string name = "n_" + pad(i);
    const bool first = i % o.nodes_per_workflow == 0;
    std::string inputs = first ? "" : R"(, "inputs": {"nodeOutputs": [{"data": "id)" + pad(i - 1) + R"(", "artifactType": "NodeOutput"}]})";
    std::string content = inline_code ? R"(, "content": ")" + json_escape(node_code(i, o)) + "\"" : "";
    return R"({"id": "id)" + pad(i) + R"(", "name": ")" + name + R"(", "owner": "064152", "recurrence": "Normal",
   "datasource": {"name": "odps_first", "type": "odps"},
   "script": {"path": "业务流程/)" + workflow + "/MaxCompute/数据开发/" + name + R"(", "language": "odps-sql",
              "runtime": {"engine": "MaxCompute", "command": "ODPS_SQL"})" + content + R"(},
   "trigger": {"type": "Scheduler", "cron": "00 00 02 * * ?", "startTime": "1970-01-01 00:00:00",
               "endTime": "9999-01-01 00:00:00", "timezone": "Asia/Shanghai"},
   "runtimeResource": {"resourceGroup": "group_2"})" + inputs + R"(,
   "outputs": {"nodeOutputs": [{"data": "id)" + pad(i) + R"(", "artifactType": "NodeOutput", "isDefault": true}]}})";
}

std::string document(const std::string& spec_body) {
    return R"({"version": "1.1.0", "kind": "CycleWorkflow", "metadata": {"owner": "064152"}, "spec": {)" + spec_body +
           "}}";
}

}  // namespace

bool parse_size(const std::string& text, std::uint64_t& out) {
    std::size_t used = 0;
    double value = 0;
    try {
        value = std::stod(text, &used);
    } catch (...) {
        return false;
    }
    std::string unit = text.substr(used);
    for (auto& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    double mult = 1;
    if (unit == "" || unit == "B") mult = 1;
    else if (unit == "K" || unit == "KB") mult = 1024.0;
    else if (unit == "M" || unit == "MB") mult = 1024.0 * 1024;
    else if (unit == "G" || unit == "GB") mult = 1024.0 * 1024 * 1024;
    else return false;
    if (value < 0) return false;
    out = static_cast<std::uint64_t>(value * mult);
    return true;
}

bool generate_package(const std::string& path, const GeneratorOptions& o, GeneratorStats& stats, std::string& error) {
    stats = {};
    // The layout's folder names are Chinese, as the product writes them; libarchive converts
    // names through the locale, which must be UTF-8 for that.
    std::setlocale(LC_CTYPE, "C.UTF-8");
    g_prefix = o.name_prefix;
    Writer w(path, o.format, stats);
    const std::string base = "bench/";
    auto workflow_of = [&](std::uint64_t i) { return "flow_" + pad(i / o.nodes_per_workflow, 4); };
    bool ok = w.text(base + "SPEC.FORMAT", "");

    const std::uint64_t per_doc = o.nodes_per_document == 0 ? 1 : o.nodes_per_document;
    for (std::uint64_t i = 0; ok && i < o.nodes; i += per_doc) {
        const std::string wf = workflow_of(i);
        const std::string dir = base + "DataStudio/业务流程/" + wf + "/MaxCompute/数据开发/";
        if (per_doc == 1) {
            const std::string name = "n_" + pad(i);
            ok = w.text(dir + name + "/" + name + ".schedule.json", document(R"("nodes": [)" + node_json(i, o, wf, false) + "]")) &&
                 w.text(dir + name + "/" + name + ".sql", node_code(i, o));
        } else {
            // One document per batch; a batch never straddles workflows (the folder names the workflow).
            std::string nodes;
            for (std::uint64_t j = i; j < o.nodes && j < i + per_doc && workflow_of(j) == wf; ++j)
                nodes += (nodes.empty() ? "" : ",\n") + node_json(j, o, wf, true);
            ok = w.text(dir + "batch_" + pad(i) + ".schedule.json", document(R"("nodes": [)" + nodes + "]"));
        }
    }

    const std::string mc = base + "DataStudio/业务流程/shared/MaxCompute/";
    for (std::uint64_t i = 0; ok && i < o.tables; ++i) {
        const std::string name = "t_" + pad(i);
        std::string ddl = "CREATE TABLE IF NOT EXISTS " + name + " (\n  id BIGINT COMMENT 'row id',\n  amount DECIMAL(18,2),\n  note STRING\n) PARTITIONED BY (ds STRING) LIFECYCLE 30";
        ok = w.text(mc + "表/" + name + "/" + name + ".schedule.json",
                    document(R"("artifacts": {"tables": [{"id": "t)" + pad(i) + R"(", "name": ")" + name +
                             R"(", "guid": "odps.odps_first.default.)" + name +
                             R"(", "calcEngine": {"type": "MaxCompute", "project": "odps_first", "schema": "default"}, "ddl": ")" +
                             json_escape(ddl) + "\"}]}"));
    }

    Prng prng(o.seed);
    std::string chunk;
    const std::string text_block = "def transform(row):\n    return {'id': row['id'], 'amount': row['amount'] * 1.07}\n";
    for (std::uint64_t i = 0; ok && i < o.resources; ++i) {
        const std::string name = "r_" + pad(i) + ".py";
        ok = w.entry(mc + "资源/" + name, o.resource_bytes, [&](std::uint64_t left) -> const std::string& {
            // Each 1 MiB chunk: a compressible run of text, then random bytes.
            const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, 1 << 20));
            chunk.resize(n);
            const auto text_part = static_cast<std::size_t>(static_cast<double>(n) * o.compressibility);
            for (std::size_t k = 0; k < text_part; ++k) chunk[k] = text_block[k % text_block.size()];
            for (std::size_t k = text_part; k < n; k += 8) {
                const std::uint64_t r = prng.next();
                for (std::size_t b = 0; b < 8 && k + b < n; ++b) chunk[k + b] = static_cast<char>(r >> (8 * b));
            }
            return chunk;
        });
        ok = ok && w.text(mc + "资源/" + name + ".schedule.json",
                          document(R"("fileResources": [{"id": "r)" + pad(i) + R"(", "name": ")" + name +
                                   R"(", "type": "python", "datasource": {"name": "odps_first", "type": "odps"}, "file": {"storage": {"type": "local"}, "path": ")" +
                                   name + "\"}}]"));
    }

    for (std::uint64_t i = 0; ok && i < o.functions; ++i) {
        const std::string name = "f_" + pad(i);
        std::string res = o.resources > 0 ? R"(, "fileResources": [{"name": "r_)" + pad(i % o.resources) + R"(.py"}])" : "";
        ok = w.text(mc + "函数/" + name + "/" + name + ".schedule.json",
                    document(R"("functions": [{"id": "f)" + pad(i) + R"(", "name": ")" + name +
                             R"(", "type": "MATH", "className": "com.example.F)" + pad(i) +
                             R"(", "datasource": {"name": "odps_first", "type": "odps"})" + res + "}]"));
    }
    ok = ok && w.close();
    if (!ok) {
        error = w.error().empty() ? "cannot write " + path : w.error();
        return false;
    }
    std::error_code ec;
    stats.file_bytes = std::filesystem::file_size(path, ec);
    return true;
}

}  // namespace ferry::bench
