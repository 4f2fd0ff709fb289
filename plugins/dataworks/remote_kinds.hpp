// What DataWorks holds of each kind ferry lands there, and the calls that list, read, create and
// update it (reference section 5). Data sources are their own shape (grouped by name, no Spec).
#pragma once

#include <functional>
#include <string>

#include "api_client.hpp"
#include "ferry/sdk/destination.hpp"

namespace ferry::dataworks {

struct KindApi {
    sdk::ObjectKind kind;
    const char* list_action;    // ListNodes
    const char* list_field;     // Nodes
    const char* get_action;     // GetNode
    const char* get_field;      // Node
    const char* create_action;  // CreateNode (workflows: ImportWorkflowDefinition, asynchronous)
    const char* update_action;  // UpdateNode
    const char* spec_kind;      // the FlowSpec kind its Spec is written as
    const char* spec_list;      // the spec list that holds the object
};

// Null for kinds DataWorks takes no API call for (tables go to their engine; components, quality
// rules and data services have no call in the API ferry speaks).
const KindApi* kind_api(sdk::ObjectKind kind);

// Every object of the kind, every page (PageSize 100 until TotalCount), filtered by name when
// `name` is given (the API's filter is fuzzy: callers compare exactly). False after an error.
bool list_remote(ApiClient& api, const KindApi& k, const std::string& name,
                 const std::function<void(const sdk::RemoteObject&)>& each, sdk::Diagnostics& diags);
bool list_datasources(ApiClient& api, const std::string& name,
                      const std::function<void(const sdk::RemoteObject&)>& each, sdk::Diagnostics& diags);

// The object's remote change marker (ModifyTime) now; empty after an error.
std::string modify_time_of(ApiClient& api, const KindApi& k, const std::string& id, sdk::Diagnostics& diags);

}  // namespace ferry::dataworks
