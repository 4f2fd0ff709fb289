// The plugin contract: one exported entry per library returning a plain descriptor that the host
// checks before it creates anything.
//
// Rules both sides keep:
//   - no exception crosses the boundary: FERRY_PLUGIN wraps the factory and turns a throw into a
//     diagnostic; every interface call returns diagnostics in its response struct;
//   - the host keeps the library loaded as long as any object it created lives;
//   - request/response structs only grow at their end (ABI minor) so fields can be added.
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <type_traits>

#include "ferry/sdk/abi.hpp"
#include "ferry/sdk/config.hpp"
#include "ferry/sdk/diagnostic.hpp"

#if defined(_WIN32)
#define FERRY_SDK_EXPORT __declspec(dllexport)
#else
#define FERRY_SDK_EXPORT __attribute__((visibility("default")))
#endif

namespace ferry::sdk {

// 3 was "committer" (SDK 0.1 and 0.2): committers now come from a destination.
enum class PluginKind : std::uint32_t { source = 1, engine = 2, destination = 4, reader = 5 };

inline const char* to_string(PluginKind k) {
    switch (k) {
        case PluginKind::source: return "source";
        case PluginKind::engine: return "engine";
        case PluginKind::destination: return "destination";
        case PluginKind::reader: return "reader";
    }
    return "unknown";
}

// What the host offers every plugin object.
class FERRY_SDK_EXPORT HostServices {
  public:
    virtual ~HostServices() = default;
    // A line for the user's log (stderr or the server log). Never pass a secret.
    virtual void log(Severity severity, const std::string& message) = 0;
};

// Base of every object a plugin creates. Virtual destructor: the host deletes through it, while the
// library that holds the code is still loaded.
class FERRY_SDK_EXPORT PluginObject {
  public:
    virtual ~PluginObject() = default;
};

struct CreateContext {
    const Config* config = nullptr;     // validated against the descriptor's schema
    HostServices* host = nullptr;       // never null
    std::string instance_name;          // e.g. the engine instance's name; may be empty
};

using FactoryFn = PluginObject* (*)(const CreateContext& ctx, Diagnostics& diags) noexcept;

// Plain data, read by the host before any plugin code runs but the entry function.
struct PluginDescriptor {
    std::uint32_t struct_size;  // sizeof(PluginDescriptor) as the plugin was built
    std::uint32_t abi_major;
    std::uint32_t abi_minor;
    PluginKind kind;
    const char* name;           // unique among all plugins: letters, digits, "_", "-" and "." ("local", "maxcompute")
    const char* version;        // the plugin's own version
    const char* build_id;       // FERRY_SDK_BUILD_ID as the plugin was built
    const char* summary;        // one line for `ferry plugins`
    const ConfigKey* schema;
    std::uint32_t schema_size;
    FactoryFn create;
    // What the plugin takes charge of, readable before anything is created, as "what:value"
    // strings: "command:ODPS_SQL", "datasource:odps", "table:MaxCompute", "resource:ODPS_JAR",
    // "function:ODPS_FUNCTION" for engines; "kind:node" (the kinds it takes) for destinations. May be empty.
    const char* const* owns;
    std::uint32_t owns_size;
};

using EntryFn = const PluginDescriptor* (*)();

class Source;
class Engine;
class Destination;
class Reader;

namespace detail {
// The interface a plugin of each kind implements: FERRY_PLUGIN checks the factory against it.
template <PluginKind K>
struct interface_of;
template <>
struct interface_of<PluginKind::source> {
    using type = Source;
};
template <>
struct interface_of<PluginKind::engine> {
    using type = Engine;
};
template <>
struct interface_of<PluginKind::destination> {
    using type = Destination;
};
template <>
struct interface_of<PluginKind::reader> {
    using type = Reader;
};
// What a factory makes: T of the std::unique_ptr<T> it returns.
template <typename Fn>
using made_by = typename std::invoke_result_t<std::decay_t<Fn>, const CreateContext&, Diagnostics&>::element_type;
template <PluginKind K, typename Made>
inline constexpr bool makes_kind = std::is_base_of_v<typename interface_of<K>::type, Made>;

template <typename T, std::size_t N>
constexpr std::uint32_t count(const T (&)[N]) { return static_cast<std::uint32_t>(N); }
constexpr std::uint32_t count(std::nullptr_t) { return 0; }
template <typename T, std::size_t N>
constexpr const T* first(const T (&a)[N]) { return a; }
constexpr std::nullptr_t first(std::nullptr_t) { return nullptr; }
// Runs a user factory returning std::unique_ptr<T>, turning exceptions into diagnostics.
template <typename Fn>
PluginObject* guarded_create(Fn&& fn, const CreateContext& ctx, Diagnostics& diags) noexcept {
    try {
        auto obj = fn(ctx, diags);
        return obj.release();
    } catch (const std::exception& e) {
        diags.error("FERRY-PLUGIN-CREATE", std::string("the plugin threw while being created: ") + e.what());
    } catch (...) {
        diags.error("FERRY-PLUGIN-CREATE", "the plugin threw an unknown exception while being created");
    }
    return nullptr;
}
}  // namespace detail

}  // namespace ferry::sdk

// Writes the library's one entry. FACTORY is a callable
//   std::unique_ptr<T> (const ferry::sdk::CreateContext&, ferry::sdk::Diagnostics&)
// with T derived from the interface of KIND (Source, Engine, Destination, Reader), checked at compile time:
// the host casts what the factory returns to that interface, so a mismatch would be undefined
// behaviour at run time. SCHEMA is a static array of ConfigKey (or nullptr); OWNS a static array
// of const char* (or nullptr).
//
//   static const ferry::sdk::ConfigKey kSchema[] = {{"path", ValueType::string, true, nullptr, "..."}};
//   FERRY_PLUGIN(source, "local", "0.1.0", "Reads a package from a local file", kSchema, nullptr, make_local)
#define FERRY_PLUGIN(KIND, NAME, VERSION, SUMMARY, SCHEMA, OWNS, FACTORY)                             \
    static_assert(::ferry::sdk::detail::makes_kind<::ferry::sdk::PluginKind::KIND,                      \
                                                   ::ferry::sdk::detail::made_by<decltype(FACTORY)>>,    \
                  "FERRY_PLUGIN(" #KIND ", ...): the factory must make a class derived from the "       \
                  #KIND " interface");                                                                  \
    static ::ferry::sdk::PluginObject* ferry_plugin_create_(const ::ferry::sdk::CreateContext& ctx,    \
                                                            ::ferry::sdk::Diagnostics& diags) noexcept { \
        return ::ferry::sdk::detail::guarded_create(FACTORY, ctx, diags);                              \
    }                                                                                                   \
    extern "C" FERRY_SDK_EXPORT const ::ferry::sdk::PluginDescriptor* ferry_plugin_entry_v1() {       \
        static const ::ferry::sdk::PluginDescriptor d{                                                 \
            sizeof(::ferry::sdk::PluginDescriptor),                                                    \
            FERRY_SDK_ABI_MAJOR,                                                                       \
            FERRY_SDK_ABI_MINOR,                                                                       \
            ::ferry::sdk::PluginKind::KIND,                                                            \
            NAME,                                                                                      \
            VERSION,                                                                                   \
            FERRY_SDK_BUILD_ID,                                                                        \
            SUMMARY,                                                                                   \
            ::ferry::sdk::detail::first(SCHEMA),                                                       \
            ::ferry::sdk::detail::count(SCHEMA),                                                       \
            &ferry_plugin_create_,                                                                     \
            ::ferry::sdk::detail::first(OWNS),                                                         \
            ::ferry::sdk::detail::count(OWNS)};                                                        \
        return &d;                                                                                     \
    }
