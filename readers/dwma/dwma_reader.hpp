// Reader "dwma": the DataWorks Migration Assistant's package ("standard format", PackageType
// DATAWORKS_MODEL), as MigrationX's DataWorksDwmaPackageFileService writes it and its
// ProjectWorkflowLoader reads it (aliyun/dataworks-spec):
//
//   project.xml                                      <DwProject name=...> (may also list objects)
//   src/workflows/<TYPE>_<name>/workflow.xml         <Workflow name type scheduled ...><Nodes><Node>...
//   src/workflows/<TYPE>_<name>/resources/<file>     a resource's bytes (also <TYPE>/<name>/ or <name>/)
//   src/queries/<key>_<name>.xml, src/components/<key>_<name>.xml   one node each
//   src/datasources/<ENV>_<name>.xml                 <DwDatasource ...><Connection>json</Connection>
//   src/tables/<name>.xml                            <DwTable ...><ddl>...</ddl>
//
// It writes the SPEC layout: one FlowSpec document per node at
// DataStudio/<root>/<workflow>/<node>/<node>.schedule.json (a DataWorks business flow is a folder of
// nodes each scheduled on its own, as MigrationX's NodeSpecAdapter writes them), resources beside
// their documents, functions and tables as documents, data sources under DataSource/.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "ferry/sdk/reader.hpp"

namespace ferry::reader::dwma {

class DwmaReader : public sdk::Reader {
  public:
    sdk::Recognition recognize(const std::vector<sdk::EntryPeek>& first) override;
    void read_entry(const std::string& path, sdk::EntryBytes& bytes, sdk::ReaderOutput& out,
                    sdk::Diagnostics& diags) override;
    void finish(sdk::ReaderOutput& out, sdk::Diagnostics& diags) override;

  private:
    struct Held {
        std::string entry;  // as the package names it
        std::string dir;    // for workflows: the folder below src/workflows/
        std::string text;
    };
    struct ResourceFile {
        std::string relative;  // below the workflow's resources/
        std::string written;   // where it was written
        bool claimed = false;
    };

    bool hold(const std::string& path, const std::string& dir, sdk::EntryBytes& bytes, std::vector<Held>& into,
              sdk::Diagnostics& diags);
    std::string unique_path(const std::string& path);

    std::string base_;  // the folder holding project.xml, with its '/', when the package has one
    bool base_known_ = false;
    std::unique_ptr<Held> project_;
    std::vector<Held> workflows_, datasources_, tables_, queries_, components_;
    std::map<std::string, std::vector<ResourceFile>> resource_files_;  // workflow folder -> files
    std::set<std::string> written_;
};

}  // namespace ferry::reader::dwma
