#include <gtest/gtest.h>

#include "ferry/cloud/http_request.hpp"

namespace ferry::cloud {
namespace {

TEST(UriEncode, KeepsUnreservedAndOptionallySlash) {
    EXPECT_EQ(uri_encode("a-b_c.d~e/f g+h"), "a-b_c.d~e%2Ff%20g%2Bh");
    EXPECT_EQ(uri_encode("a-b_c.d~e/f g+h", true), "a-b_c.d~e/f%20g%2Bh");
    EXPECT_EQ(uri_encode("\xe4\xb8\xad"), "%E4%B8%AD");
}

TEST(FormEncode, KeepsTheOrderAndEncodesRfc3986) {
    EXPECT_EQ(form_encode({{"b", "x y"}, {"a", "1*2~3"}, {"c", ""}, {"d+", "/&="}}), "b=x%20y&a=1%2A2~3&c=&d%2B=%2F%26%3D");
    EXPECT_EQ(form_encode({}), "");
}

TEST(ParseHttpUrl, SplitsAndKeepsTheTargetVerbatim) {
    std::string error;
    auto r = parse_http_url("HTTPS://Bucket.OSS-cn-hangzhou.aliyuncs.com:8443/a%2Bb/c.zip?Expires=1&Signature=x%2By%3D#f", error);
    ASSERT_TRUE(r) << error;
    EXPECT_EQ(r->scheme, "https");
    EXPECT_EQ(r->host, "bucket.oss-cn-hangzhou.aliyuncs.com");
    EXPECT_EQ(r->port, 8443);
    EXPECT_EQ(r->path, "/a+b/c.zip");
    ASSERT_EQ(r->query.size(), 2u);
    EXPECT_EQ(*r->query[1].value, "x+y=");
    EXPECT_EQ(r->target(), "/a%2Bb/c.zip?Expires=1&Signature=x%2By%3D");
    EXPECT_EQ(r->host_header(), "bucket.oss-cn-hangzhou.aliyuncs.com:8443");
}

TEST(ParseHttpUrl, RefusesWhatItCannotFetch) {
    struct Case {
        const char* url;
        const char* error;
    };
    for (const Case& c : {
             Case{"ftp://h/x", "the scheme 'ftp' is not supported (expected http or https)"},
             Case{"https://user:pw@h/x", "the address carries a user name or password; credentials never go into an address"},
             Case{"http://h:99999/x", "the port '99999' is not a number from 1 to 65535"},
             Case{"h/x", "'h/x' is not an address (expected http:// or https://)"},
             Case{"http:///x", "the address has no host"},
             Case{"http://h/%zz", "the address has a malformed %-escape in its path"},
         }) {
        std::string error;
        EXPECT_FALSE(parse_http_url(c.url, error)) << c.url;
        EXPECT_EQ(error, c.error) << c.url;
    }
}

}  // namespace
}  // namespace ferry::cloud
