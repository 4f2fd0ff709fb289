// The catalog: the state that must outlive a run (workspaces and their objects, import tasks, the
// per-object journal, workspace locks), on an SQLite file or a shared PostgreSQL database.
//
// Plain structs in, plain structs out; failures are sdk::Diagnostics with codes FERRY-CATALOG-NNN.
// No Poco type appears here (pimpl), since much of the host includes this header.
// A Catalog is one database connection: use it from one thread at a time; open one per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ferry/sdk/diagnostic.hpp"
#include "ferry/sdk/object.hpp"

namespace ferry::catalog {

// Stable diagnostic codes; tests and scripts match on them.
namespace codes {
inline constexpr const char* bad_uri = "FERRY-CATALOG-001";
inline constexpr const char* cannot_open = "FERRY-CATALOG-002";
inline constexpr const char* schema_too_new = "FERRY-CATALOG-003";
inline constexpr const char* migration_failed = "FERRY-CATALOG-004";
inline constexpr const char* database_error = "FERRY-CATALOG-005";
inline constexpr const char* task_exists = "FERRY-CATALOG-006";
inline constexpr const char* task_not_found = "FERRY-CATALOG-007";
inline constexpr const char* task_state_mismatch = "FERRY-CATALOG-008";
inline constexpr const char* transaction_failed = "FERRY-CATALOG-009";
inline constexpr const char* password_in_uri = "FERRY-CATALOG-010";
}  // namespace codes

// Task states: the API's names, plus QUEUED (ferry's own: waiting for a `ferry worker` to claim it).
namespace task_state {
inline constexpr const char* editing = "EDITING";
inline constexpr const char* queued = "QUEUED";
inline constexpr const char* importing = "IMPORTING";
inline constexpr const char* import_success = "IMPORT_SUCCESS";
inline constexpr const char* partial_success = "PARTIAL_SUCCESS";
inline constexpr const char* import_error = "IMPORT_ERROR";
inline constexpr const char* revoked = "REVOKED";
// Export tasks (the product's DataWorks export).
inline constexpr const char* exporting = "EXPORTING";
inline constexpr const char* export_success = "EXPORT_SUCCESS";
inline constexpr const char* export_error = "EXPORT_ERROR";
}  // namespace task_state

enum class Backend { sqlite, postgresql };

// A parsed catalog URI. `connect` is what the database driver receives and may hold a password;
// `display` never does.
struct CatalogUri {
    Backend backend = Backend::sqlite;
    std::string connect;  // SQLite: the file path; PostgreSQL: a libpq key=value string
    std::string display;  // safe to print and log
};

// Accepted forms:
//   sqlite:PATH                                  (relative to the working directory)
//   postgresql:host=... port=... dbname=... user=...   (any libpq key=value string)
//   postgresql://user@host:port/dbname?key=value (libpq parameters in the query)
// A password comes from PGPASSWORD (libpq reads it) or a libpq `password=` key, never from the
// URL form's user:password@ (refused, so it cannot end up in shell history and logs unnoticed).
std::optional<CatalogUri> parse_uri(const std::string& uri, sdk::Diagnostics& diags);

// Replaces the value of every `password=` key and any `user:secret@` in text with `***`.
std::string scrub_secrets(std::string text);

// Now as ISO-8601 UTC with milliseconds, e.g. 2026-11-02T09:15:04.120Z (sorts as text).
std::string now_iso8601_utc();

struct Workspace {
    std::string name;
    std::string created_at;
};

struct Task {
    std::string name;  // primary key
    std::string workspace;
    std::string state = task_state::editing;
    std::string remarks;
    std::string settings;  // the task TOML text as given
    std::string config_path;
    std::string package_path;
    std::int64_t package_size = 0;
    std::string package_sha256;
    std::string source_plugin;
    std::string importer;
    std::string created_by;
    std::string created_at;  // set by create_task when empty
    std::string started_at;
    std::string finished_at;
    std::string report;  // JSON text
    std::string claimed_by;
    std::string claimed_at;
    std::string kind = "import";  // import | export (v4)
};

enum class JournalStatus { pending, succeeded, failed, conflict, unchanged, skipped };
const char* to_string(JournalStatus s);
std::optional<JournalStatus> journal_status_from_string(const std::string& s);
std::optional<sdk::ObjectKind> object_kind_from_string(const std::string& s);
std::optional<sdk::Action> action_from_string(const std::string& s);

// One object's outcome in one task; the key is (task, kind, name).
struct JournalEntry {
    std::string task;
    sdk::ObjectKind kind = sdk::ObjectKind::node;
    std::string name;
    sdk::Action action = sdk::Action::create;
    JournalStatus status = JournalStatus::pending;
    std::string message;
    std::string owner_before;
    std::string owner_after;
    std::string engine_instance;
    std::string sha256;
    std::string updated_at;  // set by upsert_journal
    std::string changes;     // JSON array of {path, before, after}: what the task's mappings changed (v4)
    std::string remote;      // JSON {id, version, stages: [{code, name, status, message}]}: remote destinations (v5)
};

// What a resumed run needs of each journal entry: whether it is done, and with which fingerprint
// (a few dozen bytes, not the whole entry with its message and changes).
struct JournalMark {
    sdk::ObjectKind kind = sdk::ObjectKind::node;
    std::string name;
    JournalStatus status = JournalStatus::pending;
    std::string sha256;
};

// How many journal entries of a task have a kind and a status: a report's results without its rows.
struct JournalCount {
    sdk::ObjectKind kind = sdk::ObjectKind::node;
    JournalStatus status = JournalStatus::pending;
    std::int64_t count = 0;
};

// What planning needs of an object already in a workspace, without its content.
struct ObjectStamp {
    sdk::ObjectKind kind = sdk::ObjectKind::node;
    std::string name;
    std::int64_t version = 0;
    std::string sha256;
    std::string remote_id;       // v5: remote destinations only
    std::string remote_version;
};

// Which objects list_objects_page returns: a kind, what changed after a workspace revision or since
// a time, and a page after (kind, name) in that order, so a whole workspace can be walked with
// memory bounded by the page.
struct ObjectQuery {
    std::optional<sdk::ObjectKind> kind;
    std::int64_t after_revision = 0;  // only objects written after this revision of the workspace
    std::string changed_since;        // only objects written at or after this ISO-8601 UTC time
    std::string after_kind, after_name;  // the page starts after this object (empty: at the first)
    std::size_t limit = 500;
    bool with_content = true;  // false: `content` comes back empty (a resource's bytes may be large)
};

struct WorkspaceLock {
    std::string workspace;
    std::string task;
    std::string holder;  // who runs the task: host:pid of the importing process
    std::string since;
    std::string renewed_at;  // the holder's last heartbeat (ISO-8601 UTC); the lease runs from here
};

// Seconds from an ISO-8601 UTC time written by now_iso8601_utc() until now; nullopt when the text
// is not such a time.
std::optional<double> seconds_since(const std::string& iso8601_utc);

struct LockResult {
    bool acquired = false;
    WorkspaceLock lock;  // the lock as it stands: ours when acquired, else who holds it since when
};

class Transaction;

class Catalog {
  public:
    // Opens (creating an SQLite file and its folders if needed) and migrates the schema to
    // schema_version_of_code(). Null with diagnostics on failure.
    static std::unique_ptr<Catalog> open(const std::string& uri, sdk::Diagnostics& diags);
    // A second connection to the same database (for a thread of its own, e.g. a lock heartbeat).
    std::unique_ptr<Catalog> reopen(sdk::Diagnostics& diags) const;
    // Whether reopen() reaches the same data: not for an in-memory SQLite database, which each
    // connection has to itself.
    bool reopen_shares_data() const;
    static int schema_version_of_code();

    ~Catalog();
    Catalog(const Catalog&) = delete;
    Catalog& operator=(const Catalog&) = delete;

    Backend backend() const;
    const std::string& display_uri() const;
    // The version stored in ferry_schema; -1 with diagnostics on failure.
    int schema_version(sdk::Diagnostics& diags);

    // Workspaces (put_object creates its workspace too).
    bool ensure_workspace(const std::string& name, sdk::Diagnostics& diags);
    std::vector<Workspace> list_workspaces(sdk::Diagnostics& diags);

    // Objects.
    std::optional<sdk::ObjectRecord> find_object(const std::string& workspace, sdk::ObjectKind kind,
                                                 const std::string& name, sdk::Diagnostics& diags);
    // Only the fingerprint: what an import checks after each commit. Empty when there is no such
    // object (or on failure, with diagnostics). Inside a transaction, an object this catalog wrote
    // in it is answered from what it wrote: its upsert set that fingerprint and holds the row's
    // lock until the transaction ends (if the write failed, so does the transaction's commit).
    std::optional<std::string> object_sha256(const std::string& workspace, sdk::ObjectKind kind,
                                             const std::string& name, sdk::Diagnostics& diags);
    // Inserts or replaces; the stored version is the previous one + 1 (1 for a new object) and is
    // written back into `record.version`. Runs in a transaction (joins the caller's if one is open).
    bool put_object(const std::string& workspace, sdk::ObjectRecord& record, sdk::Diagnostics& diags);
    // put_object for a batch writer: the same write, without reading back the version and revision
    // it gave. Inside a transaction on PostgreSQL it is queued, not waited for: a failure surfaces
    // at the next statement that reads or at commit, which then fails (so a batch is redone object
    // by object, as for any failure in it).
    bool write_object(const std::string& workspace, const sdk::ObjectRecord& record, sdk::Diagnostics& diags);
    std::vector<sdk::ObjectRecord> list_objects(const std::string& workspace,
                                                std::optional<sdk::ObjectKind> kind, sdk::Diagnostics& diags);
    // -1 with diagnostics on failure.
    // Every object's kind, name, version and fingerprint in one query: the planner compares a whole
    // package against this instead of asking object by object.
    std::vector<ObjectStamp> list_stamps(const std::string& workspace, sdk::Diagnostics& diags);
    std::int64_t count_objects(const std::string& workspace, std::optional<sdk::ObjectKind> kind,
                               sdk::Diagnostics& diags);
    // One page of objects, content included, in (kind, name) order (see ObjectQuery).
    std::vector<sdk::ObjectRecord> list_objects_page(const std::string& workspace, const ObjectQuery& query,
                                                     sdk::Diagnostics& diags);
    // The workspace's change counter: every put_object raises it by one. 0 for an empty or unknown
    // workspace; -1 with diagnostics on failure.
    std::int64_t workspace_revision(const std::string& workspace, sdk::Diagnostics& diags);

    // Tasks.
    bool create_task(Task& task, sdk::Diagnostics& diags);  // refuses an existing name
    std::optional<Task> get_task(const std::string& name, sdk::Diagnostics& diags);
    std::vector<Task> list_tasks(sdk::Diagnostics& diags);  // oldest first
    // Sets the state; when `expected` is given, only if the current state is that one (else
    // FERRY-CATALOG-008 naming the current state). Atomic on both backends.
    bool update_task_state(const std::string& name, const std::string& state, sdk::Diagnostics& diags,
                           std::optional<std::string> expected = std::nullopt);
    // Writes every column but name and created_at from `task`.
    bool update_task(const Task& task, sdk::Diagnostics& diags);
    bool save_report(const std::string& name, const std::string& report_json, sdk::Diagnostics& diags);
    // Deletes the task and its journal in one transaction.
    bool delete_task(const std::string& name, sdk::Diagnostics& diags);

    // Journal.
    bool upsert_journal(JournalEntry& entry, sdk::Diagnostics& diags);
    std::vector<JournalEntry> list_journal(const std::string& task, sdk::Diagnostics& diags);
    std::vector<JournalMark> list_journal_marks(const std::string& task, sdk::Diagnostics& diags);
    std::vector<JournalCount> count_journal(const std::string& task, sdk::Diagnostics& diags);
    // A digest of what the task's last successful run read (package, settings, plugins) and left
    // (the workspace's objects); empty when there is none. Cleared with the task row.
    std::string run_digest(const std::string& task, sdk::Diagnostics& diags);
    bool set_run_digest(const std::string& task, const std::string& digest, sdk::Diagnostics& diags);
    // Sets every entry of the task that is not `succeeded` back to `pending` (what a reimport redoes);
    // returns how many, -1 with diagnostics on failure.
    std::int64_t reset_journal(const std::string& task, sdk::Diagnostics& diags);

    // Workspace locks: one import at a time per destination workspace.
    // Acquired when no lock exists or the lock is already held for the same task (so a task whose
    // process was killed can be resumed); otherwise reports who holds it since when.
    LockResult try_acquire_lock(const std::string& workspace, const std::string& task, const std::string& holder,
                                sdk::Diagnostics& diags);
    // Releases the lock only if `task` holds it; true if a lock was released.
    bool release_lock(const std::string& workspace, const std::string& task, sdk::Diagnostics& diags);
    // The holder's heartbeat: sets renewed_at to now if (workspace, task, holder) still holds the
    // lock; false when it does not any more (broken by hand, or taken over after the lease ran out).
    bool renew_lock(const std::string& workspace, const std::string& task, const std::string& holder,
                    sdk::Diagnostics& diags);
    // Hands the lock of `task` from `old_holder` (a process known to be gone) to `new_holder`; false
    // when the lock is no longer (task, old_holder)'s.
    bool take_over_lock(const std::string& workspace, const std::string& task, const std::string& old_holder,
                        const std::string& new_holder, sdk::Diagnostics& diags);
    // Deletes the lock if it is still exactly (task, holder): two processes breaking one stale lock
    // cannot delete the fresh lock one of them took meanwhile. Empty task: whoever holds it.
    bool break_lock(const std::string& workspace, const std::string& task, const std::string& holder,
                    sdk::Diagnostics& diags);
    std::optional<WorkspaceLock> lock_of(const std::string& workspace, sdk::Diagnostics& diags);
    // Claims the oldest QUEUED task whose workspace is not locked: locks its workspace for it
    // (holder = worker), sets it IMPORTING with claimed_by/claimed_at, all in one transaction.
    // Two workers never get the same task nor two tasks of one workspace. Empty when none is free.
    std::optional<Task> claim_next_queued_task(const std::string& worker, sdk::Diagnostics& diags);

    struct Impl;  // opaque: defined inside the library only

  private:
    friend class Transaction;
    explicit Catalog(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// RAII transaction. The outermost one begins (BEGIN IMMEDIATE on SQLite, so writers queue on the
// busy timeout instead of failing on a lock upgrade) and commits or rolls back; a nested one joins
// it, and a nested rollback dooms the outer one (its commit then rolls back and reports an error).
// Destroyed without commit() means rollback.
class Transaction {
  public:
    Transaction(Catalog& catalog, sdk::Diagnostics& diags);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    bool active() const { return active_; }  // false if begin failed (diagnostics say why)
    bool commit(sdk::Diagnostics& diags);
    void rollback();

  private:
    Catalog::Impl* impl_;
    bool active_ = false;
};

}  // namespace ferry::catalog
