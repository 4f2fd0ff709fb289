#include "ferry/engine/ddl_guard.hpp"

#include "ferry/engine/codes.hpp"
#include "token_cursor.hpp"

namespace ferry::engine {

namespace {

using detail::iequals;
using detail::printable;

DdlVerdict fail(DdlVerdict::Problem problem, std::string_view ddl, std::size_t offset, std::string message,
                bool unsupported = false) {
    DdlVerdict v;
    v.problem = problem;
    const LineColumn lc = line_column(ddl, offset);
    v.error = DdlError{lc.line, lc.column, std::move(message), unsupported};
    return v;
}

std::string dotted(const std::vector<std::string>& parts) {
    std::string s;
    for (const auto& p : parts) s += (s.empty() ? "" : ".") + p;
    return s;
}

bool is_sql_dialect(Dialect d) {
    return d == Dialect::postgresql || d == Dialect::hologres || d == Dialect::mysql || d == Dialect::sqlite;
}

}  // namespace

DdlVerdict read_table_ddl(std::string_view ddl, Dialect dialect, const OwnTable& own, ParsedTableDdl* parsed) {
    using P = DdlVerdict::Problem;
    // 1. Where the text's strings, names and comments end, as the database reads them.
    std::vector<Token> toks;
    try {
        toks = detail::lex_all(ddl, dialect);
    } catch (const detail::Fail& f) {
        return fail(P::unreadable, ddl, f.offset, f.message, f.unsupported);
    }
    // 2. One statement: nothing but comments after the first ';'.
    for (std::size_t i = 0; i + 1 < toks.size(); ++i) {
        if (toks[i].kind != TokenKind::punct || ddl[toks[i].begin] != ';') continue;
        std::string_view rest = ddl.substr(toks[i + 1].begin);
        while (!rest.empty() && static_cast<unsigned char>(rest.back()) <= ' ') rest.remove_suffix(1);
        return fail(P::statements, ddl, toks[i + 1].begin,
                    "the DDL holds a second statement after ';': '" + printable(rest) + "'");
    }
    // 3. A CREATE TABLE, read by the dialect's parser; its head (the name) is kept even when the rest fails.
    DdlHead head;
    DdlError error;
    ParsedTableDdl out;
    out.dialect = dialect;
    const bool ok = is_sql_dialect(dialect) ? parse_sql_create_table(ddl, dialect, out.sql, error, &head)
                                            : parse_create_table(ddl, out.table, error, &head);
    if (!head.parsed) {
        DdlVerdict v;
        v.problem = P::not_a_table;
        v.error = error;
        return v;
    }
    // 4. Its own name: the last part equal to the table's name, qualifiers only its own.
    if (!iequals(head.parts.back(), own.name))
        return fail(P::name, ddl, head.offset,
                    "the DDL creates '" + printable(head.parts.back(), 80) + "', not '" + printable(own.name, 80) + "'");
    if (own.qualifiers) {
        for (std::size_t i = 0; i + 1 < head.parts.size(); ++i) {
            bool known = false;
            for (const auto& q : *own.qualifiers) known = known || (!q.empty() && iequals(q, head.parts[i]));
            if (!known)
                return fail(P::name, ddl, head.offset,
                            "the DDL creates '" + printable(dotted(head.parts), 80) + "': '" + printable(head.parts[i], 80) +
                                "' is neither the table's project nor its schema");
        }
    }
    // 5. The rest.
    if (!ok) {
        DdlVerdict v;
        v.problem = P::body;
        v.error = error;
        return v;
    }
    if (parsed) *parsed = std::move(out);
    return {};
}

void report_ddl_verdict(const DdlVerdict& v, const std::string& table, sdk::Diagnostics& diags) {
    using P = DdlVerdict::Problem;
    const char* code = codes::kDdlParse;
    std::string detail = "fix the DDL in the package; the other objects go on";
    switch (v.problem) {
        case P::none: return;
        case P::statements:
        case P::name:
            code = v.problem == P::statements ? codes::kDdlStatements : codes::kDdlName;
            detail = "a table's DDL is one CREATE TABLE of that table: ferry runs nothing else from a package";
            break;
        case P::unreadable:
        case P::not_a_table:
        case P::body:
            if (v.error.unsupported) {
                code = codes::kDdlUnsupported;
                detail = "ferry renders a table's columns, types, keys, defaults and comments; take this out of the DDL, "
                         "or create the table by hand";
            }
            break;
    }
    diags.error(code, "table '" + table + "': " + v.error.message, detail, v.error.where());
}

}  // namespace ferry::engine
