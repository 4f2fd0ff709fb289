// DWMA objects (the XML elements Jackson writes for MigrationX's Node, Resource, Function, Table and
// Datasource entities) as FlowSpec entries. What FlowSpec has no field for stays in the entry under
// "dwma", as the XML had it, so nothing is lost.
//
// Learned from aliyun/dataworks-spec (client/migrationx/migrationx-domain/migrationx-domain-dataworks):
// objects/entity/{Node,NodeIo,NodeContext,Resource,DwResource,Function,Table,Datasource,Workflow,
// Project,DmObject}.java (the XML names), objects/types/{NodeUseType,RerunMode,DependentType,
// WorkflowType}.java, service/spec/handler/BasicNodeSpecHandler.java and service/spec/NodeSpecAdapter.java
// (MigrationX's own DataWorks node -> FlowSpec mapping, which this one follows and extends: a
// `dependentType` of CHILD alone, which upstream drops, is kept).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "ferry/sdk/diagnostic.hpp"
#include "xml_document.hpp"

namespace ferry::reader::dwma {

using json = nlohmann::ordered_json;

// Where an object is read from, for diagnostics and for ids that stay the same on every read.
struct Origin {
    std::string entry;     // the package entry
    std::string id_scope;  // what makes an id unique: workflow folder, file...
};

// Deterministic FlowSpec id for an object without one of its own.
std::string stable_id(const std::string& key);

// The element as JSON: attributes and children by name (a repeated child becomes an array), the text
// of a leaf as a string. Used for whatever has no FlowSpec field.
json xml_as_json(const XmlElement& e);

// A node (a workflow's Node, an ad-hoc query, a component), with its inner nodes nested as FlowSpec
// containers. `flow` receives the node's flow entry (its dependencies), null when it has none.
// `scheduled` is the workflow's `scheduled` attribute, used when the node gives no `useType`.
json node_entry(const XmlElement& n, const Origin& origin, bool scheduled, json& flow, sdk::Diagnostics& diags);

// The FlowSpec document kind for a node: CycleWorkflow, ManualNode, ManualWorkflow...
std::string node_kind(const XmlElement& n, bool scheduled);

json resource_entry(const XmlElement& r, const Origin& origin, const std::string& file_path);
json function_entry(const XmlElement& f, const Origin& origin, sdk::Diagnostics& diags);
json table_entry(const XmlElement& t, const Origin& origin, sdk::Diagnostics& diags);
json datasource_entry(const XmlElement& d, const Origin& origin);
// A component node as a FlowSpec component.
json component_entry(const XmlElement& n, const Origin& origin, sdk::Diagnostics& diags);

// A data source's environment folder: PRD or DEV (DEV when none is given, as MigrationX writes it).
std::string datasource_environment(const XmlElement& d);

// An attribute's value, empty when absent.
std::string attr(const XmlElement& e, const std::string& key);

}  // namespace ferry::reader::dwma
