// Loads a built source plugin module the way the host does (dlopen, the entry symbol, the
// descriptor's schema and factory), so plugin tests exercise the real shared library.
#pragma once

#include <dlfcn.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "ferry/sdk/sdk.hpp"

namespace ferry::source::testing {

class PluginHarness {
  public:
    explicit PluginHarness(const std::string& path) {
        // Never dlclose: objects and Poco state from the module may outlive any one test.
        handle_ = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (!handle_) {
            error_ = ::dlerror();
            return;
        }
        auto entry = reinterpret_cast<sdk::EntryFn>(::dlsym(handle_, FERRY_PLUGIN_ENTRY_SYMBOL));
        if (!entry) {
            error_ = "no entry symbol";
            return;
        }
        descriptor_ = entry();
    }

    const std::string& error() const { return error_; }
    const sdk::PluginDescriptor* descriptor() const { return descriptor_; }

    // Builds a Config the way the host's validation does: known keys only, typed, defaults applied.
    bool make_config(const std::map<std::string, std::string>& values, sdk::Config& config, std::string& error) const {
        for (const auto& [k, v] : values) {
            bool known = false;
            for (std::uint32_t i = 0; i < descriptor_->schema_size; ++i) known |= k == descriptor_->schema[i].name;
            if (!known) {
                error = "unknown key " + k;
                return false;
            }
        }
        config.where = "test.toml:1:1";
        for (std::uint32_t i = 0; i < descriptor_->schema_size; ++i) {
            const sdk::ConfigKey& key = descriptor_->schema[i];
            auto it = values.find(key.name);
            if (it == values.end() && !key.default_value) {
                if (key.required) {
                    error = std::string("missing required key ") + key.name;
                    return false;
                }
                continue;
            }
            sdk::ConfigValue v;
            v.type = key.type;
            v.text = it != values.end() ? it->second : key.default_value;
            v.where = it != values.end() ? std::string("test.toml:2:1") : "default";
            if (key.type == sdk::ValueType::integer || key.type == sdk::ValueType::size) v.integer = std::stoll(v.text);
            if (key.type == sdk::ValueType::boolean) v.boolean = v.text == "true";
            config.values[key.name] = v;
        }
        return true;
    }

    std::unique_ptr<sdk::Source> create(const std::map<std::string, std::string>& values, sdk::Diagnostics& diags,
                                        sdk::HostServices& host) const {
        sdk::Config config;
        std::string error;
        if (!make_config(values, config, error)) {
            diags.error("TEST-HARNESS-CONFIG", error);
            return nullptr;
        }
        sdk::CreateContext ctx;
        ctx.config = &config;
        ctx.host = &host;
        sdk::PluginObject* obj = descriptor_->create(ctx, diags);
        if (!obj) return nullptr;
        auto* source = dynamic_cast<sdk::Source*>(obj);
        if (!source) {
            delete obj;
            diags.error("TEST-HARNESS-KIND", "the plugin did not create a Source");
            return nullptr;
        }
        return std::unique_ptr<sdk::Source>(source);
    }

  private:
    void* handle_ = nullptr;
    const sdk::PluginDescriptor* descriptor_ = nullptr;
    std::string error_;
};

}  // namespace ferry::source::testing
