// The catalog's schema and its migrations. Each migration is applied once, in order, in one
// transaction with the version bump, so a catalog is always at exactly one known version.
// Add a migration by appending to kMigrations; never edit one that has shipped.
#include <string>
#include <vector>

#include <Poco/Data/Session.h>
#include <Poco/Exception.h>

#include "catalog_impl.hpp"

using namespace Poco::Data::Keywords;

namespace ferry::catalog {

namespace {

struct Migration {
    int version;
    const char* what;
    std::vector<const char*> statements;  // {INT} and {BYTES} are replaced per backend
};

// Text columns are NOT NULL DEFAULT '' so neither backend has to map NULLs; `content` alone may be
// NULL, since SQLite binds an empty blob as NULL.
const std::vector<Migration> kMigrations = {
    {1,
     "workspaces, objects, tasks, journal, workspace locks",
     {
         "CREATE TABLE workspaces ("
         " name TEXT PRIMARY KEY,"
         " created_at TEXT NOT NULL)",
         "CREATE TABLE objects ("
         " workspace TEXT NOT NULL,"
         " kind TEXT NOT NULL,"
         " name TEXT NOT NULL,"
         " owner TEXT NOT NULL DEFAULT '',"
         " resource_group TEXT NOT NULL DEFAULT '',"
         " engine_instance TEXT NOT NULL DEFAULT '',"
         " dry_run {INT} NOT NULL DEFAULT 0,"
         " version {INT} NOT NULL,"
         " sha256 TEXT NOT NULL DEFAULT '',"
         " content {BYTES},"
         " attributes TEXT NOT NULL DEFAULT '',"
         " updated_at TEXT NOT NULL,"
         " PRIMARY KEY (workspace, kind, name))",
         "CREATE TABLE tasks ("
         " name TEXT PRIMARY KEY,"
         " workspace TEXT NOT NULL,"
         " state TEXT NOT NULL,"
         " remarks TEXT NOT NULL DEFAULT '',"
         " settings TEXT NOT NULL DEFAULT '',"
         " config_path TEXT NOT NULL DEFAULT '',"
         " package_path TEXT NOT NULL DEFAULT '',"
         " package_size {INT} NOT NULL DEFAULT 0,"
         " package_sha256 TEXT NOT NULL DEFAULT '',"
         " source_plugin TEXT NOT NULL DEFAULT '',"
         " importer TEXT NOT NULL DEFAULT '',"
         " created_by TEXT NOT NULL DEFAULT '',"
         " created_at TEXT NOT NULL,"
         " started_at TEXT NOT NULL DEFAULT '',"
         " finished_at TEXT NOT NULL DEFAULT '',"
         " report TEXT NOT NULL DEFAULT '',"
         " claimed_by TEXT NOT NULL DEFAULT '',"
         " claimed_at TEXT NOT NULL DEFAULT '')",
         // claim_next_queued_task scans queued tasks oldest first.
         "CREATE INDEX tasks_by_state ON tasks (state, created_at, name)",
         "CREATE TABLE journal ("
         " task TEXT NOT NULL,"
         " kind TEXT NOT NULL,"
         " name TEXT NOT NULL,"
         " action TEXT NOT NULL,"
         " status TEXT NOT NULL CHECK (status IN"
         "  ('pending', 'succeeded', 'failed', 'conflict', 'unchanged', 'skipped')),"
         " message TEXT NOT NULL DEFAULT '',"
         " owner_before TEXT NOT NULL DEFAULT '',"
         " owner_after TEXT NOT NULL DEFAULT '',"
         " engine_instance TEXT NOT NULL DEFAULT '',"
         " sha256 TEXT NOT NULL DEFAULT '',"
         " updated_at TEXT NOT NULL,"
         " PRIMARY KEY (task, kind, name))",
         "CREATE TABLE workspace_locks ("
         " workspace TEXT PRIMARY KEY,"
         " task TEXT NOT NULL,"
         " holder TEXT NOT NULL,"
         " since TEXT NOT NULL)",
     }},
    {2,
     "tasks.run_digest: what a successful run read and left, so an unchanged re-run can be told at once",
     {
         "ALTER TABLE tasks ADD COLUMN run_digest TEXT NOT NULL DEFAULT ''",
     }},
    {3,
     "workspace_locks.renewed_at: a lock is a lease its holder renews, so a holder that died on another "
     "host stops blocking its workspace",
     {
         "ALTER TABLE workspace_locks ADD COLUMN renewed_at TEXT NOT NULL DEFAULT ''",
         "UPDATE workspace_locks SET renewed_at = since",
     }},
    {4,
     "objects are their FlowSpec: objects.document (was attributes), objects.path, a workspace-wide "
     "revision for incremental exports, the mapping changes of each journal entry, export tasks",
     {
         "ALTER TABLE objects RENAME COLUMN attributes TO document",
         "ALTER TABLE objects ADD COLUMN path TEXT NOT NULL DEFAULT ''",
         "ALTER TABLE objects ADD COLUMN revision {INT} NOT NULL DEFAULT 0",
         "CREATE INDEX objects_by_revision ON objects (workspace, revision)",
         "ALTER TABLE workspaces ADD COLUMN revision {INT} NOT NULL DEFAULT 0",
         "ALTER TABLE journal ADD COLUMN changes TEXT NOT NULL DEFAULT ''",
         "ALTER TABLE tasks ADD COLUMN kind TEXT NOT NULL DEFAULT 'import'",
     }},
    {5,
     "destinations: an object's id in a remote destination and the remote's change marker ferry saw "
     "after writing it; each journal entry's remote id and deployment stages",
     {
         "ALTER TABLE objects ADD COLUMN remote_id TEXT NOT NULL DEFAULT ''",
         "ALTER TABLE objects ADD COLUMN remote_version TEXT NOT NULL DEFAULT ''",
         "ALTER TABLE journal ADD COLUMN remote TEXT NOT NULL DEFAULT ''",
     }},
};

std::string for_backend(std::string sql, Backend b) {
    auto replace = [&](const std::string& from, const std::string& to) {
        for (auto p = sql.find(from); p != std::string::npos; p = sql.find(from, p + to.size()))
            sql.replace(p, from.size(), to);
    };
    replace("{INT}", b == Backend::postgresql ? "BIGINT" : "INTEGER");
    replace("{BYTES}", b == Backend::postgresql ? "BYTEA" : "BLOB");
    return sql;
}

}  // namespace

int code_schema_version() { return kMigrations.back().version; }

bool migrate(Catalog::Impl& impl, sdk::Diagnostics& diags) {
    Poco::Data::Session& s = *impl.session;
    TxGuard tx(impl, diags);
    if (!tx.active()) return false;
    int current = 0;
    try {
        // Two hosts opening one empty PostgreSQL catalog at once must not both create the tables;
        // on SQLite the BEGIN IMMEDIATE above already serializes them.
        if (impl.pg()) {
            int one = 0;
            s << "SELECT 1 FROM (SELECT pg_advisory_xact_lock(7306911)) AS held", into(one), now;
        }
        Poco::Int64 has_table = 0;
        if (impl.pg())
            s << "SELECT COUNT(*) FROM information_schema.tables"
                 " WHERE table_schema = current_schema() AND table_name = 'ferry_schema'",
                into(has_table), now;
        else
            s << "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'ferry_schema'",
                into(has_table), now;
        if (has_table == 0) {
            s << "CREATE TABLE ferry_schema (id INTEGER PRIMARY KEY, version INTEGER NOT NULL)", now;
            s << "INSERT INTO ferry_schema (id, version) VALUES (1, 0)", now;
        }
        s << "SELECT version FROM ferry_schema WHERE id = 1", into(current), now;
    } catch (const std::exception& e) {
        report_exception(diags, codes::migration_failed, "cannot read the catalog's schema version", e);
        return false;
    }
    if (current > code_schema_version()) {
        diags.error(codes::schema_too_new,
                    "the catalog " + impl.display + " has schema version " + std::to_string(current) +
                        ", newer than this ferry understands (up to " + std::to_string(code_schema_version()) + ")",
                    "use the ferry release that last wrote this catalog, or a newer one; an older ferry "
                    "must not write to it");
        return false;
    }
    for (const auto& m : kMigrations) {
        if (m.version <= current) continue;
        try {
            for (const char* stmt : m.statements) s << for_backend(stmt, impl.backend), now;
            int v = m.version;
            s << "UPDATE ferry_schema SET version = $1 WHERE id = 1", bind(v), now;
        } catch (const std::exception& e) {
            report_exception(diags, codes::migration_failed,
                             "cannot migrate the catalog to schema version " + std::to_string(m.version) + " (" +
                                 m.what + ")",
                             e);
            return false;
        }
    }
    return tx.commit(diags);
}

}  // namespace ferry::catalog
