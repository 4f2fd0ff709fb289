// What a DolphinScheduler project uses besides its processes, as FlowSpec objects: data sources
// (without their secrets), resources (their bytes beside them) and UDFs (functions).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "ds_model.hpp"
#include "ferry/sdk/diagnostic.hpp"
#include "workflow_document.hpp"

namespace ferry::reader::ds {

// Where a resource's bytes go in the output, from its full name in the resource centre.
std::string resource_output_path(const std::string& full_name);

// Data source id -> the name its document (and every node using it) carries.
std::map<std::string, std::string> datasource_names(const std::vector<DataSource>& datasources, sdk::Diagnostics& diags);

// DataSource/<type>/<type>/PRD/<name>/<name>.json, config and original without secret fields.
Document datasource_document(const DataSource& ds, const std::string& name, sdk::Diagnostics& diags);

// DataStudio/资源/<full name>.schedule.json for each resource listed or present as a file.
std::vector<Document> resource_documents(const Export& exp, sdk::Diagnostics& diags);

// DataStudio/函数/<name>.schedule.json for each UDF; fills id -> function name.
std::vector<Document> function_documents(const Export& exp, std::map<std::string, std::string>& names,
                                         sdk::Diagnostics& diags);

}  // namespace ferry::reader::ds
