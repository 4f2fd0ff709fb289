// Destination plugins: where an import lands. A task names one (`[workspace] destination`, default
// "catalog": ferry's own workspace catalog); the plugin hands the host a committer per object kind
// it takes, and, when it is a remote system (a DataWorks workspace), lists what that system holds so
// the plan can compare before anything changes.
//
// What stays the host's: the plan, the journal, the workspace lock, and ferry's record of every
// object it landed (the catalog's objects, with the remote id and the remote's change marker the
// committer returned). A committer lands one object remotely, then stores the record through
// CommitRequest::workspace; the host verifies the record's fingerprint afterwards.
#pragma once

#include <string>

#include "ferry/sdk/committer.hpp"
#include "ferry/sdk/diagnostic.hpp"
#include "ferry/sdk/object.hpp"
#include "ferry/sdk/plugin.hpp"

namespace ferry::sdk {

// One object a remote destination holds, as the plan needs it.
struct RemoteObject {
    ObjectKind kind = ObjectKind::node;
    std::string name;
    std::string remote_id;       // the destination's id, as text (DataWorks ids exceed 2^53)
    std::string remote_version;  // what changes when anyone changes it there (DataWorks: ModifyTime)
    std::string path;            // where it sits there, when the destination has paths
};

// Receives a listing, one object at a time (a listing of 100,000 objects is never one vector).
class FERRY_SDK_EXPORT RemoteListing {
  public:
    virtual ~RemoteListing() = default;
    virtual void add(const RemoteObject& object) = 0;
};

class FERRY_SDK_EXPORT Destination : public PluginObject {
  public:
    // One line for plans and reports: "DataWorks project 123456 at https://dataworks...".
    virtual std::string describe() const = 0;
    // Whether objects of this kind live in the destination itself, so the plan lists them there and
    // compares. False when ferry's catalog (with the object's engine) is where they land: every kind
    // for the catalog destination; tables for DataWorks, whose tables are their engine's.
    virtual bool holds(ObjectKind kind) const = 0;
    // Everything of a kind it holds (every page). False after adding an error.
    virtual bool list(ObjectKind kind, RemoteListing& out, Diagnostics& diags) = 0;
    // The committer for this kind, owned by the destination and valid while it lives; null when
    // the destination takes no such object (the host then fails those objects by name).
    virtual Committer* committer(ObjectKind kind) = 0;
};

}  // namespace ferry::sdk
