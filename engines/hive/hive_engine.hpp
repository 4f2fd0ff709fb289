// Hive-family engines (EMR, CDH): ownership, rewrite and Hive DDL rendering. Committing needs
// HiveServer2, which ferry does not speak: apply() reports the rendered statements as not executed
// (a stable error code), so `plan` and the report show exactly what would run.
#pragma once

#include <memory>
#include <string>

#include "ferry/sdk/config.hpp"
#include "ferry/sdk/engine.hpp"
#include "ferry/sdk/plugin.hpp"

namespace ferry::engines::hive {

inline constexpr sdk::ConfigKey kSchema[] = {
    {"database", sdk::ValueType::string, true, nullptr, "Hive database that receives tables and functions"},
    {"cluster_id", sdk::ValueType::string, false, nullptr, "the cluster's id, shown in messages"},
    {"create_database", sdk::ValueType::boolean, false, "false", "render CREATE DATABASE IF NOT EXISTS before tables"},
};

struct HiveSettings {
    std::string database;
    std::string cluster_id;
    bool create_database = false;
};

class HiveEngine : public sdk::Engine {
  public:
    // kind: "EMR" or "CDH", for messages.
    HiveEngine(std::string kind, std::string instance, HiveSettings settings);

    std::string dialect() const override { return "hive"; }
    sdk::RewriteResponse rewrite(const sdk::RewriteRequest& request) override;
    sdk::TableResponse render_table(const sdk::TableRequest& request) override;
    sdk::FunctionResponse render_function(const sdk::FunctionRequest& request) override;
    sdk::ExistsResponse exists(const sdk::ExistsRequest& request) override;
    sdk::ApplyResponse apply(const sdk::ApplyRequest& request) override;

  private:
    std::string label() const;
    std::string kind_;
    std::string instance_;
    HiveSettings settings_;
};

std::unique_ptr<HiveEngine> make_engine(const char* kind, const sdk::CreateContext& ctx, sdk::Diagnostics& diags);

}  // namespace ferry::engines::hive
