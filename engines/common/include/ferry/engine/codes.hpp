// Stable diagnostic codes of the engine plugins. Tests and scripts match on them: never reuse one.
#pragma once

namespace ferry::engine::codes {

inline constexpr const char* kDdlParse = "FERRY-ENGINE-DDL-PARSE";                  // DDL does not parse
inline constexpr const char* kDdlStatements = "FERRY-ENGINE-DDL-STATEMENTS";        // more than one statement
inline constexpr const char* kDdlName = "FERRY-ENGINE-DDL-NAME";                    // creates another table than its own
inline constexpr const char* kDdlUnsupported = "FERRY-ENGINE-DDL-UNSUPPORTED";      // REFERENCES, CHECK... not rendered
inline constexpr const char* kTypeLossy = "FERRY-ENGINE-TYPE-LOSSY";                // warning: column changes
inline constexpr const char* kTypeUnsupported = "FERRY-ENGINE-TYPE-UNSUPPORTED";    // no column type fits
inline constexpr const char* kClauseDropped = "FERRY-ENGINE-CLAUSE-DROPPED";        // info: LIFECYCLE etc.
inline constexpr const char* kIdentifier = "FERRY-ENGINE-IDENTIFIER";               // name cannot be quoted
inline constexpr const char* kDialect = "FERRY-ENGINE-DIALECT";                     // unknown/unsupported source
inline constexpr const char* kFunctionUnsupported = "FERRY-ENGINE-FUNCTION-UNSUPPORTED";
inline constexpr const char* kResourceUnsupported = "FERRY-ENGINE-RESOURCE-UNSUPPORTED";
inline constexpr const char* kKindUnsupported = "FERRY-ENGINE-KIND-UNSUPPORTED";
inline constexpr const char* kRewriteReview = "FERRY-ENGINE-REWRITE-REVIEW";        // warning: code not SQL
inline constexpr const char* kCrossEngineReview = "FERRY-ENGINE-CROSS-ENGINE-REVIEW";
inline constexpr const char* kConfig = "FERRY-ENGINE-CONFIG";
inline constexpr const char* kCredentials = "FERRY-ENGINE-CREDENTIALS";
inline constexpr const char* kConnect = "FERRY-ENGINE-CONNECT";                     // engine down / login refused
inline constexpr const char* kExecute = "FERRY-ENGINE-EXECUTE";                     // a statement failed
inline constexpr const char* kQuery = "FERRY-ENGINE-QUERY";                         // exists() could not ask
inline constexpr const char* kNotExecuted = "FERRY-ENGINE-NOT-EXECUTED";            // rendered, not run (EMR/CDH)
inline constexpr const char* kExistsUnknown = "FERRY-ENGINE-EXISTS-UNKNOWN";
inline constexpr const char* kHttp = "FERRY-ENGINE-HTTP";                           // transport failure
inline constexpr const char* kRemoteError = "FERRY-ENGINE-REMOTE";                  // server's error body
inline constexpr const char* kSqlFailed = "FERRY-ENGINE-SQL-FAILED";                // SQL instance failed
inline constexpr const char* kTimeout = "FERRY-ENGINE-TIMEOUT";

}  // namespace ferry::engine::codes
