#include "mysql_engine.hpp"

#include <mysql.h>

#include <cstdlib>
#include <cstring>
#include <vector>

#include "ferry/engine/codes.hpp"
#include "ferry/engine/quoting.hpp"

namespace ferry::engines::mysql {

namespace {

std::string server_error(MYSQL* m) {
    return std::string(mysql_error(m)) + " (error " + std::to_string(mysql_errno(m)) + ", SQLSTATE " + mysql_sqlstate(m) + ")";
}

class Connection : public engine::SqlConnection {
  public:
    explicit Connection(MYSQL* m) : m_(m) {}
    ~Connection() override { mysql_close(m_); }

    bool execute(const std::string& sql, std::string& error) override {
        if (mysql_real_query(m_, sql.data(), sql.size()) != 0) {
            error = server_error(m_);
            return false;
        }
        // A statement that returns rows must have them read before the next one.
        if (MYSQL_RES* r = mysql_store_result(m_)) mysql_free_result(r);
        return true;
    }

    // Parameters are bound through a prepared statement, never spliced into the text.
    bool has_rows(const std::string& sql, const std::vector<std::string>& params, bool& found,
                  std::string& error) override {
        MYSQL_STMT* st = mysql_stmt_init(m_);
        if (!st) {
            error = server_error(m_);
            return false;
        }
        bool ok = mysql_stmt_prepare(st, sql.data(), sql.size()) == 0;
        std::vector<MYSQL_BIND> binds(params.size());
        std::vector<unsigned long> lengths(params.size());
        if (ok) {
            for (std::size_t i = 0; i < params.size(); ++i) {
                std::memset(&binds[i], 0, sizeof(MYSQL_BIND));
                lengths[i] = params[i].size();
                binds[i].buffer_type = MYSQL_TYPE_STRING;
                binds[i].buffer = const_cast<char*>(params[i].data());
                binds[i].buffer_length = lengths[i];
                binds[i].length = &lengths[i];
            }
            ok = mysql_stmt_bind_param(st, binds.data()) == 0 && mysql_stmt_execute(st) == 0 &&
                 mysql_stmt_store_result(st) == 0;
        }
        if (ok) {
            found = mysql_stmt_num_rows(st) > 0;
        } else {
            error = std::string(mysql_stmt_error(st)) + " (error " + std::to_string(mysql_stmt_errno(st)) + ")";
        }
        mysql_stmt_close(st);
        return ok;
    }

  private:
    MYSQL* m_;
};

// The connection's character sets as the server keeps them: "" when all are utf8mb4, else which.
// ferry's rendered literals are UTF-8, escaped for it; a server that changes the connection's
// character set after the handshake (an init_connect running SET NAMES gbk, say) would read them
// in another, where a multi-byte character can swallow an escaping backslash. Checked, not assumed.
std::string other_charsets(MYSQL* m, std::string& error) {
    static const char* const kQuery = "SELECT @@character_set_client, @@character_set_connection, @@character_set_results";
    static const char* const kNames[] = {"character_set_client", "character_set_connection", "character_set_results"};
    if (mysql_query(m, kQuery) != 0) {
        error = server_error(m);
        return {};
    }
    MYSQL_RES* r = mysql_store_result(m);
    if (!r) {
        error = server_error(m);
        return {};
    }
    std::string other;
    MYSQL_ROW row = mysql_fetch_row(r);
    const unsigned fields = mysql_num_fields(r);
    for (unsigned i = 0; i < 3; ++i) {
        const std::string v = row && i < fields && row[i] ? row[i] : "unknown";  // not said is not utf8mb4
        if (v != "utf8mb4") other += (other.empty() ? "" : ", ") + std::string(kNames[i]) + " " + v;
    }
    mysql_free_result(r);
    return other;
}

}  // namespace

MysqlEngine::MysqlEngine(const std::string& instance, MysqlSettings settings)
    : SqlEngine({engine::Dialect::mysql, settings.database, false, false, "MySQL instance '" + instance + "'"}),
      settings_(std::move(settings)) {}

std::unique_ptr<engine::SqlConnection> MysqlEngine::connect(std::string& error) {
    if (!settings_.password_env.empty()) {
        const char* pw = std::getenv(settings_.password_env.c_str());
        if (!pw) {
            error = "environment variable " + settings_.password_env + " (password_env) is not set";
            return nullptr;
        }
        password_ = pw;
    }
    MYSQL* m = mysql_init(nullptr);
    if (!m) {
        error = "out of memory";
        return nullptr;
    }
    unsigned int timeout = static_cast<unsigned int>(settings_.connect_timeout_s);
    mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    // TCP even for "localhost": a socket path is not part of the config.
    unsigned int protocol = MYSQL_PROTOCOL_TCP;
    mysql_options(m, MYSQL_OPT_PROTOCOL, &protocol);
    if (!mysql_real_connect(m, settings_.host.c_str(), settings_.user.c_str(),
                            password_.empty() ? nullptr : password_.c_str(), settings_.database.c_str(),
                            static_cast<unsigned int>(settings_.port), nullptr, 0)) {
        error = server_error(m);
        mysql_close(m);
        return nullptr;
    }
    const std::string other = other_charsets(m, error);
    if (!other.empty())
        error = "the server keeps the connection in another character set (" + other +
                ") than the utf8mb4 ferry writes in; remove the init_connect (or server option) that changes it, or "
                "connect as a user it does not apply to";
    if (!error.empty()) {
        mysql_close(m);
        return nullptr;
    }
    return std::make_unique<Connection>(m);
}

void MysqlEngine::table_exists_query(const std::string& table, std::string& sql, std::vector<std::string>& params) const {
    sql = "SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = ?";
    params = {settings_.database, table};
}

void MysqlEngine::function_exists_query(const std::string& function, std::string& sql,
                                        std::vector<std::string>& params) const {
    sql = "SELECT 1 FROM information_schema.routines WHERE routine_schema = ? AND routine_name = ? AND routine_type = "
          "'FUNCTION'";
    params = {settings_.database, function};
}

std::unique_ptr<MysqlEngine> make_engine(const sdk::CreateContext& ctx, sdk::Diagnostics& diags) {
    const sdk::Config& cfg = *ctx.config;
    MysqlSettings s;
    s.host = cfg.string("host", "127.0.0.1");
    s.port = static_cast<int>(cfg.integer("port", 3306));
    s.database = cfg.string("database");
    s.user = cfg.string("user");
    s.password_env = cfg.string("password_env");
    s.connect_timeout_s = static_cast<int>(cfg.integer("connect_timeout_s", 10));
    bool ok = true;
    if (s.port < 1 || s.port > 65535) {
        diags.error(engine::codes::kConfig, "mysql: 'port' must be 1 to 65535", "", cfg.where_of("port"));
        ok = false;
    }
    if (s.connect_timeout_s < 1 || s.connect_timeout_s > 3600) {
        diags.error(engine::codes::kConfig, "mysql: 'connect_timeout_s' must be 1 to 3600", "", cfg.where_of("connect_timeout_s"));
        ok = false;
    }
    engine::Quoted q = engine::quote_identifier(s.database, engine::Dialect::mysql);
    if (!q.ok) {
        diags.error(engine::codes::kConfig, "mysql: 'database' cannot be an identifier: " + q.reason, "",
                    cfg.where_of("database"));
        ok = false;
    }
    if (s.user.empty()) {
        diags.error(engine::codes::kConfig, "mysql: 'user' is empty", "", cfg.where_of("user"));
        ok = false;
    }
    if (!ok) return nullptr;
    return std::make_unique<MysqlEngine>(ctx.instance_name, std::move(s));
}

}  // namespace ferry::engines::mysql
