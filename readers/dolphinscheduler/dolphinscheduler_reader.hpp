// Reader "dolphinscheduler": Apache DolphinScheduler exports as a SPEC package.
//
//   1.3.x whole-project export   package_info.json, projects.json,
//                                projects/<project>/processDefinition/process_definitions_page_N.json,
//                                datasource/datasource_page_N.json, udfFunction/udf_function_page_N.json,
//                                resource/resources.json and the resource files below resource/
//   2.x / 3.x                    the same layout with workflow definitions in the pages, or a lone
//                                workflow-definition JSON ([{processDefinition, processTaskRelationList,
//                                taskDefinitionList, schedule}], 3.3: workflowDefinition...)
//
// Entries are read as they come (resource bytes pass straight through); the documents are written
// at the end, when every process, data source and resource is known, since they point at each
// other. docs/_reader_dolphinscheduler.md has the mapping.
#pragma once

#include <memory>
#include <string>

#include "ferry/sdk/reader.hpp"

namespace ferry::reader::ds {

std::unique_ptr<sdk::Reader> make_dolphinscheduler_reader();

// What an entry of a DolphinScheduler export is, from its path below the export's root.
enum class EntryKind { package_info, projects, process_page, datasources, udfs, resource_list, resource_file, definition, other };
EntryKind classify_entry(const std::string& relative_path, std::string& detail);

}  // namespace ferry::reader::ds
