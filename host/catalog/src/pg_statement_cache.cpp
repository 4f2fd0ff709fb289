#include "pg_statement_cache.hpp"

#include <stdexcept>
#include <vector>

#include <libpq-fe.h>

namespace ferry::catalog {

namespace {

// Queued replies are read once this many wait: the server's replies then never fill the socket
// while the client is still sending (both sides blocked), whatever a transaction queues.
constexpr std::size_t kMaxQueued = 256;

}  // namespace

PgStatementCache::~PgStatementCache() {
    try {
        settle();
    } catch (const std::exception&) {
        // The connection is closing; what was queued belonged to a transaction already given up.
    }
}

void PgStatementCache::broken(const std::string& what) {
    pending_.clear();
    unsynced_ = false;
    piped_ = PQpipelineStatus(conn_) != PQ_PIPELINE_OFF;
    throw std::runtime_error(what + ": " + PQerrorMessage(conn_));
}

void PgStatementCache::enter() {
    if (piped_) return;
    if (PQenterPipelineMode(conn_) != 1) broken("cannot send catalog statements in pipeline mode");
    piped_ = true;
}

void PgStatementCache::send(const std::string& sql, SqlParams params) {
    enter();
    auto named = names_.find(sql);
    if (named == names_.end()) {
        std::string name = "ferry_" + std::to_string(next_name_++);
        // Parameter types are left to the server, which infers them from the columns.
        if (PQsendPrepare(conn_, name.c_str(), sql.c_str(), 0, nullptr) != 1)
            broken("cannot prepare a catalog statement");
        pending_.push_back({Pending::Kind::prepare, sql});
        named = names_.emplace(sql, std::move(name)).first;
    }
    std::vector<std::string> numbers;
    numbers.reserve(params.size());  // the values below point into it: it must not reallocate
    std::vector<const char*> values;
    std::vector<int> lengths, formats;
    for (const auto& p : params) {
        switch (p.type) {
            case SqlParam::Type::text:
                // Text goes in text format, which libpq reads up to its NUL: a SqlParam's text is a
                // std::string's or a C string's, so it has one.
                values.push_back(p.bytes.data());
                lengths.push_back(0);
                formats.push_back(0);
                break;
            case SqlParam::Type::integer:
                numbers.push_back(std::to_string(p.integer));
                values.push_back(numbers.back().c_str());
                lengths.push_back(0);
                formats.push_back(0);
                break;
            case SqlParam::Type::blob:
                // Binary format: the bytes as they are, no escaping.
                values.push_back(p.bytes.data());
                lengths.push_back(static_cast<int>(p.bytes.size()));
                formats.push_back(1);
                break;
        }
    }
    if (PQsendQueryPrepared(conn_, named->second.c_str(), static_cast<int>(values.size()), values.data(),
                            lengths.data(), formats.data(), 0) != 1)
        broken("cannot send a catalog statement");
    pending_.push_back({Pending::Kind::statement, {}});
    unsynced_ = true;
}

SqlResult PgStatementCache::exec(const std::string& sql, SqlParams params, bool want_reply, bool in_transaction) {
    send(sql, params);
    SqlResult result;
    if (in_transaction && !want_reply && pending_.size() < kMaxQueued) return result;
    if (in_transaction) {
        // A flush request, not a sync: a sync would end the transaction's pipeline segment, and
        // outside BEGIN it would commit.
        if (PQsendFlushRequest(conn_) != 1) broken("cannot send catalog statements");
    } else {
        if (PQpipelineSync(conn_) != 1) broken("cannot send catalog statements");
        pending_.push_back({Pending::Kind::sync, {}});
    }
    if (PQflush(conn_) != 0) broken("cannot send catalog statements");
    drain(&result);
    return result;
}

void PgStatementCache::settle() {
    if (!piped_) return;
    if (unsynced_ || !pending_.empty()) {
        if (PQpipelineSync(conn_) != 1) broken("cannot send catalog statements");
        pending_.push_back({Pending::Kind::sync, {}});
        if (PQflush(conn_) != 0) broken("cannot send catalog statements");
        try {
            drain(nullptr);
        } catch (const std::runtime_error&) {
            // Every reply was read (drain throws only after reading them all), so the pipeline is
            // idle and the connection can leave it before the error goes on.
            if (PQexitPipelineMode(conn_) == 1) piped_ = false;
            throw;
        }
    }
    if (PQexitPipelineMode(conn_) != 1) broken("cannot leave pipeline mode");
    piped_ = false;
}

void PgStatementCache::drain(SqlResult* last) {
    std::size_t last_statement = pending_.size();
    for (std::size_t i = 0; i < pending_.size(); ++i)
        if (pending_[i].kind == Pending::Kind::statement) last_statement = i;
    std::string error;
    for (std::size_t i = 0; !pending_.empty(); ++i) {
        Pending entry = std::move(pending_.front());
        pending_.pop_front();
        if (entry.kind == Pending::Kind::sync) {
            PGresult* r = PQgetResult(conn_);
            const bool synced = r && PQresultStatus(r) == PGRES_PIPELINE_SYNC;
            PQclear(r);
            if (!synced) broken("the catalog connection lost its place in the statement pipeline");
            unsynced_ = false;
            continue;
        }
        bool replied = false, ok = true;
        std::string message;
        // One entry's results end with a null result.
        while (PGresult* r = PQgetResult(conn_)) {
            replied = true;
            switch (PQresultStatus(r)) {
                case PGRES_COMMAND_OK:
                case PGRES_TUPLES_OK:
                    if (last && i == last_statement) {
                        const char* tuples = PQcmdTuples(r);
                        last->changed = tuples && *tuples ? std::stoull(tuples) : 0;
                        if (PQntuples(r) > 0)
                            for (int c = 0; c < PQnfields(r); ++c)
                                last->row.emplace_back(PQgetvalue(r, 0, c),
                                                       static_cast<std::size_t>(PQgetlength(r, 0, c)));
                    }
                    break;
                case PGRES_PIPELINE_ABORTED:
                    ok = false;
                    message = "not run: an earlier statement of the transaction failed";
                    break;
                default:
                    ok = false;
                    message = PQresultErrorMessage(r);
                    while (!message.empty() && message.back() == '\n') message.pop_back();
                    break;
            }
            PQclear(r);
        }
        if (!replied) {
            ok = false;
            message = "the catalog server sent no reply";
        }
        if (!ok) {
            // A statement the server never prepared must be prepared again next time.
            if (entry.kind == Pending::Kind::prepare) names_.erase(entry.sql);
            // The first failure is the cause; the aborted ones after it only follow from it.
            if (error.empty() || error.rfind("not run:", 0) == 0) error = message;
        }
        if (PQstatus(conn_) == CONNECTION_BAD) broken("the catalog connection was lost");
    }
    if (!error.empty()) throw std::runtime_error(error);
}

}  // namespace ferry::catalog
