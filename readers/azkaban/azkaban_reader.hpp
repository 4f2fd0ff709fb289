// Reader "azkaban": an Azkaban project (the zip uploaded to Azkaban): Flow 1.0 `.job` and
// `.properties` files, or Flow 2.0 `*.flow` YAML with a `*.project` file saying
// `azkaban-flow-version: 2.0` (azkaban_flows.hpp says how flows are found). Each flow becomes a
// FlowSpec workflow (DataStudio/Business Flow/<flow>/<flow>.schedule.json, version 1.2.0) whose nodes
// are its jobs, with their commands as code, their dependencies, retries and the parameters their
// code uses, valued from the properties they inherit; an embedded flow becomes a `subflow` node.
// Every other file of the project becomes a file resource. What FlowSpec has no field for stays
// under "azkaban".
//
// Azkaban keeps schedules on its server, not in the project: a flow without a Flow 2.0 trigger
// lands as a periodic workflow paused on a placeholder daily schedule, and the reader says so.
//
// Its recogniser also names two families ferry does not read, so the host can say what a package
// is instead of calling it empty: an Airflow DAG folder (Python files importing airflow and making
// a DAG) and an Oozie application (workflow.xml with <workflow-app>, coordinator.xml, bundle.xml).
#pragma once

#include <string>
#include <vector>

#include "ferry/sdk/reader.hpp"

namespace ferry::reader::azkaban {

class AzkabanReader : public sdk::Reader {
  public:
    sdk::Recognition recognize(const std::vector<sdk::EntryPeek>& first) override;
    void read_entry(const std::string& path, sdk::EntryBytes& bytes, sdk::ReaderOutput& out,
                    sdk::Diagnostics& diags) override;
    void finish(sdk::ReaderOutput& out, sdk::Diagnostics& diags) override;

  private:
    struct Text {
        std::string path;
        std::string text;
    };
    // A file of the project that is no job, flow or properties file: a resource.
    struct Other {
        std::string path;
        std::string bytes;    // held when small enough
        std::string written;  // already written (a large file, streamed) at this path
    };

    std::vector<Text> jobs_, properties_, flows_, projects_;
    std::vector<Other> others_;
};

}  // namespace ferry::reader::azkaban
