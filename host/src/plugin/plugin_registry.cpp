#include "plugin/plugin_registry.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <sstream>

#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/dll/shared_library.hpp>

namespace ferry::host {
namespace fs = std::filesystem;

namespace {

class StderrServices : public sdk::HostServices {
  public:
    void log(sdk::Severity severity, const std::string& message) override {
        std::cerr << sdk::to_string(severity) << ": " << message << "\n";
    }
};

bool valid_plugin_name(const char* name) {
    if (name == nullptr || *name == '\0' || std::strlen(name) > 64) return false;
    for (const char* p = name; *p; ++p) {
        const char c = *p;
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) return false;
    }
    return true;
}

std::string text_or(const char* s, const char* fallback) { return s ? std::string(s) : std::string(fallback); }

}  // namespace

std::string host_abi_text() {
    std::ostringstream out;
    out << "SDK ABI " << FERRY_SDK_ABI_MAJOR << "." << FERRY_SDK_ABI_MINOR << " (minor 0.." << FERRY_SDK_ABI_MINOR
        << "), build id " << FERRY_SDK_BUILD_ID;
    return out.str();
}

struct PluginRegistry::Library {
    boost::dll::shared_library lib;
};

namespace {
void lower_in_place(std::string& s) {
    for (char& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
}
}  // namespace

PluginRegistry::PluginRegistry() : services_(std::make_unique<StderrServices>()) {}

// Libraries are deliberately never unloaded (objects they made may still be referenced by
// callers holding shared_ptrs; those hold the Library alive through their deleters).
PluginRegistry::~PluginRegistry() = default;

sdk::HostServices& PluginRegistry::host_services() const { return *services_; }

std::vector<fs::path> PluginRegistry::default_folders(const std::vector<std::string>& plugin_dirs) {
    std::vector<fs::path> out;
    for (const auto& d : plugin_dirs) out.emplace_back(d);
    if (const char* env = std::getenv("FERRY_PLUGIN_PATH")) {
        std::stringstream ss(env);
        std::string part;
        while (std::getline(ss, part, ':'))
            if (!part.empty()) out.emplace_back(part);
    }
    std::error_code ec;  // BOOST_DLL_USE_STD_FS: std types throughout
    auto exe = boost::dll::program_location(ec);
    if (!ec) out.push_back(fs::path(exe).parent_path().parent_path() / "lib" / "ferry" / "plugins");
    return out;
}

void PluginRegistry::discover(const std::vector<fs::path>& folders) {
    for (const auto& folder : folders) {
        std::error_code ec;
        if (!fs::is_directory(folder, ec)) continue;
        std::vector<fs::path> files;
        for (const auto& entry : fs::directory_iterator(folder, ec)) {
            if (!entry.is_regular_file(ec)) continue;
            if (entry.path().extension() == ".so") files.push_back(entry.path());
        }
        std::sort(files.begin(), files.end());  // a stable order makes "duplicate" deterministic
        for (const auto& f : files) load(f);
    }
}

bool PluginRegistry::load(const fs::path& file) {
    const std::string path = file.string();
    auto refuse = [&](std::string code, std::string message) {
        rejected_.push_back({path, std::move(code), std::move(message)});
        return false;
    };

    auto library = std::make_shared<Library>();
    try {
        library->lib.load(boost::dll::fs::path(file), boost::dll::load_mode::rtld_lazy | boost::dll::load_mode::rtld_local);
    } catch (const std::exception& e) {
        return refuse("FERRY-PLUGIN-NOT-LIBRARY",
                      path + " is not a loadable shared library (" + e.what() +
                          "); remove it from the plugin folder or rebuild it as a ferry plugin");
    }
    if (!library->lib.has(FERRY_PLUGIN_ENTRY_SYMBOL)) {
        return refuse("FERRY-PLUGIN-NO-ENTRY", path + " has no entry symbol '" FERRY_PLUGIN_ENTRY_SYMBOL
                                                      "': it is not a ferry plugin (write its entry with FERRY_PLUGIN)");
    }
    const sdk::PluginDescriptor* d = nullptr;
    try {
        auto entry = library->lib.get<const sdk::PluginDescriptor*()>(FERRY_PLUGIN_ENTRY_SYMBOL);
        d = entry();
    } catch (const std::exception& e) {
        return refuse("FERRY-PLUGIN-NO-ENTRY", path + ": calling the entry failed: " + e.what());
    }
    // The fields up to abi_minor are frozen forever, so they can be read before anything else.
    if (d == nullptr || d->struct_size < offsetof(sdk::PluginDescriptor, kind)) {
        return refuse("FERRY-PLUGIN-DESCRIPTOR", path + ": the entry returned no usable descriptor");
    }
    const std::string shown_name = d->struct_size >= offsetof(sdk::PluginDescriptor, version) && d->name
                                       ? std::string("'") + d->name + "'"
                                       : std::string("(unnamed)");
    const std::string who = "plugin " + shown_name + " (" + path + ")";
    if (d->abi_major != FERRY_SDK_ABI_MAJOR || d->abi_minor > FERRY_SDK_ABI_MINOR) {
        std::ostringstream m;
        m << who << " was built for SDK ABI " << d->abi_major << "." << d->abi_minor << "; this host accepts ABI "
          << FERRY_SDK_ABI_MAJOR << ".0 to " << FERRY_SDK_ABI_MAJOR << "." << FERRY_SDK_ABI_MINOR
          << ". Rebuild the plugin against ferry SDK " FERRY_SDK_VERSION;
        return refuse("FERRY-PLUGIN-ABI", m.str());
    }
    if (d->struct_size < offsetof(sdk::PluginDescriptor, owns)) {
        return refuse("FERRY-PLUGIN-DESCRIPTOR", who + ": descriptor too small (" + std::to_string(d->struct_size) +
                                                     " bytes) for ABI " + std::to_string(d->abi_major));
    }
    const std::string build_id = text_or(d->build_id, "(none)");
    if (build_id != FERRY_SDK_BUILD_ID) {
        return refuse("FERRY-PLUGIN-BUILD-ID", who + " was built as '" + build_id + "'; this host accepts '" +
                                                   FERRY_SDK_BUILD_ID +
                                                   "'. Rebuild the plugin with the same compiler, standard "
                                                   "library and SDK as the host");
    }
    if (d->kind != sdk::PluginKind::source && d->kind != sdk::PluginKind::engine &&
        d->kind != sdk::PluginKind::destination && d->kind != sdk::PluginKind::reader) {
        return refuse("FERRY-PLUGIN-KIND", who + " declares kind " + std::to_string(static_cast<unsigned>(d->kind)) +
                                               "; this host accepts source (1), engine (2), destination (4) and reader (5)");
    }
    if (!valid_plugin_name(d->name)) {
        return refuse("FERRY-PLUGIN-DESCRIPTOR",
                      who + ": the plugin name must be 1 to 64 letters, digits, '_', '-' or '.'");
    }
    if (d->create == nullptr) return refuse("FERRY-PLUGIN-DESCRIPTOR", who + ": the descriptor has no factory");
    if (const PluginInfo* other = find(d->name)) {
        return refuse("FERRY-PLUGIN-DUPLICATE", "plugin '" + std::string(d->name) + "' in " + path +
                                                    " is refused: a plugin of that name is already loaded from " +
                                                    other->path + ". Remove one of the two files");
    }

    PluginInfo info;
    info.path = path;
    info.name = d->name;
    info.kind = d->kind;
    info.version = text_or(d->version, "");
    info.build_id = build_id;
    info.summary = text_or(d->summary, "");
    info.abi_major = d->abi_major;
    info.abi_minor = d->abi_minor;
    for (std::uint32_t i = 0; i < d->schema_size && d->schema; ++i) info.schema.push_back(d->schema[i]);
    if (d->struct_size >= sizeof(sdk::PluginDescriptor))
        for (std::uint32_t i = 0; i < d->owns_size && d->owns; ++i)
            if (d->owns[i]) info.owns.emplace_back(d->owns[i]);
    if (info.kind == sdk::PluginKind::engine) {
        for (std::string key : info.owns) {
            lower_in_place(key);
            engine_owns_.emplace(std::move(key), plugins_.size());  // an earlier plugin keeps its claim
        }
    }
    plugins_.push_back(std::move(info));
    libraries_.push_back(std::move(library));
    return true;
}

const PluginInfo* PluginRegistry::find(const std::string& name) const {
    for (const auto& p : plugins_)
        if (p.name == name) return &p;
    return nullptr;
}

const PluginInfo* PluginRegistry::find(sdk::PluginKind kind, const std::string& name) const {
    const PluginInfo* p = find(name);
    return p && p->kind == kind ? p : nullptr;
}

const PluginInfo* PluginRegistry::engine_owning(const std::string& what, const std::string& value) const {
    if (engine_owns_.empty()) return nullptr;
    thread_local std::string key;  // no allocation per object once it has grown
    key.assign(what).append(1, ':').append(value);
    lower_in_place(key);
    const auto it = engine_owns_.find(key);
    return it == engine_owns_.end() ? nullptr : &plugins_[it->second];
}

std::shared_ptr<sdk::PluginObject> PluginRegistry::create(const PluginInfo& plugin, const sdk::Config& config,
                                                          const std::string& instance_name,
                                                          sdk::Diagnostics& diags) const {
    const std::size_t index = static_cast<std::size_t>(&plugin - plugins_.data());
    if (index >= plugins_.size()) {
        diags.error("FERRY-PLUGIN-UNKNOWN", "plugin '" + plugin.name + "' is not loaded by this registry");
        return nullptr;
    }
    std::shared_ptr<Library> library = libraries_[index];
    auto entry = library->lib.get<const sdk::PluginDescriptor*()>(FERRY_PLUGIN_ENTRY_SYMBOL);
    const sdk::PluginDescriptor* d = entry();
    sdk::CreateContext ctx;
    ctx.config = &config;
    ctx.host = services_.get();
    ctx.instance_name = instance_name;
    sdk::Diagnostics local;
    sdk::PluginObject* raw = d->create(ctx, local);
    for (auto& item : local.items()) {
        if (item.where.empty()) item.where = "plugin " + plugin.name;
        diags.add(item);
    }
    if (raw == nullptr) {
        if (!local.has_errors())
            diags.error("FERRY-PLUGIN-CREATE", "plugin '" + plugin.name + "' returned nothing when created",
                        "the plugin reported no reason; see its documentation", plugin.path);
        return nullptr;
    }
    // The deleter holds the library: it stays loaded while the object lives.
    return std::shared_ptr<sdk::PluginObject>(raw, [library](sdk::PluginObject* p) { delete p; });
}

}  // namespace ferry::host
