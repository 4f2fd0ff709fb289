#include "package/package_reader.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <memory>
#include <algorithm>
#include <map>
#include <set>
#include <string_view>
#include <unordered_map>

#include "package/document_pipeline.hpp"
#include "package/flowspec_parser.hpp"
#include "package/reader_stage.hpp"
#include "plugin/guarded_call.hpp"
#include "util/read_windows.hpp"
#include "util/sha256.hpp"
#include "util/spool_reads.hpp"

namespace ferry::host {

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string dirname_of(const std::string& path) {
    const auto p = path.rfind('/');
    return p == std::string::npos ? std::string{} : path.substr(0, p);
}

std::string basename_of(const std::string& path) {
    const auto p = path.rfind('/');
    return p == std::string::npos ? path : path.substr(p + 1);
}

std::vector<std::string> split_path(const std::string& path) {
    // As std::getline on '/' would split it (no empty last part), without a stream per document.
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start < path.size()) {
        const std::size_t slash = path.find('/', start);
        const std::size_t end = slash == std::string::npos ? path.size() : slash;
        parts.emplace_back(path, start, end - start);
        start = end + 1;
    }
    return parts;
}

// Document text waiting for the parser thread, at most (memory stays flat however many documents).
constexpr std::size_t kMaxQueuedDocumentBytes = 16u << 20;

// Node commands whose nodes carry no code file.
const std::set<std::string> kNoCode = {"VIRTUAL",           "VIRTUAL_WORKFLOW",         "COMBINED_NODE",
                                       "CONTROLLER_JOIN",   "CONTROLLER_BRANCH",        "CONTROLLER_CYCLE",
                                       "CONTROLLER_CYCLE_START", "CONTROLLER_CYCLE_END", "CONTROLLER_TRAVERSE",
                                       "CONTROLLER_TRAVERSE_START", "CONTROLLER_TRAVERSE_END", "PARAM_HUB"};

// A file that is not a document: one per code file, so it stays small (the spool's path is the
// Collector's; a .json file that is not valid JSON has its problem in json_problems_).
struct FileEntry {
    std::uint64_t size = 0;
    std::uint64_t offset = 0;  // in the spool file
    bool spooled = false;
    bool claimed = false;      // code or bytes of an object
};

// A document read from the layout: where it sat tells what it is.
struct DocumentPlace {
    bool layout_document = false;  // .schedule.json or .flow: code files sit beside it
    DocumentHints hints;
};

bool in_datasource_folder(const std::string& path) {
    return path.rfind("DataSource/", 0) == 0 || path.find("/DataSource/") != std::string::npos;
}

DocumentPlace place_of(const std::string& path) {
    DocumentPlace place;
    place.layout_document = ends_with(path, ".schedule.json") || ends_with(path, ".flow");
    const auto parts = split_path(path);
    for (std::size_t i = 0; i < parts.size(); ++i) {
        // DataStudio/<root>/<workflow>/<engine>/<label>/<node>/<file>
        if (parts[i] == "DataStudio" && i + 3 < parts.size()) place.hints.workflow = parts[i + 2];
        // The object's folder: below DataStudio/, without the file and without a folder of the
        // object's own (<node>/<node>.schedule.json), so an export can lay it out again.
        if (parts[i] == "DataStudio" && i + 1 < parts.size()) {
            std::size_t end = parts.size() - 1;  // drop the file
            std::string stem = parts.back();
            for (const char* ext : {".schedule.json", ".flow", ".json"})
                if (ends_with(stem, ext)) {
                    stem.resize(stem.size() - std::string(ext).size());
                    break;
                }
            if (end > i + 1 && parts[end - 1] == stem) --end;
            std::string folder;
            for (std::size_t k = i + 1; k < end; ++k) folder += (folder.empty() ? "" : "/") + parts[k];
            place.hints.folder = folder;
        }
        // DataSource/<type>/<subType>/<ENV>/<name>/<name>.json: its folder is <type>/<subType>/<ENV>.
        if (parts[i] == "DataSource" && i + 3 < parts.size()) {
            place.hints.environment = parts[i + 3];
            place.hints.folder = parts[i + 1] + "/" + parts[i + 2] + "/" + parts[i + 3];
        }
    }
    return place;
}

bool read_entry(EntryReader& reader, std::uint64_t cap, const std::string& path, std::string& out,
                sdk::Diagnostics& diags) {
    char buf[1 << 16];
    for (;;) {
        const std::ptrdiff_t n = reader.read(buf, sizeof buf);
        if (n < 0) return false;
        if (n == 0) return true;
        if (out.size() + static_cast<std::size_t>(n) > cap) {
            diags.error("FERRY-PKG-JSON-SIZE", "the document is larger than " + std::to_string(cap) + " bytes",
                        "split the workflow into smaller documents", path);
            return false;
        }
        out.append(buf, static_cast<std::size_t>(n));
    }
}

// An append-only temporary file of kept bytes: creating a file per entry made the kernel's file
// creation the largest cost of an import. A read keeps two, one per thread that writes: the
// walker's (files that are not documents) and the merger's (documents, see DocumentPipeline).
class SpoolFile {
  public:
    explicit SpoolFile(const char* name) : name_(name) {}

    // Creates the file in `dir` if it is not yet: an entry of no bytes is kept too, and has a path.
    bool open(const std::filesystem::path& dir, const std::string& entry, sdk::Diagnostics& diags) {
        if (file_) return true;
        path_ = (dir / name_).string();
        spool_reads::forget(path_);  // whatever a file of this name held is gone
        file_.reset(std::fopen(path_.c_str(), "wb"));
        if (!file_)
            diags.error("FERRY-PKG-SPOOL", "cannot create a temporary file in " + dir.string(),
                        "check free space and permissions of the temporary folder (TMPDIR)", entry);
        return file_ != nullptr;
    }

    // Appends; false after adding an error naming the entry.
    bool write(const std::filesystem::path& dir, const std::string& entry, const char* data, std::size_t n,
               sdk::Diagnostics& diags) {
        if (!open(dir, entry, diags)) return false;
        if (std::fwrite(data, 1, n, file_.get()) != n) {
            diags.error("FERRY-PKG-SPOOL", "cannot write a temporary copy of the entry",
                        "check free space in the temporary folder (TMPDIR)", entry);
            return false;
        }
        size_ += n;
        return true;
    }

    // Flushes, so readers see every byte; false after adding an error.
    bool close(sdk::Diagnostics& diags) {
        if (file_ && std::fflush(file_.get()) != 0) {
            diags.error("FERRY-PKG-SPOOL", "cannot finish the temporary copy of the package",
                        "check free space in the temporary folder (TMPDIR)", path_);
            return false;
        }
        file_.reset();
        return true;
    }

    const std::string& path() const { return path_; }  // empty until opened
    std::uint64_t size() const { return size_; }

  private:
    struct FileCloser {
        void operator()(std::FILE* f) const { std::fclose(f); }
    };
    const char* name_;
    std::unique_ptr<std::FILE, FileCloser> file_;
    std::string path_;
    std::uint64_t size_ = 0;
};

class Collector {
  public:
    Collector(const ReadOptions& options, PackageModel& model, sdk::Diagnostics& diags)
        : options_(options), model_(model), diags_(diags) {}

    bool on_entry(const EntryInfo& info, EntryReader& reader) {
        const std::string& path = info.path;
        const std::string base = basename_of(path);
        if (base == "SPEC.FORMAT") {
            spec_marker_ = true;
            return true;
        }
        if (base == "project.xml" && dirname_of(path).empty()) dwma_ = true;
        const bool layout_doc = ends_with(path, ".schedule.json") || ends_with(path, ".flow");
        const bool json_file = info.lone_document || ends_with(path, ".json");
        if (layout_doc) layout_docs_ = true;
        if (info.lone_document || named_as_document(path)) {
            std::string text;
            if (!read_entry(reader, options_.limits.max_json_size, path, text, diags_)) return false;
            read_document(std::move(text), path);
            return true;
        }
        if (json_file) {
            // Either a loose FlowSpec document or a code file that happens to be JSON (DI nodes).
            std::string text;
            if (!read_entry(reader, options_.limits.max_json_size, path, text, diags_)) return false;
            if (looks_like_flowspec(text)) {
                read_document(std::move(text), path);
                return true;
            }
            FileEntry& f = file_entry(path);
            f.size = text.size();
            sdk::Diagnostics probe;
            ParsedDocument ignored;
            ParseOptions probe_options;
            probe_options.max_depth = options_.limits.max_json_depth;
            if (!parse_flowspec(text, path, {}, probe_options, ignored, probe) &&
                !probe.items().empty() && probe.items().front().code.rfind("FERRY-PKG-JSON", 0) == 0)
                json_problems_[path] = probe.items().front();
            if (options_.spool_dir) return spool_text(path, text, f);
            return true;
        }
        FileEntry& f = file_entry(path);
        return options_.spool_dir ? spool_stream(path, reader, f) : measure(reader, f);
    }

    void finish(bool lone_document) {
        if (pipeline_) pipeline_->finish();
        if (spec_marker_ || layout_docs_) model_.info.format = spec_marker_ ? "spec" : (layout_flow_ ? "flow" : "spec");
        else model_.info.format = lone_document ? "flowspec-json" : "flowspec-archive";
        if (dwma_ && model_.object_count() == 0) {
            diags_.error("FERRY-PKG-FORMAT-UNSUPPORTED",
                         "this is a DataWorks model (DWMA, project.xml) package, and no loaded reader plugin reads it",
                         "the dwma reader plugin does: check `ferry plugins` (FERRY_PLUGIN_PATH, --plugin-dir)",
                         "project.xml");
        }
        attach_code();
        attach_resource_files();
        resolve_edges();
        report_unclaimed_json();
    }

  private:
    // Archivers write a folder's files together and in order, so an entry's path mostly sorts after
    // every one before it: it then goes in at the end with one comparison, not a search whose every
    // step compared the long prefix the package's paths share.
    FileEntry& file_entry(const std::string& path) {
        if (!files_.empty() && files_.rbegin()->first < path)
            return files_.emplace_hint(files_.end(), path, FileEntry{})->second;
        return files_[path];
    }


    // Hands the document to the parser thread; merge() takes the result in document order.
    void read_document(std::string text, const std::string& path) {
        DocumentPlace place = place_of(path);
        if (ends_with(path, ".flow")) layout_flow_ = true;
        if (!pipeline_) {
            ParseOptions parse;
            parse.max_depth = options_.limits.max_json_depth;
            // An import stores each object's document; a check or a preview only needs the views.
            parse.keep_documents = options_.spool_dir != nullptr;
            pipeline_ = std::make_unique<DocumentPipeline>(
                parse, kMaxQueuedDocumentBytes, [this](DocumentPipeline::Job& job) { merge(job); },
                [this](DocumentPipeline::Job& job) { diags_.append(job.diags); });
        }
        auto job = std::make_unique<DocumentPipeline::Job>();
        job->text = std::move(text);
        job->path = path;
        job->hints = std::move(place.hints);
        job->layout_document = place.layout_document;
        pipeline_->submit(std::move(job));
    }

    // On a parser thread (see DocumentPipeline): writes only the model, the members below that are
    // the merge's, and the documents' spool; its diagnostics go to the job.
    void merge(DocumentPipeline::Job& job) {
        if (!job.ok) return;
        ParsedDocument& doc = job.doc;
        // Container indices were counted within the document; in the model they follow what came before.
        const std::size_t node_base = model_.nodes.size(), workflow_base = model_.workflows.size();
        for (auto& n : doc.nodes) {
            layout_nodes_.push_back(job.layout_document && !n.inner);
            if (n.container != kNoContainer) n.container += n.in_workflow ? workflow_base : node_base;
            spool_document(n, job.diags);
            model_.nodes.push_back(std::move(n));
        }
        for (auto& r : doc.resources) {
            layout_resources_.push_back(job.layout_document);
            spool_document(r, job.diags);
            model_.resources.push_back(std::move(r));
        }
        auto take = [&](auto& from, auto& to) {
            for (auto& o : from) {
                spool_document(o, job.diags);
                to.push_back(std::move(o));
            }
        };
        take(doc.workflows, model_.workflows);
        take(doc.tables, model_.tables);
        take(doc.functions, model_.functions);
        take(doc.datasources, model_.datasources);
        take(doc.components, model_.components);
        take(doc.quality_rules, model_.quality_rules);
        take(doc.services, model_.services);
        for (auto& w : doc.workflow_names)
            if (workflow_seen_.insert(w).second) model_.workflow_names.push_back(w);
        for (auto& e : doc.edges) edges_.push_back(std::move(e));
    }

    // An object's document goes to the spool as it arrives, so the model holds none of them.
    void spool_document(PackageObject& o, sdk::Diagnostics& diags) {
        if (!o.document.present || !o.document.is_inline || !options_.spool_dir) return;
        ContentRef ref;
        ref.present = true;
        ref.entry_path = o.source_path;
        ref.offset = documents_spool_.size();
        ref.size = o.document.inline_text.size();
        if (!documents_spool_.write(*options_.spool_dir, o.source_path, o.document.inline_text.data(),
                                    o.document.inline_text.size(), diags))
            return;
        ref.spool_path = documents_spool_.path();
        o.document = std::move(ref);
    }

    bool measure(EntryReader& reader, FileEntry& f) {
        char buf[1 << 16];
        for (;;) {
            const std::ptrdiff_t n = reader.read(buf, sizeof buf);
            if (n < 0) return false;
            if (n == 0) return true;
            f.size += static_cast<std::uint64_t>(n);
        }
    }

    bool spool_stream(const std::string& path, EntryReader& reader, FileEntry& f) {
        if (!entries_spool_.open(*options_.spool_dir, path, diags_)) return false;
        f.spooled = true;
        f.offset = entries_spool_.size();
        char buf[1 << 16];
        for (;;) {
            const std::ptrdiff_t n = reader.read(buf, sizeof buf);
            if (n < 0) return false;
            if (n == 0) return true;
            if (!entries_spool_.write(*options_.spool_dir, path, buf, static_cast<std::size_t>(n), diags_))
                return false;
            f.size += static_cast<std::uint64_t>(n);
        }
    }

    bool spool_text(const std::string& path, const std::string& text, FileEntry& f) {
        if (!entries_spool_.open(*options_.spool_dir, path, diags_)) return false;
        f.spooled = true;
        f.offset = entries_spool_.size();
        return entries_spool_.write(*options_.spool_dir, path, text.data(), text.size(), diags_);
    }

  public:
    // Flushes the spools so readers see every byte; false after adding an error. After finish().
    bool close_spool() {
        const bool entries = entries_spool_.close(diags_);
        return documents_spool_.close(diags_) && entries;
    }

  private:
    void claim(ContentRef& ref, const std::string& path, FileEntry& f) {
        ref.present = true;
        ref.is_inline = false;
        ref.entry_path = path;
        ref.spool_path = f.spooled ? entries_spool_.path() : std::string();
        ref.offset = f.offset;
        ref.size = f.size;
        f.claimed = true;
    }

    // The code of a node read from a layout document sits beside it: <node>/<node><ext>, or at the
    // script's path inside the package.
    void attach_code() {
        // By script path: path without extension -> the file, and the same relative to DataStudio/
        // (script paths are). Views into files_'s keys, and its iterators (a map's entries stay
        // put). Built only when a node needs it: most nodes find their code beside them, and
        // building it for 100,000 code files was a tenth of checking a package of one node per
        // document.
        std::unordered_map<std::string_view, std::map<std::string, FileEntry>::iterator> by_stem;
        bool by_stem_built = false;
        auto build_by_stem = [&] {
            by_stem.reserve(files_.size() * 2);
            for (auto it = files_.begin(); it != files_.end(); ++it) {
                const std::string_view whole(it->first);
                const auto slash = whole.rfind('/');
                const std::string_view base = slash == std::string_view::npos ? whole : whole.substr(slash + 1);
                const auto dot = base.rfind('.');
                const std::string_view stem =
                    dot == std::string_view::npos || dot == 0 ? whole : whole.substr(0, whole.size() - (base.size() - dot));
                by_stem.emplace(stem, it);
                if (auto ds = stem.rfind("DataStudio/"); ds != std::string_view::npos)
                    by_stem.emplace(stem.substr(ds + 11), it);
            }
            by_stem_built = true;
        };
        for (std::size_t i = 0; i < model_.nodes.size(); ++i) {
            // What this pass reads of a node, and it writes back only its code (set_fields): the
            // whole node decoded and encoded again for each was most of the time between reading a
            // package of one node per document and planning it.
            Node node;
            model_.nodes.read_fields(i, node, {&node.code, &node.command, &node.source_path, &node.script_path,
                                               &node.name});
            if (node.code.present || kNoCode.count(node.command)) continue;
            // An inner node's code sits at its script's path; only an object has a folder of its own.
            const bool from_layout = layout_nodes_[i];
            std::string stem = basename_of(node.source_path);
            for (const char* ext : {".schedule.json", ".flow"})
                if (ends_with(stem, ext)) stem.resize(stem.size() - std::string(ext).size());
            auto found = files_.end();
            if (from_layout) {
                // The first file, in path order, of the node's folder named <stem> or <stem>.<ext>.
                // files_ is sorted: <stem> comes first, and the <stem>.* sit together after it, so
                // only they are looked at (a folder of many nodes is not read once per node).
                const std::string dir = dirname_of(node.source_path);
                const std::string exact = dir.empty() ? stem : dir + "/" + stem;
                found = files_.find(exact);
                const std::string dotted = exact + ".";
                for (auto it = found == files_.end() ? files_.lower_bound(dotted) : files_.end();
                     it != files_.end() && it->first.compare(0, dotted.size(), dotted) == 0; ++it) {
                    if (it->first.find('/', dotted.size()) == std::string::npos) {  // not in a subfolder
                        found = it;
                        break;
                    }
                }
            }
            if (found == files_.end() && !node.script_path.empty()) {
                std::string sp = node.script_path;
                while (!sp.empty() && sp.front() == '/') sp.erase(0, 1);
                if (!by_stem_built) build_by_stem();
                if (auto it = by_stem.find(sp); it != by_stem.end()) found = it->second;
                else found = files_.find(sp);
            }
            if (found != files_.end()) {
                claim(node.code, found->first, found->second);
                model_.nodes.set_fields(i, node, {&node.code});
            } else if (from_layout && !node.inner && !node.script_path.empty()) {
                diags_.error("FERRY-PKG-CODE-MISSING",
                             "node '" + node.name + "' has no code: neither inline content nor a code file beside " +
                                 basename_of(node.source_path) + " (script path '" + node.script_path + "')",
                             "export the package again, or put the node's code file next to its .schedule.json",
                             node.source_path);
            }
        }
    }

    // <res> beside <res>.schedule.json
    void attach_resource_files() {
        for (std::size_t i = 0; i < model_.resources.size(); ++i) {
            if (!layout_resources_[i]) continue;
            Resource r;
            model_.resources.read_fields(i, r, {&r.content, &r.source_path, &r.name});
            if (r.content.present) continue;
            const std::string dir = dirname_of(r.source_path);
            const std::string candidate = (dir.empty() ? "" : dir + "/") + r.name;
            if (auto it = files_.find(candidate); it != files_.end()) {
                claim(r.content, candidate, it->second);
                model_.resources.set_fields(i, r, {&r.content});
            }
        }
    }

    void resolve_edges() {
        if (edges_.empty()) return;
        std::unordered_map<std::string, std::size_t> by_id;
        for (std::size_t i = 0; i < model_.nodes.size(); ++i) {
            if (model_.nodes.tag(i)) continue;  // inner
            Node n;
            model_.nodes.read_fields(i, n, {&n.id});
            if (!n.id.empty()) by_id.emplace(n.id, i);
        }
        for (const auto& e : edges_) {
            auto it = by_id.find(e.node_id);
            if (it == by_id.end()) {
                diags_.warning("FERRY-PKG-DEPENDENCY",
                               "a dependency names node id '" + e.node_id + "', which is not in the package",
                               "the edge is dropped; check the exported workflow", e.where);
                continue;
            }
            Node node;
            model_.nodes.read_fields(it->second, node, {&node.depends});
            bool seen = false;
            for (const auto& d : node.depends) seen = seen || d.target == e.dependency.target;
            if (!seen) {
                node.depends.push_back(e.dependency);
                model_.nodes.set_fields(it->second, node, {&node.depends});
            }
        }
    }

    void report_unclaimed_json() {
        const bool loose = model_.info.format == "flowspec-archive";
        for (const auto& [path, diag] : json_problems_) {
            if (auto f = files_.find(path); f != files_.end() && f->second.claimed) continue;
            // In a layout package a stray .json is an extra file; in a loose package it was meant to
            // be a document.
            if (loose) diags_.add(diag);
        }
    }

    const ReadOptions& options_;
    // Until the pipeline has finished, the model is the merge's (see merge()), and so are the
    // members down to documents_spool_; the walker has the rest, and diags_.
    PackageModel& model_;
    std::vector<bool> layout_nodes_;      // per node: an object read from a layout document
    std::vector<bool> layout_resources_;  // per resource: the same
    std::set<std::string> workflow_seen_;
    std::vector<PendingEdge> edges_;
    SpoolFile documents_spool_{"documents.spool"};
    sdk::Diagnostics& diags_;
    std::map<std::string, FileEntry> files_;
    std::map<std::string, sdk::Diagnostic> json_problems_;  // .json files that are not valid JSON
    SpoolFile entries_spool_{"entries.spool"};
    bool spec_marker_ = false;
    bool layout_docs_ = false;
    bool layout_flow_ = false;
    bool dwma_ = false;
    // Last, so it stops before the members its merges write to go away.
    std::unique_ptr<DocumentPipeline> pipeline_;
};

}  // namespace

namespace {
// Opens the package through its source; null after adding errors.
std::unique_ptr<sdk::ByteStream> open_package(sdk::Source& source, const std::string& source_plugin,
                                              std::uint64_t max_size, PackageInfo& info, sdk::Diagnostics& diags) {
    sdk::OpenRequest request;
    request.max_size = max_size;
    sdk::OpenResponse opened = guarded_call<sdk::OpenResponse>("source plugin '" + source_plugin + "' opening the package",
                                                               "", [&] { return source.open(request); });
    info.location = opened.location;
    info.source_plugin = source_plugin;
    diags.append(opened.diagnostics);
    if (!opened.stream || opened.diagnostics.has_errors()) {
        if (!diags.has_errors())
            diags.error("FERRY-SRC-OPEN", "the source could not open the package", "", opened.location);
        return nullptr;
    }
    return std::move(opened.stream);
}
}  // namespace

bool hash_package(sdk::Source& source, const std::string& source_plugin, std::uint64_t max_size, PackageInfo& out,
                  sdk::Diagnostics& diags) {
    auto opened = open_package(source, source_plugin, max_size, out, diags);
    if (!opened) return false;
    MeteredStream stream(*opened, max_size, out.location);
    const bool ok = stream.drain(diags) && !stream.failed();
    out.size = stream.bytes();
    if (ok) out.sha256 = stream.sha256_hex();
    return ok;
}

namespace {
bool read_package_spooled(sdk::Source& source, const std::string& source_plugin, const ReadOptions& options,
                          PackageModel& out, sdk::Diagnostics& diags) {
    auto opened = open_package(source, source_plugin, options.max_size, out.info, diags);
    if (!opened) return false;
    MeteredStream stream(*opened, options.max_size, out.info.location);
    Collector collector(options, out, diags);
    ReaderStage readers(options.registry,
                        [&](const EntryInfo& info, EntryReader& reader) { return collector.on_entry(info, reader); },
                        diags);
    WalkStats stats;
    std::string display = out.info.location;
    if (auto p = display.find_last_of('/'); p != std::string::npos) display = display.substr(p + 1);
    bool ok = walk_package(
        stream, display, options.limits,
        [&](const EntryInfo& info, EntryReader& reader) { return readers.on_entry(info, reader); }, stats, diags);
    // Hash the whole package even where the archive format stopped short of its end.
    if (ok) ok = stream.drain(diags);
    out.info.size = stream.bytes();
    out.info.entries = stats.entries;
    out.info.uncompressed = stats.uncompressed;
    if (ok && !stream.failed()) out.info.sha256 = stream.sha256_hex();
    if (!ok) return false;
    if (!readers.finish()) return false;
    collector.finish(stats.lone_document && readers.passthrough());
    if (!readers.passthrough()) out.info.format = readers.format();
    // A document that could not be read is an error, but the package is still read whole, so the
    // check can say everything else that is wrong with it too.
    return collector.close_spool();
}
}  // namespace

bool named_as_document(const std::string& path) {
    return ends_with(path, ".schedule.json") || ends_with(path, ".flow") ||
           (ends_with(path, ".json") && in_datasource_folder(path));
}

bool read_package(sdk::Source& source, const std::string& source_plugin, const ReadOptions& options,
                  PackageModel& out, sdk::Diagnostics& diags) {
    try {
        return read_package_spooled(source, source_plugin, options, out, diags);
    } catch (const SpoolError& e) {
        // The model's objects go to a temporary file as they are read (util/object_spool.hpp).
        diags.error("FERRY-PKG-SPOOL", e.what(), "check free space and permissions of the temporary folder (TMPDIR)",
                    out.info.location);
        return false;
    }
}

namespace {
bool content_unreadable(const ContentRef& ref, sdk::Diagnostics& diags) {
    diags.error("FERRY-PKG-CONTENT", "cannot read the temporary copy of '" + ref.entry_path + "'", "", ref.entry_path);
    return false;
}

// Feeds a content reference's bytes to `sink` in chunks.
template <typename Sink>
bool each_chunk(const ContentRef& ref, sdk::Diagnostics& diags, Sink&& sink) {
    if (!ref.present) return true;
    if (ref.is_inline) {
        sink(ref.inline_text.data(), ref.inline_text.size());
        return true;
    }
    std::uint64_t left = ref.size;
    if (const int fd = ::open(ref.spool_path.c_str(), O_RDONLY | O_CLOEXEC); fd >= 0) {
        std::vector<char> buf(static_cast<std::size_t>(std::min<std::uint64_t>(left, 1 << 16)));
        while (left > 0) {
            const std::uint64_t want = std::min<std::uint64_t>(left, buf.size());
            const std::uint64_t n = pread_full(fd, buf.data(), want, ref.offset + (ref.size - left));
            if (n > 0) sink(buf.data(), static_cast<std::size_t>(n));
            left -= n;
            if (n < want) break;
        }
        ::close(fd);
    }
    return left == 0 || content_unreadable(ref, diags);
}
}  // namespace

bool load_content(const ContentRef& ref, std::string& out, sdk::Diagnostics& diags) {
    out.clear();
    if (!ref.present) return true;
    if (ref.is_inline) {
        out = ref.inline_text;
        return true;
    }
    if (ref.spool_path.empty()) {
        diags.error("FERRY-PKG-CONTENT", "the content of '" + ref.entry_path + "' was not kept",
                    "this is a bug in ferry: the package was read without a spool folder", ref.entry_path);
        return false;
    }
    // The spool stays open and is read a window at a time (util/spool_reads.hpp).
    if (spool_reads::read(ref.spool_path, ref.offset, ref.size, out)) return true;
    out.clear();
    return content_unreadable(ref, diags);
}

bool hash_content(const ContentRef& ref, std::string& hex, sdk::Diagnostics& diags) {
    Sha256 h;
    if (!each_chunk(ref, diags, [&](const char* p, std::size_t n) { h.update(p, n); })) return false;
    hex = h.hex();
    return true;
}

bool write_content(const ContentRef& ref, const std::string& path, sdk::Diagnostics& diags) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!each_chunk(ref, diags, [&](const char* p, std::size_t n) { out.write(p, static_cast<std::streamsize>(n)); }))
        return false;
    if (!out) {
        diags.error("FERRY-PKG-SPOOL", "cannot write " + path, "check free space in the temporary folder (TMPDIR)", path);
        return false;
    }
    return true;
}

}  // namespace ferry::host
