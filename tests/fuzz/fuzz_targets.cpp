#include "fuzz_targets.hpp"

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "config/toml_tree.hpp"
#include "ferry/engine/ddl.hpp"
#include "ferry/engine/ddl_guard.hpp"
#include "ferry/engine/table_renderer.hpp"
#include "ferry/sdk/source.hpp"
#include "package/archive_walker.hpp"
#include "package/flowspec_parser.hpp"
#include "package/metered_stream.hpp"
#include "package/package_check.hpp"
#include "package/package_reader.hpp"
#include "package/zip_walker.hpp"
#include "plugin/plugin_registry.hpp"
#include "task/task_config.hpp"
#include "util/json_text.hpp"
#include "util/json_write.hpp"
#include "../support/parsed_document_text.hpp"

#include <nlohmann/json.hpp>

namespace ferry::fuzz {

namespace {

// A package held in memory, handed out in small uneven reads so the walker's buffering is fuzzed too.
class MemoryStream : public sdk::ByteStream {
  public:
    MemoryStream(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
    std::ptrdiff_t read(char* buffer, std::size_t want, sdk::Diagnostics&) override {
        const std::size_t step = 1 + (pos_ * 131 + 7) % 4093;
        const std::size_t n = std::min({want, size_ - pos_, step});
        std::memcpy(buffer, data_ + pos_, n);
        pos_ += n;
        return static_cast<std::ptrdiff_t>(n);
    }

  private:
    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t pos_ = 0;
};

class MemorySource : public sdk::Source {
  public:
    MemorySource(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
    sdk::OpenResponse open(const sdk::OpenRequest&) override {
        sdk::OpenResponse r;
        r.stream = std::make_unique<MemoryStream>(data_, size_);
        r.size = static_cast<std::int64_t>(size_);
        r.location = "fuzz-input";
        return r;
    }

  private:
    const std::uint8_t* data_;
    std::size_t size_;
};

std::string text_of(const std::uint8_t* data, std::size_t size) {
    return std::string(reinterpret_cast<const char*>(data), size);
}

}  // namespace

namespace {

// ferry's zip reader beside libarchive's on the same bytes (package/zip_walker.hpp): when both
// accept a zip they hand over the same entries; when only libarchive accepts it, ferry's reader
// refused it for a reason it names (a method or an encryption it does not read, a link or special
// file it saw by its Info-ZIP mode); when only ferry's accepts it, that is a crash to report.
void check_zip_readers_agree(const std::uint8_t* data, std::size_t size, const host::PackageLimits& base) {
    if (!host::zip_walker_takes(std::vector<char>(data, data + std::min<std::size_t>(size, 4)))) return;
    struct Walked {
        bool ok = false;
        std::vector<std::string> entries;  // path, then content
        std::vector<std::string> codes;
    };
    const auto walk = [&](bool through_libarchive) {
        host::PackageLimits limits = base;
        limits.zip_through_libarchive = through_libarchive;
        MemoryStream stream(data, size);
        sdk::Diagnostics diags;
        Walked w;
        host::MeteredStream metered(stream, 0, "fuzz");
        host::WalkStats stats;
        const host::EntryHandler collect = [&](const host::EntryInfo& info, host::EntryReader& reader) {
            std::string content;
            char buf[4096];
            std::ptrdiff_t n = 0;
            while ((n = reader.read(buf, sizeof buf)) > 0) content.append(buf, static_cast<std::size_t>(n));
            if (n < 0) return false;
            w.entries.push_back(info.path);
            w.entries.push_back(std::move(content));
            return true;
        };
        w.ok = host::walk_package(metered, "fuzz", limits, collect, stats, diags);
        for (const auto& d : diags.items())
            if (d.severity == sdk::Severity::error) w.codes.push_back(d.code);
        return w;
    };
    const Walked own = walk(false), theirs = walk(true);
    if (own.ok && !theirs.ok) std::abort();
    if (own.ok && own.entries != theirs.entries) std::abort();
    if (theirs.ok && !own.ok)
        for (const auto& code : own.codes)
            if (code != "FERRY-PKG-FORMAT-UNSUPPORTED" && code != "FERRY-PKG-LINK" && code != "FERRY-PKG-ENTRY-TYPE")
                std::abort();
}

}  // namespace

int fuzz_package(const std::uint8_t* data, std::size_t size) {
    MemorySource source(data, size);
    host::ReadOptions options;
    // Small caps, so a bomb is refused quickly instead of timing the fuzzer out.
    options.max_size = 8u << 20;
    options.limits.max_entries = 2000;
    options.limits.max_entry_size = 16u << 20;
    options.limits.max_total_size = 32u << 20;
    options.limits.ratio_floor = 1u << 20;
    options.limits.max_json_size = 4u << 20;
    host::PackageModel model;
    sdk::Diagnostics diags;
    if (host::read_package(source, "fuzz", options, model, diags))
        host::check_package(model, [](const std::string& c) { return c == "ODPS_SQL"; }, diags);
    check_zip_readers_agree(data, size, options.limits);
    return 0;
}

// Where two values already dump alike: the same kind of value all the way down. The one
// difference allowed is -0, which json_text reads as an unsigned zero and nlohmann as a signed one.
static bool same_kinds(const nlohmann::json& a, const nlohmann::json& b) {
    if (a.type() != b.type()) return a.is_number_integer() && b.is_number_integer() && a == 0 && b == 0;
    if (a.is_object() || a.is_array()) {
        for (auto x = a.begin(), y = b.begin(); x != a.end() && y != b.end(); ++x, ++y)
            if (!same_kinds(*x, *y)) return false;
    }
    return true;
}

// The fast JSON path accepts only what nlohmann's parser accepts, and reads it the same
// (util/json_text.hpp): anything else is a crash for the fuzzer to report.
static void check_fast_json_agrees(const std::string& text) {
    nlohmann::json fast;
    if (!host::parse_json_fast(text, 64, fast)) return;
    const nlohmann::json slow = nlohmann::json::parse(text, nullptr, false);
    if (slow.is_discarded() || slow.dump() != fast.dump() || !same_kinds(fast, slow)) std::abort();
}

// ferry's JSON writer gives nlohmann's bytes (util/json_write.hpp): for the parsed value, and for
// the input's raw bytes as one string (where bytes that are not UTF-8 are replaced).
static void check_json_writer_agrees(const std::string& text) {
    const auto nlohmann_text = [](const nlohmann::json& v) {
        return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    };
    const nlohmann::json raw(text);
    if (host::json_text(raw) != nlohmann_text(raw)) std::abort();
    const nlohmann::json parsed = nlohmann::json::parse(text, nullptr, false);
    if (!parsed.is_discarded() && host::json_text(parsed) != nlohmann_text(parsed)) std::abort();
}

// A check reads through simdjson's DOM where it can (package/json_view.hpp): it must give what
// nlohmann's DOM gives, object for object and diagnostic for diagnostic.
static void check_view_agrees(const std::string& text, const host::DocumentHints& hints) {
    const auto read = [&](bool through_dom) {
        host::ParseOptions options;
        options.through_dom = through_dom;
        host::ParsedDocument doc;
        sdk::Diagnostics diags;
        const bool ok = host::parse_flowspec(text, "doc.schedule.json", hints, options, doc, diags);
        return test::parsed_document_text(ok, doc, diags);
    };
    if (read(false) != read(true)) std::abort();
}

int fuzz_flowspec(const std::uint8_t* data, std::size_t size) {
    const std::string text = text_of(data, size);
    check_fast_json_agrees(text);
    check_json_writer_agrees(text);
    host::looks_like_flowspec(text);
    host::DocumentHints hints;
    hints.workflow = "wf";
    host::ParsedDocument doc;
    sdk::Diagnostics diags;
    host::ParseOptions options;
    options.keep_documents = true;  // every object's canonical document is built, as an import does
    host::parse_flowspec(text, "doc.schedule.json", hints, options, doc, diags);
    check_view_agrees(text, hints);
    check_view_agrees(text, {});  // a loose document: folders are made from what it says
    return 0;
}

int fuzz_ddl(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    engine::TableDef table;
    engine::DdlError error;
    engine::parse_create_table(text, table, error);
    engine::FunctionDef function;
    engine::DdlError ferror;
    engine::parse_create_function(text, function, ferror);
    // Every dialect's parser behind the rules check and the engines apply, and what a readable
    // table renders to for its own kind of destination.
    for (engine::Dialect d : {engine::Dialect::maxcompute, engine::Dialect::hive, engine::Dialect::postgresql,
                              engine::Dialect::mysql, engine::Dialect::sqlite}) {
        engine::ParsedTableDdl parsed;
        const engine::DdlVerdict v = engine::read_table_ddl(text, d, {"t", std::vector<std::string>{"p", "s"}}, &parsed);
        if (!v.ok()) continue;
        const engine::RenderTarget target{d, d == engine::Dialect::sqlite ? "" : "dw", "t", true, true};
        if (d == engine::Dialect::maxcompute || d == engine::Dialect::hive) engine::render_table(parsed.table, target);
        else engine::render_sql_table(parsed.sql, target);
    }
    return 0;
}

int fuzz_task_config(const std::uint8_t* data, std::size_t size) {
    const std::string text = text_of(data, size);
    sdk::Diagnostics diags;
    host::TomlValue tree;
    host::parse_toml_text(text, "task.toml", tree, diags);
    // No plugins: every plugin name is unknown, which exercises the refusal paths too.
    static host::PluginRegistry* empty = new host::PluginRegistry();
    host::TaskConfig task;
    sdk::Diagnostics tdiags;
    host::parse_task_config(text, "/nonexistent/fuzz/task.toml", *empty, task, tdiags);
    return 0;
}

}  // namespace ferry::fuzz
