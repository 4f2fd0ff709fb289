// The catalog's operations. Every statement uses $1, $2... placeholders: Poco 1.11's PostgreSQL
// connector does not rewrite `?`, and SQLite reads $N as well. Conflicts are settled by the database
// (INSERT ... ON CONFLICT), never by read-then-write, so two hosts on one catalog cannot race.
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <system_error>

#include <Poco/Data/LOB.h>
#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/PostgreSQL/SessionImpl.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/SQLite/Utility.h>
#include <sqlite3.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/Exception.h>

#include "catalog_impl.hpp"
#include "rows.hpp"

using namespace Poco::Data::Keywords;
using Poco::Data::Session;
using Poco::Data::Statement;

namespace ferry::catalog {

namespace {

void register_connectors() {
    static std::once_flag once;
    std::call_once(once, [] {
        Poco::Data::SQLite::Connector::registerConnector();
        Poco::Data::PostgreSQL::Connector::registerConnector();
    });
}

std::string exception_text(const std::exception& e) {
    if (auto* pe = dynamic_cast<const Poco::Exception*>(&e)) return pe->displayText();
    return e.what();
}

std::string kind_text(sdk::ObjectKind k) { return sdk::to_string(k); }

std::string object_address(const std::string& ws, sdk::ObjectKind k, const std::string& name) {
    return ws + "/" + sdk::to_string(k) + "/" + name;
}

// Impl::written's key: NUL cannot occur in any of the parts.
std::string object_key(const std::string& ws, sdk::ObjectKind k, const std::string& name) {
    return ws + '\0' + sdk::to_string(k) + '\0' + name;
}

// Runs a write statement and returns how many rows it changed.
std::size_t affected(Statement st) { return st.execute(); }

// SQLite: how long a writer waits for another connection's write transaction before giving up.
constexpr int kBusyTimeoutMs = 30000;

}  // namespace

void report_exception(sdk::Diagnostics& diags, const char* code, const std::string& what, const std::exception& e) {
    diags.error(code, scrub_secrets(what), scrub_secrets(exception_text(e)));
}

SqlResult Catalog::Impl::exec(const std::string& sql, SqlParams params, bool returns_row) {
    if (cache) return cache->exec(sql, params);
    return pg_cache->exec(sql, params, returns_row, depth > 0);
}

Session& Catalog::Impl::poco() {
    if (pg_cache) pg_cache->settle();
    return *session;
}

// ---- transactions -------------------------------------------------------------------------------

bool Catalog::Impl::begin(sdk::Diagnostics& diags) {
    if (depth > 0) {
        ++depth;
        return true;
    }
    try {
        // IMMEDIATE takes SQLite's write lock now: a DEFERRED transaction that reads and then writes
        // fails with SQLITE_BUSY on the upgrade without waiting for the busy timeout.
        if (pg())
            poco().begin();
        else
            *session << "BEGIN IMMEDIATE", now;
    } catch (const std::exception& e) {
        report_exception(diags, codes::transaction_failed, "cannot begin a transaction on " + display, e);
        return false;
    }
    depth = 1;
    doomed = false;
    return true;
}

bool Catalog::Impl::commit(sdk::Diagnostics& diags) {
    if (depth == 0) {
        diags.error(codes::transaction_failed, "commit without a transaction on " + display);
        return false;
    }
    if (depth > 1) {
        --depth;
        return !doomed;
    }
    if (doomed) {
        rollback();
        diags.error(codes::transaction_failed, "the transaction was rolled back because a step inside it failed",
                    "the diagnostics before this one say which step");
        return false;
    }
    try {
        // The revisions this transaction took beyond its first (see TakenRevisions).
        for (const auto& [workspace, taken] : revisions)
            if (taken.last != taken.first)
                exec("UPDATE workspaces SET revision = $1 WHERE name = $2", {taken.last, workspace});
        // On PostgreSQL the queued statements are read first: one that failed fails the commit.
        if (pg())
            poco().commit();
        else
            *session << "COMMIT", now;
    } catch (const std::exception& e) {
        report_exception(diags, codes::transaction_failed, "cannot commit a transaction on " + display, e);
        rollback();
        return false;
    }
    depth = 0;
    forget_transaction();
    return true;
}

void Catalog::Impl::rollback() {
    if (depth == 0) return;
    if (depth > 1) {
        --depth;
        doomed = true;
        return;
    }
    depth = 0;
    doomed = false;
    forget_transaction();
    try {
        if (pg()) {
            try {
                pg_cache->settle();
            } catch (const std::exception&) {
                // A queued statement failed: the rollback below is what that calls for.
            }
            session->rollback();
        } else {
            *session << "ROLLBACK", now;
        }
    } catch (const std::exception&) {
        // Nothing to undo when the transaction is already gone (e.g. SQLite rolled it back itself).
    }
}

Transaction::Transaction(Catalog& catalog, sdk::Diagnostics& diags) : impl_(catalog.impl_.get()) {
    active_ = impl_->begin(diags);
}

Transaction::~Transaction() { rollback(); }

bool Transaction::commit(sdk::Diagnostics& diags) {
    if (!active_) {
        diags.error(codes::transaction_failed, "commit of a transaction that is not active");
        return false;
    }
    active_ = false;
    return impl_->commit(diags);
}

void Transaction::rollback() {
    if (active_) impl_->rollback();
    active_ = false;
}

// ---- opening ------------------------------------------------------------------------------------

Catalog::Catalog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Catalog::~Catalog() {
    // A Catalog dropped inside a transaction leaves nothing half-written.
    while (impl_ && impl_->depth > 0) impl_->rollback();
}

int Catalog::schema_version_of_code() { return code_schema_version(); }
Backend Catalog::backend() const { return impl_->backend; }
const std::string& Catalog::display_uri() const { return impl_->display; }

std::unique_ptr<Catalog> Catalog::open(const std::string& uri, sdk::Diagnostics& diags) {
    auto parsed = parse_uri(uri, diags);
    if (!parsed) return nullptr;
    register_connectors();
    auto impl = std::make_unique<Impl>();
    impl->backend = parsed->backend;
    impl->uri = uri;
    impl->display = parsed->display;
    try {
        if (parsed->backend == Backend::sqlite) {
            std::filesystem::path file(parsed->connect);
            // SQLite would retry a folder for the whole busy timeout before giving up.
            if (std::error_code ec; std::filesystem::is_directory(file, ec)) {
                diags.error(codes::cannot_open, "the catalog " + parsed->display + " is a folder, not a file",
                            "name a file, e.g. sqlite:" + (file / "catalog.db").string());
                return nullptr;
            }
            if (file.has_parent_path()) {
                std::error_code ec;
                std::filesystem::create_directories(file.parent_path(), ec);
                if (ec) {
                    diags.error(codes::cannot_open,
                                "cannot create the folder of the catalog " + parsed->display + ": " + ec.message(),
                                "check that the path is writable, or pass another --catalog");
                    return nullptr;
                }
            }
            impl->session = std::make_unique<Session>("SQLite", parsed->connect);
            // WAL lets readers (ferry tasks, ferry report) run beside an import; NORMAL sync in WAL
            // keeps the file consistent and loses no commit when a process is killed.
            std::string mode;
            *impl->session << "PRAGMA journal_mode = WAL", into(mode), now;
            int timeout = 0;
            *impl->session << "PRAGMA busy_timeout = " + std::to_string(kBusyTimeoutMs), into(timeout), now;
            *impl->session << "PRAGMA synchronous = NORMAL", now;
            // The WAL of an import grows while checkpoints run beside the writer (wal_checkpointer.hpp);
            // when SQLite starts it over, the file is cut back to this.
            Poco::Int64 limit = 0;
            *impl->session << "PRAGMA journal_size_limit = 67108864", into(limit), now;
            // The default 2 MB page cache made a 10,000-object import and its re-run read and write the
            // same pages thousands of times. 4 MB holds what an import reads again (the indexes'
            // pages; rows are appended) at 10,000 and 100,000 objects. 32 MB held nearly a
            // 10,000-node catalog whole, each page of it memory the process touched for the first
            // time, which is dear (the kernel clearing fresh pages was a fifth of the writer
            // thread's samples): that import was 5% slower and 32 MB larger (docs/performance.md).
            *impl->session << "PRAGMA cache_size = -4096", now;
            Poco::Int64 mapped = 0;
            *impl->session << "PRAGMA mmap_size = 0", into(mapped), now;
            sqlite3* db = Poco::Data::SQLite::Utility::dbHandle(*impl->session);
            impl->cache = std::make_unique<SqliteStatementCache>(db);
            if (mode == "wal") impl->checkpointer = std::make_unique<WalCheckpointer>(db);
        } else {
            impl->session = std::make_unique<Session>("PostgreSQL", parsed->connect);
            auto* pg = dynamic_cast<Poco::Data::PostgreSQL::SessionImpl*>(impl->session->impl());
            if (!pg) throw std::runtime_error("the PostgreSQL connector gave no PostgreSQL session");
            impl->pg_cache = std::make_unique<PgStatementCache>(static_cast<PGconn*>(pg->handle()));
        }
    } catch (const std::exception& e) {
        report_exception(diags, codes::cannot_open, "cannot open the catalog " + parsed->display, e);
        if (parsed->backend == Backend::postgresql)
            diags.items().back().detail +=
                " (is the server running, and is PGPASSWORD set when the server asks for a password?)";
        return nullptr;
    }
    if (!migrate(*impl, diags)) return nullptr;
    return std::unique_ptr<Catalog>(new Catalog(std::move(impl)));
}

std::unique_ptr<Catalog> Catalog::reopen(sdk::Diagnostics& diags) const { return open(impl_->uri, diags); }

bool Catalog::reopen_shares_data() const {
    if (impl_->pg()) return true;
    const char* file = sqlite3_db_filename(Poco::Data::SQLite::Utility::dbHandle(*impl_->session), "main");
    return file && *file;
}

int Catalog::schema_version(sdk::Diagnostics& diags) {
    int v = -1;
    try {
        impl_->poco() << "SELECT version FROM ferry_schema WHERE id = 1", into(v), now;
    } catch (const std::exception& e) {
        report_exception(diags, codes::database_error, "cannot read the catalog's schema version", e);
        return -1;
    }
    return v;
}

// ---- workspaces ---------------------------------------------------------------------------------

bool Catalog::ensure_workspace(const std::string& name, sdk::Diagnostics& diags) {
    return impl_->run(diags, "cannot record workspace " + name, [&](Session& s) {
        s << "INSERT INTO workspaces (name, created_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING", bind(name),
            bind(now_iso8601_utc()), now;
    });
}

std::vector<Workspace> Catalog::list_workspaces(sdk::Diagnostics& diags) {
    std::vector<Workspace> out;
    if (!impl_->run(diags, "cannot list workspaces", [&](Session& s) {
            s << "SELECT name, created_at FROM workspaces ORDER BY name", into(out), now;
        }))
        out.clear();
    return out;
}

// ---- objects ------------------------------------------------------------------------------------

std::optional<sdk::ObjectRecord> Catalog::find_object(const std::string& workspace, sdk::ObjectKind kind,
                                                      const std::string& name, sdk::Diagnostics& diags) {
    std::vector<sdk::ObjectRecord> found;
    bool ok = impl_->run(diags, "cannot read object " + object_address(workspace, kind, name), [&](Session& s) {
        s << std::string("SELECT ") + rows::OBJECT_COLUMNS +
                 " FROM objects WHERE workspace = $1 AND kind = $2 AND name = $3",
            into(found), bind(workspace), bind(kind_text(kind)), bind(name), now;
    });
    if (!ok || found.empty()) return std::nullopt;
    return found.front();
}

namespace {

// put_object and write_object: the version and revision are read back only when asked for.
bool store_object(Catalog::Impl& impl, const std::string& workspace, const sdk::ObjectRecord& record,
                  std::int64_t* version, std::int64_t* revision, sdk::Diagnostics& diags) {
    const bool read_back = version != nullptr;
    TxGuard tx(impl, diags);
    if (!tx.active()) return false;
    const std::string address = object_address(workspace, record.kind, record.name);
    const std::string at = now_iso8601_utc();
    SqlResult stored;
    std::int64_t taken = 0;
    bool ok = impl.run(diags, "cannot store object " + address, [&] {
        const std::string kind = kind_text(record.kind);
        // The workspace's change counter: an incremental export takes what changed after a
        // revision. The transaction's first write takes one from the database (creating the
        // workspace on its first object); later ones count on from it (see TakenRevisions).
        auto revisions = impl.revisions.find(workspace);
        if (revisions == impl.revisions.end()) {
            const auto first = impl.exec("INSERT INTO workspaces (name, created_at, revision) VALUES ($1, $2, 1)"
                                         " ON CONFLICT (name) DO UPDATE SET revision = workspaces.revision + 1"
                                         " RETURNING revision",
                                         {workspace, at}, true)
                                   .first();
            if (!first) throw std::runtime_error("the workspace's revision was not returned");
            taken = std::stoll(*first);
            impl.revisions[workspace] = {taken, taken};
        } else {
            taken = ++revisions->second.last;
        }
        // The version is bumped by the database in the same statement, so concurrent writers of one
        // object each get their own version.
        stored = impl.exec(
            "INSERT INTO objects (workspace, kind, name, owner, resource_group, engine_instance, dry_run,"
            " version, sha256, content, document, path, revision, updated_at, remote_id, remote_version)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $9, $10, $11, $12, $13, $14, $15)"
            " ON CONFLICT (workspace, kind, name) DO UPDATE SET owner = excluded.owner,"
            " resource_group = excluded.resource_group, engine_instance = excluded.engine_instance,"
            " dry_run = excluded.dry_run, version = objects.version + 1, sha256 = excluded.sha256,"
            " content = excluded.content, document = excluded.document, path = excluded.path,"
            " revision = excluded.revision, updated_at = excluded.updated_at,"
            " remote_id = excluded.remote_id, remote_version = excluded.remote_version" +
                std::string(read_back ? " RETURNING version" : ""),
            {workspace, kind, record.name, record.owner, record.resource_group, record.engine_instance,
             std::int64_t(record.dry_run ? 1 : 0), record.sha256, SqlParam::blob(record.content), record.document,
             record.path, taken, at, record.remote_id, record.remote_version},
            read_back);
    });
    if (!ok || (read_back && !stored.first())) return false;
    impl.written[object_key(workspace, record.kind, record.name)] = record.sha256;
    if (!tx.commit(diags)) return false;
    if (read_back) {
        *version = std::stoll(*stored.first());
        *revision = taken;
    }
    return true;
}

}  // namespace

bool Catalog::put_object(const std::string& workspace, sdk::ObjectRecord& record, sdk::Diagnostics& diags) {
    std::int64_t version = 0, revision = 0;
    if (!store_object(*impl_, workspace, record, &version, &revision, diags)) return false;
    record.version = version;
    record.revision = revision;
    return true;
}

bool Catalog::write_object(const std::string& workspace, const sdk::ObjectRecord& record, sdk::Diagnostics& diags) {
    return store_object(*impl_, workspace, record, nullptr, nullptr, diags);
}

namespace {
// WHERE clause and parameters shared by list_objects and count_objects.
std::string object_filter(std::optional<sdk::ObjectKind> kind) {
    return kind ? " WHERE workspace = $1 AND kind = $2" : " WHERE workspace = $1";
}
}  // namespace

std::optional<std::string> Catalog::object_sha256(const std::string& workspace, sdk::ObjectKind kind,
                                                  const std::string& name, sdk::Diagnostics& diags) {
    if (impl_->depth > 0)
        if (auto it = impl_->written.find(object_key(workspace, kind, name)); it != impl_->written.end())
            return it->second;
    std::optional<std::string> sha;
    impl_->run(diags, "cannot read object " + object_address(workspace, kind, name), [&] {
        sha = impl_->exec("SELECT sha256 FROM objects WHERE workspace = $1 AND kind = $2 AND name = $3",
                          {workspace, kind_text(kind), name}, true)
                  .first();
    });
    return sha;
}

std::vector<sdk::ObjectRecord> Catalog::list_objects(const std::string& workspace,
                                                     std::optional<sdk::ObjectKind> kind, sdk::Diagnostics& diags) {
    std::vector<sdk::ObjectRecord> out;
    bool ok = impl_->run(diags, "cannot list the objects of workspace " + workspace, [&](Session& s) {
        Statement st(s);
        st << std::string("SELECT ") + rows::OBJECT_COLUMNS + " FROM objects" + object_filter(kind) +
                  " ORDER BY kind, name",
            into(out), bind(workspace);
        if (kind) st, bind(kind_text(*kind));
        st.execute();
    });
    if (!ok) out.clear();
    return out;
}

std::vector<sdk::ObjectRecord> Catalog::list_objects_page(const std::string& workspace, const ObjectQuery& q,
                                                          sdk::Diagnostics& diags) {
    std::vector<sdk::ObjectRecord> out;
    std::string columns = rows::OBJECT_COLUMNS;
    if (!q.with_content) {
        const auto at = columns.find("content");
        columns.replace(at, 7, impl_->pg() ? "''::bytea AS content" : "x'' AS content");
    }
    std::string sql = "SELECT " + columns + " FROM objects WHERE workspace = $1";
    std::vector<std::string> texts;  // bound in order after the workspace
    int n = 1;
    auto param = [&] { return "$" + std::to_string(++n); };
    if (q.kind) {
        sql += " AND kind = " + param();
        texts.push_back(kind_text(*q.kind));
    }
    if (!q.changed_since.empty()) {
        sql += " AND updated_at >= " + param();
        texts.push_back(q.changed_since);
    }
    if (!q.after_kind.empty()) {
        const std::string k = param(), k2 = param(), nm = param();
        sql += " AND (kind > " + k + " OR (kind = " + k2 + " AND name > " + nm + "))";
        texts.push_back(q.after_kind);
        texts.push_back(q.after_kind);
        texts.push_back(q.after_name);
    }
    if (q.after_revision > 0) sql += " AND revision > " + std::to_string(q.after_revision);
    sql += " ORDER BY kind, name";
    if (q.limit > 0) sql += " LIMIT " + std::to_string(q.limit);
    bool ok = impl_->run(diags, "cannot list the objects of workspace " + workspace, [&](Session& s) {
        Statement st(s);
        st << sql, into(out), bind(workspace);
        for (const auto& t : texts) st, bind(t);
        st.execute();
    });
    if (!ok) out.clear();
    return out;
}

std::int64_t Catalog::workspace_revision(const std::string& workspace, sdk::Diagnostics& diags) {
    // Inside a transaction that wrote to it, the counter the database will hold at commit.
    if (auto taken = impl_->revisions.find(workspace); taken != impl_->revisions.end()) return taken->second.last;
    std::vector<Poco::Int64> found;
    bool ok = impl_->run(diags, "cannot read the revision of workspace " + workspace, [&](Session& s) {
        s << "SELECT revision FROM workspaces WHERE name = $1", into(found), bind(workspace), now;
    });
    if (!ok) return -1;
    return found.empty() ? 0 : found.front();
}

std::vector<ObjectStamp> Catalog::list_stamps(const std::string& workspace, sdk::Diagnostics& diags) {
    std::vector<ObjectStamp> out;
    std::vector<std::string> kinds, names, hashes, remote_ids, remote_versions;
    std::vector<Poco::Int64> versions;
    bool ok = impl_->run(diags, "cannot list the objects of workspace " + workspace, [&](Session& s) {
        s << "SELECT kind, name, version, sha256, remote_id, remote_version FROM objects WHERE workspace = $1",
            into(kinds), into(names), into(versions), into(hashes), into(remote_ids), into(remote_versions),
            bind(workspace), now;
    });
    if (!ok) return out;
    out.reserve(names.size());
    for (std::size_t i = 0; i < names.size(); ++i) {
        ObjectStamp stamp;
        stamp.kind = object_kind_from_string(kinds[i]).value_or(sdk::ObjectKind::node);
        stamp.name = std::move(names[i]);
        stamp.version = versions[i];
        stamp.sha256 = std::move(hashes[i]);
        stamp.remote_id = std::move(remote_ids[i]);
        stamp.remote_version = std::move(remote_versions[i]);
        out.push_back(std::move(stamp));
    }
    return out;
}

std::int64_t Catalog::count_objects(const std::string& workspace, std::optional<sdk::ObjectKind> kind,
                                    sdk::Diagnostics& diags) {
    Poco::Int64 n = 0;
    bool ok = impl_->run(diags, "cannot count the objects of workspace " + workspace, [&](Session& s) {
        Statement st(s);
        st << "SELECT COUNT(*) FROM objects" + object_filter(kind), into(n), bind(workspace);
        if (kind) st, bind(kind_text(*kind));
        st.execute();
    });
    return ok ? n : -1;
}

// ---- tasks --------------------------------------------------------------------------------------

bool Catalog::create_task(Task& task, sdk::Diagnostics& diags) {
    if (task.created_at.empty()) task.created_at = now_iso8601_utc();
    std::size_t inserted = 0;
    bool ok = impl_->run(diags, "cannot create task " + task.name, [&](Session& s) {
        const Task& t = task;
        inserted = affected((s << "INSERT INTO tasks (name, workspace, state, remarks, settings, config_path, package_path,"
                         " package_size, package_sha256, source_plugin, importer, created_by, created_at, started_at,"
                         " finished_at, report, claimed_by, claimed_at, kind)"
                         " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)"
                         " ON CONFLICT (name) DO NOTHING",
                    bind(t.name), bind(t.workspace), bind(t.state), bind(t.remarks), bind(t.settings),
                    bind(t.config_path), bind(t.package_path), bind(Poco::Int64(t.package_size)),
                    bind(t.package_sha256), bind(t.source_plugin), bind(t.importer), bind(t.created_by),
                    bind(t.created_at), bind(t.started_at), bind(t.finished_at), bind(t.report), bind(t.claimed_by),
                    bind(t.claimed_at), bind(t.kind)));
    });
    if (!ok) return false;
    if (inserted == 0) {
        diags.error(codes::task_exists, "a task named " + task.name + " already exists",
                    "pick another [task] name, or edit it with `ferry task edit " + task.name +
                        "`, or delete it first with `ferry task delete " + task.name + "`");
        return false;
    }
    return true;
}

std::optional<Task> Catalog::get_task(const std::string& name, sdk::Diagnostics& diags) {
    std::vector<Task> found;
    bool ok = impl_->run(diags, "cannot read task " + name, [&](Session& s) {
        s << std::string("SELECT ") + rows::TASK_COLUMNS + " FROM tasks WHERE name = $1", into(found), bind(name),
            now;
    });
    if (!ok || found.empty()) return std::nullopt;
    return found.front();
}

std::vector<Task> Catalog::list_tasks(sdk::Diagnostics& diags) {
    std::vector<Task> out;
    if (!impl_->run(diags, "cannot list tasks", [&](Session& s) {
            s << std::string("SELECT ") + rows::TASK_COLUMNS + " FROM tasks ORDER BY created_at, name", into(out),
                now;
        }))
        out.clear();
    return out;
}

namespace {
void task_not_found(sdk::Diagnostics& diags, const std::string& name) {
    diags.error(codes::task_not_found, "there is no task named " + name, "`ferry tasks` lists the tasks there are");
}
}  // namespace

bool Catalog::update_task_state(const std::string& name, const std::string& state, sdk::Diagnostics& diags,
                                std::optional<std::string> expected) {
    std::size_t changed = 0;
    bool ok = impl_->run(diags, "cannot set the state of task " + name, [&](Session& s) {
        if (expected)
            changed = affected((s << "UPDATE tasks SET state = $1 WHERE name = $2 AND state = $3", bind(state), bind(name),
                       bind(*expected)));
        else
            changed = affected((s << "UPDATE tasks SET state = $1 WHERE name = $2", bind(state), bind(name)));
    });
    if (!ok) return false;
    if (changed > 0) return true;
    sdk::Diagnostics ignored;
    auto current = get_task(name, ignored);
    if (!current) {
        task_not_found(diags, name);
    } else {
        diags.error(codes::task_state_mismatch,
                    "task " + name + " is " + current->state + ", not " + expected.value_or("?") + ", so it cannot become " +
                        state);
    }
    return false;
}

bool Catalog::update_task(const Task& t, sdk::Diagnostics& diags) {
    std::size_t changed = 0;
    bool ok = impl_->run(diags, "cannot update task " + t.name, [&](Session& s) {
        changed = affected((s << "UPDATE tasks SET workspace = $1, state = $2, remarks = $3, settings = $4, config_path = $5,"
                        " package_path = $6, package_size = $7, package_sha256 = $8, source_plugin = $9,"
                        " importer = $10, created_by = $11, started_at = $12, finished_at = $13, report = $14,"
                        " claimed_by = $15, claimed_at = $16 WHERE name = $17",
                   bind(t.workspace), bind(t.state), bind(t.remarks), bind(t.settings), bind(t.config_path),
                   bind(t.package_path), bind(Poco::Int64(t.package_size)), bind(t.package_sha256),
                   bind(t.source_plugin), bind(t.importer), bind(t.created_by), bind(t.started_at),
                   bind(t.finished_at), bind(t.report), bind(t.claimed_by), bind(t.claimed_at), bind(t.name)));
    });
    if (ok && changed == 0) {
        task_not_found(diags, t.name);
        return false;
    }
    return ok;
}

bool Catalog::save_report(const std::string& name, const std::string& report_json, sdk::Diagnostics& diags) {
    std::size_t changed = 0;
    bool ok = impl_->run(diags, "cannot save the report of task " + name, [&](Session& s) {
        changed = affected((s << "UPDATE tasks SET report = $1 WHERE name = $2", bind(report_json), bind(name)));
    });
    if (ok && changed == 0) {
        task_not_found(diags, name);
        return false;
    }
    return ok;
}

bool Catalog::delete_task(const std::string& name, sdk::Diagnostics& diags) {
    TxGuard tx(*impl_, diags);
    if (!tx.active()) return false;
    std::size_t deleted = 0;
    bool ok = impl_->run(diags, "cannot delete task " + name, [&](Session& s) {
        s << "DELETE FROM journal WHERE task = $1", bind(name), now;
        deleted = affected((s << "DELETE FROM tasks WHERE name = $1", bind(name)));
    });
    if (!ok) return false;
    if (deleted == 0) {
        task_not_found(diags, name);
        return false;  // the guard rolls back the (empty) journal delete
    }
    return tx.commit(diags);
}

// ---- journal ------------------------------------------------------------------------------------

bool Catalog::upsert_journal(JournalEntry& e, sdk::Diagnostics& diags) {
    e.updated_at = now_iso8601_utc();
    return impl_->run(
        diags, "cannot journal " + std::string(sdk::to_string(e.kind)) + " " + e.name + " of task " + e.task,
        [&] {
            impl_->exec("INSERT INTO journal (task, kind, name, action, status, message, owner_before, owner_after,"
                        " engine_instance, sha256, updated_at, changes, remote)"
                        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
                        " ON CONFLICT (task, kind, name) DO UPDATE SET action = excluded.action,"
                        " status = excluded.status, message = excluded.message,"
                        " owner_before = excluded.owner_before, owner_after = excluded.owner_after,"
                        " engine_instance = excluded.engine_instance, sha256 = excluded.sha256,"
                        " updated_at = excluded.updated_at, changes = excluded.changes, remote = excluded.remote",
                        {e.task, kind_text(e.kind), e.name, sdk::to_string(e.action), to_string(e.status), e.message,
                         e.owner_before, e.owner_after, e.engine_instance, e.sha256, e.updated_at, e.changes,
                         e.remote});
        });
}

std::vector<JournalEntry> Catalog::list_journal(const std::string& task, sdk::Diagnostics& diags) {
    std::vector<JournalEntry> out;
    if (!impl_->run(diags, "cannot read the journal of task " + task, [&](Session& s) {
            s << std::string("SELECT ") + rows::JOURNAL_COLUMNS + " FROM journal WHERE task = $1 ORDER BY kind, name",
                into(out), bind(task), now;
        }))
        out.clear();
    return out;
}

std::vector<JournalMark> Catalog::list_journal_marks(const std::string& task, sdk::Diagnostics& diags) {
    std::vector<std::string> kinds, names, statuses, hashes;
    std::vector<JournalMark> out;
    if (!impl_->run(diags, "cannot read the journal of task " + task, [&](Session& s) {
            s << "SELECT kind, name, status, sha256 FROM journal WHERE task = $1 ORDER BY kind, name", into(kinds),
                into(names), into(statuses), into(hashes), bind(task), now;
        }))
        return out;
    out.reserve(names.size());
    for (std::size_t i = 0; i < names.size(); ++i) {
        auto kind = object_kind_from_string(kinds[i]);
        auto status = journal_status_from_string(statuses[i]);
        if (kind && status) out.push_back({*kind, std::move(names[i]), *status, std::move(hashes[i])});
    }
    return out;
}

std::vector<JournalCount> Catalog::count_journal(const std::string& task, sdk::Diagnostics& diags) {
    std::vector<std::string> kinds, statuses;
    std::vector<Poco::Int64> counts;
    std::vector<JournalCount> out;
    if (!impl_->run(diags, "cannot count the journal of task " + task, [&](Session& s) {
            s << "SELECT kind, status, COUNT(*) FROM journal WHERE task = $1 GROUP BY kind, status ORDER BY kind, status",
                into(kinds), into(statuses), into(counts), bind(task), now;
        }))
        return out;
    for (std::size_t i = 0; i < kinds.size(); ++i) {
        auto kind = object_kind_from_string(kinds[i]);
        auto status = journal_status_from_string(statuses[i]);
        if (kind && status) out.push_back({*kind, *status, counts[i]});
    }
    return out;
}

std::string Catalog::run_digest(const std::string& task, sdk::Diagnostics& diags) {
    std::string digest;
    impl_->run(diags, "cannot read task " + task, [&] {
        digest = impl_->exec("SELECT run_digest FROM tasks WHERE name = $1", {task}, true).first().value_or("");
    });
    return digest;
}

bool Catalog::set_run_digest(const std::string& task, const std::string& digest, sdk::Diagnostics& diags) {
    return impl_->run(diags, "cannot update task " + task, [&] {
        impl_->exec("UPDATE tasks SET run_digest = $1 WHERE name = $2", {digest, task});
    });
}

std::int64_t Catalog::reset_journal(const std::string& task, sdk::Diagnostics& diags) {
    std::size_t changed = 0;
    bool ok = impl_->run(diags, "cannot reset the journal of task " + task, [&](Session& s) {
        changed = affected((s << "UPDATE journal SET status = 'pending', updated_at = $1 WHERE task = $2"
                        " AND status <> 'succeeded'",
                   bind(now_iso8601_utc()), bind(task)));
    });
    return ok ? static_cast<std::int64_t>(changed) : -1;
}

// ---- locks --------------------------------------------------------------------------------------

std::optional<WorkspaceLock> Catalog::lock_of(const std::string& workspace, sdk::Diagnostics& diags) {
    std::vector<WorkspaceLock> found;
    bool ok = impl_->run(diags, "cannot read the lock of workspace " + workspace, [&](Session& s) {
        s << "SELECT workspace, task, holder, since, renewed_at FROM workspace_locks WHERE workspace = $1", into(found),
            bind(workspace), now;
    });
    if (!ok || found.empty()) return std::nullopt;
    return found.front();
}

LockResult Catalog::try_acquire_lock(const std::string& workspace, const std::string& task, const std::string& holder,
                                     sdk::Diagnostics& diags) {
    LockResult result;
    // The unique key on workspace decides who wins; reading the row afterwards tells the loser who.
    // The row can vanish between the two statements if its holder releases it: then try again.
    for (int attempt = 0; attempt < 5; ++attempt) {
        bool ok = impl_->run(diags, "cannot lock workspace " + workspace + " for task " + task, [&](Session& s) {
            const std::string at = now_iso8601_utc();
            s << "INSERT INTO workspace_locks (workspace, task, holder, since, renewed_at) VALUES ($1, $2, $3, $4, $5)"
                 " ON CONFLICT (workspace) DO NOTHING",
                bind(workspace), bind(task), bind(holder), bind(at), bind(at), now;
        });
        if (!ok) return result;
        sdk::Diagnostics read_diags;
        auto lock = lock_of(workspace, read_diags);
        if (read_diags.has_errors()) {
            diags.append(read_diags);
            return result;
        }
        if (!lock) continue;
        result.lock = *lock;
        result.acquired = lock->task == task;
        return result;
    }
    diags.error(codes::database_error, "cannot lock workspace " + workspace + ": its lock keeps changing hands",
                "try again");
    return result;
}

bool Catalog::renew_lock(const std::string& workspace, const std::string& task, const std::string& holder,
                         sdk::Diagnostics& diags) {
    std::size_t renewed = 0;
    bool ok = impl_->run(diags, "cannot renew the lock of workspace " + workspace, [&](Session& s) {
        renewed = affected((s << "UPDATE workspace_locks SET renewed_at = $1 WHERE workspace = $2 AND task = $3 AND holder = $4",
                            bind(now_iso8601_utc()), bind(workspace), bind(task), bind(holder)));
    });
    return ok && renewed > 0;
}

bool Catalog::take_over_lock(const std::string& workspace, const std::string& task, const std::string& old_holder,
                             const std::string& new_holder, sdk::Diagnostics& diags) {
    std::size_t moved = 0;
    const std::string at = now_iso8601_utc();
    bool ok = impl_->run(diags, "cannot take over the lock of workspace " + workspace, [&](Session& s) {
        moved = affected((s << "UPDATE workspace_locks SET holder = $1, since = $2, renewed_at = $3"
                               " WHERE workspace = $4 AND task = $5 AND holder = $6",
                          bind(new_holder), bind(at), bind(at), bind(workspace), bind(task), bind(old_holder)));
    });
    return ok && moved > 0;
}

bool Catalog::break_lock(const std::string& workspace, const std::string& task, const std::string& holder,
                         sdk::Diagnostics& diags) {
    std::size_t deleted = 0;
    bool ok = impl_->run(diags, "cannot break the lock of workspace " + workspace, [&](Session& s) {
        if (task.empty())
            deleted = affected((s << "DELETE FROM workspace_locks WHERE workspace = $1", bind(workspace)));
        else
            deleted = affected((s << "DELETE FROM workspace_locks WHERE workspace = $1 AND task = $2 AND holder = $3",
                                bind(workspace), bind(task), bind(holder)));
    });
    return ok && deleted > 0;
}

bool Catalog::release_lock(const std::string& workspace, const std::string& task, sdk::Diagnostics& diags) {
    std::size_t deleted = 0;
    bool ok = impl_->run(diags, "cannot release the lock of workspace " + workspace, [&](Session& s) {
        deleted = affected((s << "DELETE FROM workspace_locks WHERE workspace = $1 AND task = $2", bind(workspace), bind(task)));
    });
    return ok && deleted > 0;
}

std::optional<Task> Catalog::claim_next_queued_task(const std::string& worker, sdk::Diagnostics& diags) {
    // FOR UPDATE SKIP LOCKED lets PostgreSQL workers pass over a task another worker is claiming;
    // SQLite has one writer at a time (BEGIN IMMEDIATE), so the plain query is already exclusive.
    const std::string pick = std::string("SELECT ") + rows::TASK_COLUMNS +
                             " FROM tasks t WHERE state = $1 AND NOT EXISTS"
                             " (SELECT 1 FROM workspace_locks l WHERE l.workspace = t.workspace)"
                             " ORDER BY created_at, name LIMIT 1" +
                             (impl_->pg() ? " FOR UPDATE SKIP LOCKED" : "");
    // Two workers can pick two tasks of one free workspace; the lock's unique key lets one win and
    // the other rolls back and picks again, now seeing the workspace locked.
    for (int attempt = 0; attempt < 20; ++attempt) {
        TxGuard tx(*impl_, diags);
        if (!tx.active()) return std::nullopt;
        std::vector<Task> picked;
        std::size_t locked = 0, claimed = 0;
        const std::string at = now_iso8601_utc();
        bool ok = impl_->run(diags, "cannot claim a queued task for " + worker, [&](Session& s) {
            s << pick, into(picked), bind(std::string(task_state::queued)), now;
            if (picked.empty()) return;
            const Task& t = picked.front();
            locked = affected((s << "INSERT INTO workspace_locks (workspace, task, holder, since, renewed_at)"
                           " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (workspace) DO NOTHING",
                      bind(t.workspace), bind(t.name), bind(worker), bind(at), bind(at)));
            if (locked == 0) return;
            claimed = affected((s << "UPDATE tasks SET state = $1, claimed_by = $2, claimed_at = $3 WHERE name = $4"
                            " AND state = $5",
                       bind(std::string(task_state::importing)), bind(worker), bind(at), bind(t.name),
                       bind(std::string(task_state::queued))));
        });
        if (!ok) return std::nullopt;
        if (picked.empty()) {
            tx.commit(diags);
            return std::nullopt;
        }
        if (locked == 0 || claimed == 0) continue;  // the guard rolls back
        if (!tx.commit(diags)) return std::nullopt;
        Task t = picked.front();
        t.state = task_state::importing;
        t.claimed_by = worker;
        t.claimed_at = at;
        return t;
    }
    return std::nullopt;
}

}  // namespace ferry::catalog
