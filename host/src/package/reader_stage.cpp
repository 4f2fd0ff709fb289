#include "package/reader_stage.hpp"

#include <algorithm>
#include <cstring>
#include <fstream>

#include "ferry/sdk/reader.hpp"
#include "package/package_reader.hpp"
#include "plugin/guarded_call.hpp"
#include "plugin/plugin_registry.hpp"
#include "util/temp_dir.hpp"

namespace ferry::host {

namespace {

constexpr std::size_t kRecognitionEntries = 32;
constexpr std::size_t kPeekBytes = 64 * 1024;
constexpr std::size_t kHeldInMemory = 32u << 20;  // beyond this, held entries go to a temporary file

// One of the first entries, kept until the reader is chosen.
struct Held {
    EntryInfo info;
    std::string bytes;  // in memory, or
    std::string file;   // in a temporary file
    std::string head;
};

// Reads a held entry from its start.
class HeldReader : public EntryReader {
  public:
    explicit HeldReader(const Held& h) : h_(h) {
        if (!h.file.empty()) in_.open(h.file, std::ios::binary);
    }
    std::ptrdiff_t read(char* buffer, std::size_t size) override {
        if (h_.file.empty()) {
            const std::size_t n = std::min(size, h_.bytes.size() - at_);
            std::memcpy(buffer, h_.bytes.data() + at_, n);
            at_ += n;
            return static_cast<std::ptrdiff_t>(n);
        }
        in_.read(buffer, static_cast<std::streamsize>(size));
        return in_.bad() ? -1 : static_cast<std::ptrdiff_t>(in_.gcount());
    }

  private:
    const Held& h_;
    std::ifstream in_;
    std::size_t at_ = 0;
};

// Bytes a reader writes, as an archive entry for the collector.
class StringReader : public EntryReader {
  public:
    explicit StringReader(const std::string& s) : s_(s) {}
    std::ptrdiff_t read(char* buffer, std::size_t size) override {
        const std::size_t n = std::min(size, s_.size() - at_);
        std::memcpy(buffer, s_.data() + at_, n);
        at_ += n;
        return static_cast<std::ptrdiff_t>(n);
    }

  private:
    const std::string& s_;
    std::size_t at_ = 0;
};

// An entry's bytes as a reader plugin reads them.
class BytesFor : public sdk::EntryBytes {
  public:
    explicit BytesFor(EntryReader& r) : r_(r) {}
    std::ptrdiff_t read(char* buffer, std::size_t size) override { return r_.read(buffer, size); }

  private:
    EntryReader& r_;
};

// A reader plugin's EntryBytes as an archive entry for the collector (file_from).
class ReaderFor : public EntryReader {
  public:
    explicit ReaderFor(sdk::EntryBytes& b) : b_(b) {}
    std::ptrdiff_t read(char* buffer, std::size_t size) override { return b_.read(buffer, size); }

  private:
    sdk::EntryBytes& b_;
};


}  // namespace

bool safe_path(const std::string& p) { return sdk::safe_output_path(p); }

struct ReaderStage::Impl {
    const PluginRegistry* registry;
    EntrySink sink;
    sdk::Diagnostics& diags;
    std::vector<Held> held;
    std::size_t held_bytes = 0;
    std::unique_ptr<TempDir> temp;
    bool decided = false;
    bool failed = false;
    std::string reader_name;
    std::shared_ptr<sdk::Reader> reader;  // null: pass entries through

    Impl(const PluginRegistry* r, EntrySink s, sdk::Diagnostics& d) : registry(r), sink(std::move(s)), diags(d) {}

    // What the reader writes, fed to the collector as entries.
    class Output : public sdk::ReaderOutput {
      public:
        explicit Output(Impl& impl) : impl_(impl) {}
        void document(const std::string& path, const std::string& json) override { put(path, json); }
        void file(const std::string& path, const std::string& bytes) override {
            if (carried_as_file(path)) put(path, bytes);
        }
        void file_from(const std::string& path, sdk::EntryBytes& bytes) override {
            if (!accept(path) || !carried_as_file(path)) return;
            ReaderFor r(bytes);
            EntryInfo info;
            info.path = path;
            if (!impl_.sink(info, r)) impl_.failed = true;
        }

      private:
        // A reader's file (a resource's bytes, a marker) is not a document: under a name the
        // collector reads as one, a file of the source (a DolphinScheduler resource called
        // x.schedule.json, say) would become nodes the source never scheduled. The "spec" reader
        // passes a SPEC package through, whose documents are its files.
        bool carried_as_file(const std::string& path) {
            if (impl_.reader_name == "spec" || !named_as_document(path)) return true;
            impl_.diags.error("FERRY-READER-FILE-AS-DOCUMENT",
                              "reader '" + impl_.reader_name + "' carries the file '" + path +
                                  "' under a name ferry reads as a FlowSpec document: it would become objects the "
                                  "source does not have",
                              "rename that file (a resource, most likely) in the source: a name ending in "
                              ".schedule.json or .flow, or a .json file in a DataSource folder, is read as a document",
                              path);
            impl_.failed = true;
            return false;
        }
        bool accept(const std::string& path) {
            if (safe_path(path)) return true;
            impl_.diags.error("FERRY-READER-PATH",
                              "reader '" + impl_.reader_name + "' wrote an entry with an unsafe path: '" + path + "'",
                              "this is a bug in the reader plugin; report it to its authors", path);
            impl_.failed = true;
            return false;
        }
        void put(const std::string& path, const std::string& bytes) {
            if (!accept(path)) return;
            StringReader r(bytes);
            EntryInfo info;
            info.path = path;
            info.declared_size = static_cast<std::int64_t>(bytes.size());
            if (!impl_.sink(info, r)) impl_.failed = true;
        }
        Impl& impl_;
    };

    bool hold(const EntryInfo& info, EntryReader& reader) {
        Held h;
        h.info = info;
        char buf[1 << 16];
        std::ofstream out;
        for (;;) {
            const std::ptrdiff_t n = reader.read(buf, sizeof buf);
            if (n < 0) return false;
            if (n == 0) break;
            const auto k = static_cast<std::size_t>(n);
            if (h.head.size() < kPeekBytes) h.head.append(buf, std::min(k, kPeekBytes - h.head.size()));
            if (h.file.empty() && held_bytes + h.bytes.size() + k > kHeldInMemory) {
                if (!temp) temp = std::make_unique<TempDir>("ferry-read-");
                h.file = (temp->path() / std::to_string(held.size())).string();
                out.open(h.file, std::ios::binary);
                out.write(h.bytes.data(), static_cast<std::streamsize>(h.bytes.size()));
                h.bytes.clear();
                h.bytes.shrink_to_fit();
            }
            if (h.file.empty()) h.bytes.append(buf, k);
            else out.write(buf, n);
            if (!h.file.empty() && !out) {
                diags.error("FERRY-PKG-SPOOL", "cannot hold entry " + info.path + " while the format is recognised",
                            "check the free space of the temporary folder", info.path);
                return false;
            }
        }
        held_bytes += h.bytes.size();
        held.push_back(std::move(h));
        return true;
    }

    // Asks every reader about the held entries; takes the most confident.
    void choose() {
        decided = true;
        if (!registry) return;
        std::vector<sdk::EntryPeek> peeks;
        for (const auto& h : held) peeks.push_back({h.info.path, h.head, h.info.declared_size});
        int best = 0;
        std::string unsupported;
        for (const auto& p : registry->plugins()) {
            if (p.kind != sdk::PluginKind::reader) continue;
            sdk::Config none;
            sdk::Diagnostics d;
            auto r = registry->create_as<sdk::Reader>(p, none, "", d);
            if (!r) {
                diags.append(d);
                continue;
            }
            struct Asked {
                sdk::Recognition recognition;
                sdk::Diagnostics diagnostics;
            };
            const Asked a = guarded_call<Asked>("reader plugin '" + p.name + "' recognising the package", "",
                                                [&] { return Asked{r->recognize(peeks), {}}; });
            diags.append(a.diagnostics);
            if (!a.recognition.unsupported.empty() && unsupported.empty()) unsupported = a.recognition.unsupported;
            if (a.recognition.confidence > best) {
                best = a.recognition.confidence;
                reader = r;
                reader_name = p.name;
                format = a.recognition.format;
            }
        }
        // A family some reader names but none reads (an Airflow DAG folder) is said as such, unless a
        // reader is fairly sure the package is its own.
        if (!unsupported.empty() && best < 50) {
            diags.error("FERRY-PKG-FORMAT-UNSUPPORTED", unsupported,
                        "ferry reads SPEC packages and FlowSpec documents, DolphinScheduler exports, DWMA and "
                        "Azkaban packages (`ferry plugins` lists the readers loaded)",
                        held.empty() ? std::string() : held.front().info.path);
            failed = true;
            return;
        }
        if (best == 0 && !held.empty()) {
            diags.error("FERRY-PKG-FORMAT-UNSUPPORTED",
                        unsupported.empty() ? "no loaded reader plugin reads this package's format"
                                            : unsupported,
                        "`ferry plugins` lists the readers: SPEC packages and FlowSpec documents (spec), "
                        "DolphinScheduler exports, DWMA and Azkaban packages when their readers are loaded",
                        held.front().info.path);
            failed = true;
            return;
        }
        if (reader_name == "spec") reader.reset();  // DataWorks' own: straight to the collector
    }

    bool feed(const EntryInfo& info, EntryReader& r) {
        if (failed) return false;
        if (!reader) return sink(info, r);
        Output out(*this);
        BytesFor bytes(r);
        struct Done {
            sdk::Diagnostics diagnostics;
        };
        const Done d = guarded_call<Done>("reader plugin '" + reader_name + "' reading " + info.path, info.path, [&] {
            Done done;
            reader->read_entry(info.path, bytes, out, done.diagnostics);
            return done;
        });
        diags.append(d.diagnostics);
        return !failed;
    }

    bool replay() {
        for (const auto& h : held) {
            HeldReader r(h);
            if (!feed(h.info, r)) return false;
        }
        held.clear();
        held_bytes = 0;
        temp.reset();
        return true;
    }

    std::string format;
};

ReaderStage::ReaderStage(const PluginRegistry* registry, EntrySink sink, sdk::Diagnostics& diags)
    : impl_(std::make_unique<Impl>(registry, std::move(sink), diags)) {}

ReaderStage::~ReaderStage() = default;

bool ReaderStage::on_entry(const EntryInfo& info, EntryReader& reader) {
    if (impl_->decided) return impl_->feed(info, reader);
    if (!impl_->hold(info, reader)) return false;
    if (impl_->held.size() < kRecognitionEntries) return true;
    impl_->choose();
    format_ = impl_->format;
    passthrough_ = impl_->reader == nullptr;
    return !impl_->failed && impl_->replay();
}

bool ReaderStage::finish() {
    if (!impl_->decided) {
        impl_->choose();
        format_ = impl_->format;
        passthrough_ = impl_->reader == nullptr;
        if (impl_->failed || !impl_->replay()) return false;
    }
    if (!impl_->reader) return !impl_->failed;
    Impl::Output out(*impl_);
    struct Done {
        sdk::Diagnostics diagnostics;
    };
    const Done d = guarded_call<Done>("reader plugin '" + impl_->reader_name + "' finishing the package", "", [&] {
        Done done;
        impl_->reader->finish(out, done.diagnostics);
        return done;
    });
    impl_->diags.append(d.diagnostics);
    return !impl_->failed;
}

}  // namespace ferry::host
