// Every OSS vector published in shared/reference/protocols.md, checked exactly.
#include <gtest/gtest.h>

#include "ferry/cloud/digest.hpp"
#include "ferry/cloud/oss_signer.hpp"
#include "ferry/cloud/signing_time.hpp"

namespace ferry::cloud {
namespace {

TEST(OssV1, Doc31951Vector) {
    HttpRequest req;
    req.method = "PUT";
    req.headers = {{"Content-MD5", "ODBGOERFMDMzQTczRUY3NUE3NzA5QzdFNUYzMDQxNEM="},
                   {"Content-Type", "text/html"},
                   {"Date", "Thu, 17 Nov 2005 18:49:58 GMT"},
                   {"X-OSS-Meta-Author", "foo@bar.com"},
                   {"X-OSS-Magic", "abracadabra"}};
    std::string sts = oss_v1_string_to_sign(req, "Thu, 17 Nov 2005 18:49:58 GMT",
                                            oss_v1_canonical_resource("oss-example", "nelson", {}));
    EXPECT_EQ(sts,
              "PUT\nODBGOERFMDMzQTczRUY3NUE3NzA5QzdFNUYzMDQxNEM=\ntext/html\nThu, 17 Nov 2005 18:49:58 GMT\n"
              "x-oss-magic:abracadabra\nx-oss-meta-author:foo@bar.com\n/oss-example/nelson");
    EXPECT_EQ(hmac_sha1_base64("OtxrzxIsfpFjA7SwPzILwy8Bw21TLhquhboDYROV", sts), "26NBxoKdsyly4EDv6inkoDft/yA=");
    EXPECT_EQ(http_date(1132253398), "Thu, 17 Nov 2005 18:49:58 GMT");
}

HttpRequest go_sdk_v1_request() {
    HttpRequest req;
    req.method = "PUT";
    req.headers = {{"Content-MD5", "eB5eJF1ptWaXm4bijSPyxw=="},
                   {"Content-Type", "text/html"},
                   {"x-oss-meta-author", "alice"},
                   {"x-oss-meta-magic", "abracadabra"},
                   {"x-oss-date", "Wed, 28 Dec 2022 10:27:41 GMT"}};
    return req;
}

TEST(OssV1, GoSdkHeaderVector) {
    HttpRequest req = go_sdk_v1_request();
    oss_v1_sign_header(req, "examplebucket", "nelson", {"ak", "sk", ""}, 1672223261);
    ASSERT_NE(req.header("Date"), nullptr);
    EXPECT_EQ(*req.header("Date"), "Wed, 28 Dec 2022 10:27:41 GMT");
    EXPECT_EQ(oss_v1_string_to_sign(req, *req.header("Date"), oss_v1_canonical_resource("examplebucket", "nelson", {})),
              "PUT\neB5eJF1ptWaXm4bijSPyxw==\ntext/html\nWed, 28 Dec 2022 10:27:41 GMT\nx-oss-date:Wed, 28 Dec 2022 "
              "10:27:41 GMT\nx-oss-meta-author:alice\nx-oss-meta-magic:abracadabra\n/examplebucket/nelson");
    EXPECT_EQ(*req.header("Authorization"), "OSS ak:kSHKmLxlyEAKtZPkJhG9bZb5k7M=");
}

TEST(OssV1, GoSdkHeaderVectorWithAclSubresource) {
    HttpRequest req = go_sdk_v1_request();
    req.query = {{"acl", std::nullopt}};
    oss_v1_sign_header(req, "examplebucket", "nelson", {"ak", "sk", ""}, 1672223261);
    EXPECT_EQ(*req.header("Authorization"), "OSS ak:/afkugFbmWDQ967j1vr6zygBLQk=");
}

TEST(OssV1, GoSdkPresignedQueryVector) {
    HttpRequest req;
    req.host = "bucket.oss-cn-hangzhou.aliyuncs.com";
    req.path = "/key";
    req.query = {{"versionId", "versionId"}};
    EXPECT_EQ(oss_v1_string_to_sign(req, "1699807420", oss_v1_canonical_resource("bucket", "key", req.query)),
              "GET\n\n\n1699807420\n/bucket/key?versionId=versionId");
    oss_v1_presign(req, "bucket", "key", {"ak", "sk", ""}, 1699807420);
    EXPECT_EQ(req.target(), "/key?versionId=versionId&OSSAccessKeyId=ak&Expires=1699807420&Signature=dcLTea%2BYh9ApirQ8o8dOPqtvJXQ%3D");
}

TEST(OssV1, StsTokenIsSignedAsAnOssHeader) {
    HttpRequest req;
    oss_v1_sign_header(req, "b", "k", {"STS.ak", "sk", "token-value"}, 1672223261);
    ASSERT_NE(req.header("x-oss-security-token"), nullptr);
    EXPECT_EQ(*req.header("x-oss-security-token"), "token-value");
    EXPECT_EQ(oss_v1_string_to_sign(req, *req.header("Date"), oss_v1_canonical_resource("b", "k", {})),
              "GET\n\n\nWed, 28 Dec 2022 10:27:41 GMT\nx-oss-security-token:token-value\n/b/k");
}

TEST(OssV1, StsTokenIsASignedSubresourceOfAPresignedAddress) {
    HttpRequest req;
    oss_v1_presign(req, "b", "k", {"STS.ak", "sk", "tok"}, 1699807420);
    EXPECT_EQ(oss_v1_canonical_resource("b", "k", req.query), "/b/k?security-token=tok");
}

HttpRequest go_sdk_v4_request() {
    HttpRequest req;
    req.method = "PUT";
    req.query = {{"param1", "value1"}, {"+param1", "value3"}, {"|param1", "value4"},
                 {"+param2", std::nullopt}, {"|param2", std::nullopt}, {"param2", std::nullopt}};
    req.headers = {{"x-oss-head1", "value"}, {"abc", "value"}, {"ZAbc", "value"}, {"XYZ", "value"},
                   {"Content-Type", "text/plain"}};
    return req;
}

TEST(OssV4, GoSdkHeaderVector) {
    HttpRequest req = go_sdk_v4_request();
    oss_v4_sign_header(req, "bucket", "1234+-/123/1.txt", {"ak", "sk", ""}, "cn-hangzhou", 1702743657);
    std::string cr = oss_v4_canonical_request(req, "bucket", "1234+-/123/1.txt");
    EXPECT_EQ(cr,
              "PUT\n"
              "/bucket/1234%2B-/123/1.txt\n"
              "%2Bparam1=value3&%2Bparam2&%7Cparam1=value4&%7Cparam2&param1=value1&param2\n"
              "content-type:text/plain\n"
              "x-oss-content-sha256:UNSIGNED-PAYLOAD\n"
              "x-oss-date:20231216T162057Z\n"
              "x-oss-head1:value\n"
              "\n"
              "\n"
              "UNSIGNED-PAYLOAD");
    std::string sts = oss_v4_string_to_sign(cr, 1702743657, "cn-hangzhou");
    EXPECT_EQ(sts,
              "OSS4-HMAC-SHA256\n20231216T162057Z\n20231216/cn-hangzhou/oss/aliyun_v4_request\n"
              "f4613657f1b108998e8dbd10a1aa5da621dc2c6e02c9ddec0f163664848704c4");
    EXPECT_EQ(oss_v4_signature("sk", 1702743657, "cn-hangzhou", sts),
              "e21d18daa82167720f9b1047ae7e7f1ce7cb77a31e8203a7d5f4624fa0284afe");
    EXPECT_EQ(*req.header("Authorization"),
              "OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,"
              "Signature=e21d18daa82167720f9b1047ae7e7f1ce7cb77a31e8203a7d5f4624fa0284afe");
}

TEST(OssV4, StsTokenIsASignedHeader) {
    HttpRequest req;
    oss_v4_sign_header(req, "b", "k", {"STS.ak", "sk", "tok"}, "cn-hangzhou", 1702743657);
    EXPECT_NE(oss_v4_canonical_request(req, "b", "k").find("x-oss-security-token:tok\n"), std::string::npos);
}

TEST(OssRegion, DerivedFromTheEndpoint) {
    struct Case {
        const char* host;
        const char* region;
    };
    for (const Case& c : {Case{"oss-cn-hangzhou.aliyuncs.com", "cn-hangzhou"},
                          Case{"oss-cn-shanghai-internal.aliyuncs.com", "cn-shanghai"},
                          Case{"oss-ap-southeast-1.aliyuncs.com", "ap-southeast-1"},
                          Case{"oss-accelerate.aliyuncs.com", ""}, Case{"127.0.0.1", ""},
                          Case{"example.com", ""}})
        EXPECT_EQ(oss_region_from_endpoint(c.host), c.region) << c.host;
}

}  // namespace
}  // namespace ferry::cloud
