#include <gtest/gtest.h>

#include "signer.hpp"

using namespace ferry::engines::maxcompute;

namespace {

// The published vector (MaxCompute Java SDK SecurityUtilsTest), recomputed through our canonical form.
TEST(Signer, PublishedVector) {
    SignInput in;
    in.method = "POST";
    in.content_md5 = "6c2e10f17bb7385f2ac30811b5e8e46f";
    in.content_type = "application/xml";
    in.date = "Tue, 13 May 2014 09:51:17 GMT";
    in.headers = {{"X-ODPS-User-Agent", "JavaSDK/0.12.0;Linux"}, {"Content-Type", "application/xml"}, {"Host", "x"}};
    in.resource = "/projects/odps_test_tunnel_project/instances";
    const std::string canonical = canonical_string(in);
    EXPECT_EQ(canonical,
              "POST\n6c2e10f17bb7385f2ac30811b5e8e46f\napplication/xml\nTue, 13 May 2014 09:51:17 GMT\n"
              "x-odps-user-agent:JavaSDK/0.12.0;Linux\n/projects/odps_test_tunnel_project/instances");
    EXPECT_EQ(signature("oRd30z7sV4hBX9aYtJgii5qnyhg=", canonical), "+2cFzBzr2v7mAlOVGgulQ+58nuQ=");
    EXPECT_EQ(authorization("ak", "oRd30z7sV4hBX9aYtJgii5qnyhg=", in), "ODPS ak:+2cFzBzr2v7mAlOVGgulQ+58nuQ=");
}

struct ResourceCase {
    const char* name;
    const char* resource;
    std::vector<std::pair<std::string, std::string>> query;
    const char* expected;
};
class CanonicalResourceTest : public testing::TestWithParam<ResourceCase> {};
TEST_P(CanonicalResourceTest, SortsQueryAndKeepsBareKeys) {
    EXPECT_EQ(canonical_resource(GetParam().resource, GetParam().query), GetParam().expected);
}
INSTANTIATE_TEST_SUITE_P(
    Cases, CanonicalResourceTest,
    testing::Values(ResourceCase{"no_query", "/projects/p/tables/t", {}, "/projects/p/tables/t"},
                    ResourceCase{"bare_key", "/projects/p/instances/1", {{"taskstatus", ""}}, "/projects/p/instances/1?taskstatus"},
                    ResourceCase{"sorted", "/projects/p/tables", {{"name", "x"}, {"expectmarker", "true"}, {"curr_schema", ""}},
                                 "/projects/p/tables?curr_schema&expectmarker=true&name=x"},
                    ResourceCase{"decoded_path", "/projects/p/resources/a b.py", {}, "/projects/p/resources/a b.py"}),
    [](const testing::TestParamInfo<ResourceCase>& i) { return std::string(i.param.name); });

TEST(Signer, OnlyOdpsHeadersAreSignedLowerCasedAndSorted) {
    SignInput in;
    in.method = "GET";
    in.date = "d";
    in.headers = {{"x-odps-b", " 2 "}, {"X-Odps-A", "1"}, {"Authorization", "no"}, {"authorization-sts-token", "no"}};
    in.resource = "/projects/p";
    EXPECT_EQ(canonical_string(in), "GET\n\n\nd\nx-odps-a:1\nx-odps-b:2\n/projects/p");
}

}  // namespace
