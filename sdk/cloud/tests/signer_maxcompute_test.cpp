// MaxCompute's signature against the published vector of its Java SDK, and the canonical forms.
#include "ferry/cloud/maxcompute_signer.hpp"

#include <gtest/gtest.h>

#include "ferry/cloud/digest.hpp"
#include "ferry/cloud/signing_time.hpp"

namespace ferry::cloud {
namespace {

// The published vector (MaxCompute Java SDK SecurityUtilsTest), recomputed through our canonical form.
TEST(MaxComputeSigner, PublishedVector) {
    HttpRequest req;
    req.method = "POST";
    req.path = "/api/projects/odps_test_tunnel_project/instances";
    req.headers = {{"Content-MD5", "6c2e10f17bb7385f2ac30811b5e8e46f"},
                   {"Content-Type", "application/xml"},
                   {"Date", "Tue, 13 May 2014 09:51:17 GMT"},
                   {"X-ODPS-User-Agent", "JavaSDK/0.12.0;Linux"},
                   {"Host", "x"}};
    const std::string canonical = maxcompute_string_to_sign(req, "/api");
    EXPECT_EQ(canonical,
              "POST\n6c2e10f17bb7385f2ac30811b5e8e46f\napplication/xml\nTue, 13 May 2014 09:51:17 GMT\n"
              "x-odps-user-agent:JavaSDK/0.12.0;Linux\n/projects/odps_test_tunnel_project/instances");
    EXPECT_EQ(hmac_sha1_base64("oRd30z7sV4hBX9aYtJgii5qnyhg=", canonical), "+2cFzBzr2v7mAlOVGgulQ+58nuQ=");
}

TEST(MaxComputeSigner, SignsDateBodyAndToken) {
    HttpRequest req;
    req.method = "POST";
    req.path = "/api/projects/p/instances";
    req.set_header("Content-Type", "application/xml");
    const std::time_t now = 1400000000;
    sign_maxcompute(req, "<Instance/>", {"ak", "sk", "tok"}, "/api", now);
    EXPECT_EQ(*req.header("Date"), http_date(now));
    EXPECT_EQ(*req.header("Content-MD5"), md5_hex("<Instance/>"));
    EXPECT_EQ(*req.header("authorization-sts-token"), "tok");
    EXPECT_EQ(*req.header("Authorization"), "ODPS ak:" + hmac_sha1_base64("sk", maxcompute_string_to_sign(req, "/api")));
    EXPECT_EQ(maxcompute_string_to_sign(req, "/api"),
              "POST\n" + md5_hex("<Instance/>") + "\napplication/xml\n" + http_date(now) + "\n/projects/p/instances");

    HttpRequest get;
    get.path = "/api/projects/p";
    sign_maxcompute(get, "", {"ak", "sk", ""}, "/api", now);
    EXPECT_EQ(get.header("Content-MD5"), nullptr);
    EXPECT_EQ(get.header("authorization-sts-token"), nullptr);
}

struct ResourceCase {
    const char* name;
    const char* resource;
    std::vector<QueryParam> query;
    const char* expected;
};
class MaxComputeCanonicalResource : public testing::TestWithParam<ResourceCase> {};
TEST_P(MaxComputeCanonicalResource, SortsQueryAndKeepsBareKeys) {
    EXPECT_EQ(maxcompute_canonical_resource(GetParam().resource, GetParam().query), GetParam().expected);
}
INSTANTIATE_TEST_SUITE_P(
    Cases, MaxComputeCanonicalResource,
    testing::Values(ResourceCase{"no_query", "/projects/p/tables/t", {}, "/projects/p/tables/t"},
                    ResourceCase{"bare_key", "/projects/p/instances/1", {{"taskstatus", std::nullopt}},
                                 "/projects/p/instances/1?taskstatus"},
                    ResourceCase{"empty_value", "/projects/p/instances/1", {{"result", ""}}, "/projects/p/instances/1?result"},
                    ResourceCase{"sorted", "/projects/p/tables", {{"name", "x"}, {"expectmarker", "true"}, {"curr_schema", ""}},
                                 "/projects/p/tables?curr_schema&expectmarker=true&name=x"},
                    ResourceCase{"decoded_path", "/projects/p/resources/a b.py", {}, "/projects/p/resources/a b.py"}),
    [](const testing::TestParamInfo<ResourceCase>& i) { return std::string(i.param.name); });

TEST(MaxComputeSigner, OnlyOdpsHeadersAreSignedLowerCasedAndSorted) {
    HttpRequest req;
    req.path = "/api/projects/p";
    req.headers = {{"Date", "d"}, {"x-odps-b", " 2 "}, {"X-Odps-A", "1"}, {"Authorization", "no"}, {"authorization-sts-token", "no"}};
    EXPECT_EQ(maxcompute_string_to_sign(req, "/api"), "GET\n\n\nd\nx-odps-a:1\nx-odps-b:2\n/projects/p");
}

}  // namespace
}  // namespace ferry::cloud
