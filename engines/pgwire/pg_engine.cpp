#include "pg_engine.hpp"

#include <libpq-fe.h>

#include <cstdlib>
#include <vector>

#include "ferry/engine/codes.hpp"
#include "ferry/engine/quoting.hpp"

namespace ferry::engines::pg {

namespace {

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

// libpq prints NOTICEs (DROP TABLE IF EXISTS ...) to stderr by default; they are not errors.
void ignore_notice(void*, const char*) {}

class Connection : public engine::SqlConnection {
  public:
    explicit Connection(PGconn* c) : c_(c) { PQsetNoticeProcessor(c_, ignore_notice, nullptr); }
    ~Connection() override { PQfinish(c_); }

    // One statement a call: the extended protocol (PQexecParams, no parameters) refuses a text
    // holding two, where PQexec would run them all. ferry renders every statement alone, so a
    // second one could only come from a quoting mistake; this keeps such a mistake inert.
    bool execute(const std::string& sql, std::string& error) override {
        PGresult* r = PQexecParams(c_, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0);
        const bool ok = check(r, error);
        PQclear(r);
        return ok;
    }

    bool has_rows(const std::string& sql, const std::vector<std::string>& params, bool& found,
                  std::string& error) override {
        std::vector<const char*> values;
        for (const auto& p : params) values.push_back(p.c_str());
        PGresult* r = PQexecParams(c_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                                   nullptr, 0);
        const bool ok = check(r, error);
        found = ok && PQntuples(r) > 0;
        PQclear(r);
        return ok;
    }

  private:
    bool check(PGresult* r, std::string& error) {
        const ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
        if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return true;
        // The primary message only: LINE/caret context is multi-line and says less than SQLSTATE.
        const char* primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
        error = primary ? std::string(primary) : trim(r ? PQresultErrorMessage(r) : PQerrorMessage(c_));
        const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
        if (state) error += std::string(" (SQLSTATE ") + state + ")";
        return false;
    }
    PGconn* c_;
};

}  // namespace

PgEngine::PgEngine(engine::Dialect dialect, const std::string& instance, PgSettings settings)
    : SqlEngine({dialect, settings.schema, settings.create_schema, true,
                 std::string(dialect == engine::Dialect::hologres ? "Hologres" : "PostgreSQL") + " instance '" +
                     instance + "'"}),
      settings_(std::move(settings)) {}

std::unique_ptr<engine::SqlConnection> PgEngine::connect(std::string& error) {
    if (!settings_.password_env.empty()) {
        const char* pw = std::getenv(settings_.password_env.c_str());
        if (!pw) {
            error = "environment variable " + settings_.password_env + " (password_env) is not set";
            return nullptr;
        }
        password_ = pw;
    }
    // dbname is expanded from the DSN first; the keywords after it override or complete it.
    // client_encoding among them: ferry's literals are escaped for UTF-8, and under a client
    // encoding such as GBK or SJIS a multi-byte character can end in a backslash's byte and take
    // the escape meant for the next character (the DSN, PGCLIENTENCODING or the role's default
    // could otherwise set one).
    std::vector<const char*> keys{"dbname", "application_name", "client_encoding"};
    std::vector<const char*> values{settings_.dsn.c_str(), "ferry", "UTF8"};
    if (settings_.dsn.find("connect_timeout") == std::string::npos) {
        keys.push_back("connect_timeout");
        values.push_back("10");
    }
    if (!password_.empty()) {
        keys.push_back("password");
        values.push_back(password_.c_str());
    }
    keys.push_back(nullptr);
    values.push_back(nullptr);
    PGconn* c = PQconnectdbParams(keys.data(), values.data(), 1);
    if (!c || PQstatus(c) != CONNECTION_OK) {
        error = c ? trim(PQerrorMessage(c)) : "out of memory";
        PQfinish(c);
        return nullptr;
    }
    if (std::string(pg_encoding_to_char(PQclientEncoding(c))) != "UTF8") {
        error = std::string("the server keeps the client encoding ") + pg_encoding_to_char(PQclientEncoding(c)) +
                ", not UTF8: ferry writes UTF-8 only";
        PQfinish(c);
        return nullptr;
    }
    return std::make_unique<Connection>(c);
}

void PgEngine::table_exists_query(const std::string& table, std::string& sql, std::vector<std::string>& params) const {
    sql = "SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
          "WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p', 'v', 'm', 'f')";
    params = {settings_.schema, table};
}

void PgEngine::function_exists_query(const std::string& function, std::string& sql,
                                     std::vector<std::string>& params) const {
    sql = "SELECT 1 FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
          "WHERE n.nspname = $1 AND p.proname = $2";
    params = {settings_.schema, function};
}

std::unique_ptr<PgEngine> make_engine(engine::Dialect dialect, const sdk::CreateContext& ctx, sdk::Diagnostics& diags) {
    const sdk::Config& cfg = *ctx.config;
    const char* plugin = dialect == engine::Dialect::hologres ? "hologres" : "postgresql";
    PgSettings s;
    s.dsn = cfg.string("dsn");
    s.password_env = cfg.string("password_env");
    s.schema = cfg.string("schema", "public");
    s.create_schema = cfg.boolean("create_schema", true);

    char* err = nullptr;
    PQconninfoOption* opts = PQconninfoParse(s.dsn.c_str(), &err);
    if (!opts) {
        diags.error(engine::codes::kConfig, std::string(plugin) + ": 'dsn' does not parse: " + trim(err ? err : "out of memory"),
                    "write it as libpq key=value pairs, e.g. host=127.0.0.1 port=5432 dbname=dw user=etl",
                    cfg.where_of("dsn"));
        PQfreemem(err);
        return nullptr;
    }
    bool has_password = false;
    for (PQconninfoOption* o = opts; o->keyword; ++o)
        if (std::string(o->keyword) == "password" && o->val && *o->val) has_password = true;
    PQconninfoFree(opts);
    if (has_password) {
        // Never echo the DSN here: it holds the secret.
        diags.error(engine::codes::kConfig, std::string(plugin) + ": 'dsn' carries a password",
                    "remove it and name an environment variable in password_env instead", cfg.where_of("dsn"));
        return nullptr;
    }
    engine::Quoted q = engine::quote_identifier(s.schema, dialect);
    if (!q.ok) {
        diags.error(engine::codes::kConfig, std::string(plugin) + ": 'schema' cannot be an identifier: " + q.reason, "",
                    cfg.where_of("schema"));
        return nullptr;
    }
    return std::make_unique<PgEngine>(dialect, ctx.instance_name, std::move(s));
}

}  // namespace ferry::engines::pg
