// Catalog URIs: the forms accepted, what the driver receives, and that no password is ever shown.
#include <cstdlib>

#include <gtest/gtest.h>

#include "ferry/catalog/catalog.hpp"

using namespace ferry::catalog;

namespace {

struct UriCase {
    const char* uri;
    Backend backend;
    const char* connect;
    const char* display;
};

class UriForms : public ::testing::TestWithParam<UriCase> {};

TEST_P(UriForms, ParsesIntoConnectAndDisplay) {
    const auto& c = GetParam();
    ferry::sdk::Diagnostics diags;
    auto parsed = parse_uri(c.uri, diags);
    ASSERT_TRUE(parsed) << c.uri;
    EXPECT_FALSE(diags.has_errors());
    EXPECT_EQ(parsed->backend, c.backend);
    EXPECT_EQ(parsed->connect, c.connect);
    EXPECT_EQ(parsed->display, c.display);
}

INSTANTIATE_TEST_SUITE_P(
    Catalog, UriForms,
    ::testing::Values(
        UriCase{"sqlite:ferry-data/catalog.db", Backend::sqlite, "ferry-data/catalog.db", "sqlite:ferry-data/catalog.db"},
        UriCase{"sqlite:/var/lib/ferry/c.db", Backend::sqlite, "/var/lib/ferry/c.db", "sqlite:/var/lib/ferry/c.db"},
        UriCase{"postgresql:host=127.0.0.1 port=5432 dbname=ferry user=app", Backend::postgresql,
                "host=127.0.0.1 port=5432 dbname=ferry user=app",
                "postgresql:host=127.0.0.1 port=5432 dbname=ferry user=app"},
        UriCase{"postgresql:host=/run/pg options=-csearch_path=ferry", Backend::postgresql,
                "host=/run/pg options=-csearch_path=ferry", "postgresql:host=/run/pg options=-csearch_path=ferry"},
        UriCase{"postgresql://app@db.example:6543/ferry", Backend::postgresql,
                "host=db.example port=6543 dbname=ferry user=app", "postgresql://app@db.example:6543/ferry"},
        UriCase{"postgresql://db/ferry?sslmode=require&application_name=ferry%2Dworker", Backend::postgresql,
                "host=db dbname=ferry sslmode=require application_name=ferry-worker",
                "postgresql://db/ferry?sslmode=require&application_name=ferry%2Dworker"},
        UriCase{"postgres://[::1]:5433/ferry", Backend::postgresql, "host=::1 port=5433 dbname=ferry",
                "postgres://[::1]:5433/ferry"}));

struct BadUri {
    const char* uri;
    const char* code;
};

class BadUris : public ::testing::TestWithParam<BadUri> {};

TEST_P(BadUris, AreRefusedWithCode) {
    ferry::sdk::Diagnostics diags;
    EXPECT_FALSE(parse_uri(GetParam().uri, diags));
    ASSERT_EQ(diags.items().size(), 1u);
    EXPECT_EQ(diags.items()[0].code, GetParam().code);
    for (const auto& d : diags.items()) {
        EXPECT_EQ(d.summary.find("hunter2"), std::string::npos) << d.summary;
        EXPECT_EQ(d.where.find("hunter2"), std::string::npos) << d.where;
    }
}

INSTANTIATE_TEST_SUITE_P(Catalog, BadUris,
                         ::testing::Values(BadUri{"sqlite:", codes::bad_uri},
                                           BadUri{"mysql://db/ferry", codes::bad_uri},
                                           BadUri{"postgresql:   ", codes::bad_uri},
                                           BadUri{"postgresql://app:hunter2@db/ferry", codes::password_in_uri},
                                           BadUri{"postgresql://db:port/ferry", codes::bad_uri},
                                           BadUri{"postgresql://db/ferry?sslmode", codes::bad_uri},
                                           BadUri{"postgresql:host=db dbname", codes::bad_uri},
                                           BadUri{"postgresql:host=db password='hunter2", codes::bad_uri},
                                           BadUri{"postgresql:host=db password=hunter2 dbname=ferry",
                                                  codes::password_in_uri},
                                           BadUri{"postgresql:host = db  password='hunter2 x' dbname=ferry",
                                                  codes::password_in_uri},
                                           BadUri{"postgresql://db/ferry?password=hunter2", codes::password_in_uri},
                                           BadUri{"postgresql://db/f?application_name=a%20b", codes::bad_uri}));

TEST(CatalogScrub, HidesEveryPasswordForm) {
    EXPECT_EQ(scrub_secrets("host=a password=x1 user=b"), "host=a password=*** user=b");
    EXPECT_EQ(scrub_secrets("PASSWORD = 'q w' user=b"), "password=*** user=b");
    EXPECT_EQ(scrub_secrets("postgresql://u:pw@h/db"), "postgresql://u:***@h/db");
    EXPECT_EQ(scrub_secrets("nothing secret"), "nothing secret");
}

TEST(CatalogOpen, PostgreSQLFailureNeverShowsThePassword) {
    ferry::sdk::Diagnostics diags;
    // The password comes from libpq's environment (a URI carrying one is refused, see BadUris).
    // Port 1 on loopback: refused at once, no server needed.
    ::setenv("PGPASSWORD", "hunter2", 1);
    auto cat = Catalog::open("postgresql:host=127.0.0.1 port=1 dbname=x user=y connect_timeout=2", diags);
    ::unsetenv("PGPASSWORD");
    EXPECT_FALSE(cat);
    ASSERT_TRUE(diags.has_errors());
    EXPECT_EQ(diags.items()[0].code, codes::cannot_open);
    for (const auto& d : diags.items()) {
        EXPECT_EQ(d.summary.find("hunter2"), std::string::npos) << d.summary;
        EXPECT_EQ(d.detail.find("hunter2"), std::string::npos) << d.detail;
    }
}

TEST(CatalogNames, RoundTrip) {
    for (auto s : {JournalStatus::pending, JournalStatus::succeeded, JournalStatus::failed, JournalStatus::conflict,
                   JournalStatus::unchanged, JournalStatus::skipped})
        EXPECT_EQ(journal_status_from_string(to_string(s)), s);
    EXPECT_FALSE(journal_status_from_string("done"));
    EXPECT_EQ(object_kind_from_string("table"), ferry::sdk::ObjectKind::table);
    EXPECT_EQ(action_from_string("unchanged"), ferry::sdk::Action::unchanged);
    auto t = now_iso8601_utc();
    ASSERT_EQ(t.size(), 24u) << t;
    EXPECT_EQ(t[10], 'T');
    EXPECT_EQ(t.back(), 'Z');
}

}  // namespace
