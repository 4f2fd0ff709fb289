// ACS3-HMAC-SHA256 against the three vectors of dataworks-openapi.md section 4: the published
// RunInstances example, a CreateNode form body, and ListNodes' query encoding.
#include "ferry/cloud/signer_acs3.hpp"

#include <gtest/gtest.h>

#include <regex>

#include "ferry/cloud/digest.hpp"

namespace ferry::cloud {
namespace {

const Credentials kKey{"YourAccessKeyId", "YourAccessKeySecret", ""};

std::string signature_of(const HttpRequest& signed_request) {
    const std::string& auth = *signed_request.header("Authorization");
    return auth.substr(auth.rfind("Signature=") + 10);
}

TEST(Acs3, PublishedRunInstancesVector) {
    HttpRequest req;
    req.method = "POST";
    req.host = "ecs.cn-shanghai.aliyuncs.com";
    req.query = {{"ImageId", "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd"}, {"RegionId", "cn-shanghai"}};
    sign_acs3(req, "", kKey, {"RunInstances", "2014-05-26", "2023-10-26T10:22:32Z", "3156853299f313e23d1673dc12e1703d"});
    std::string signed_headers;
    const std::string canonical = acs3_canonical_request(req, "", &signed_headers);
    EXPECT_EQ(canonical,
              "POST\n/\n"
              "ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai\n"
              "host:ecs.cn-shanghai.aliyuncs.com\n"
              "x-acs-action:RunInstances\n"
              "x-acs-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
              "x-acs-date:2023-10-26T10:22:32Z\n"
              "x-acs-signature-nonce:3156853299f313e23d1673dc12e1703d\n"
              "x-acs-version:2014-05-26\n\n"
              "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version\n"
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(signed_headers, "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version");
    EXPECT_EQ(sha256_hex(canonical), "7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259");
    EXPECT_EQ(*req.header("Authorization"),
              "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,"
              "SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,"
              "Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0");
    EXPECT_EQ(req.header("x-acs-security-token"), nullptr);
}

TEST(Acs3, CreateNodeFormBodyVector) {
    const std::string spec =
        R"({"version":"1.1.0","kind":"Node","spec":{"nodes":[{"name":"n1","script":{"path":"ferry/n1",)"
        R"("runtime":{"command":"ODPS_SQL"},"content":"select 1;"}}]}})";
    const std::string body = form_encode({{"ProjectId", "123456"}, {"Scene", "DATAWORKS_PROJECT"}, {"Spec", spec}});
    EXPECT_EQ(body,
              "ProjectId=123456&Scene=DATAWORKS_PROJECT&Spec=%7B%22version%22%3A%221.1.0%22%2C%22kind%22%3A%22Node%22%2C"
              "%22spec%22%3A%7B%22nodes%22%3A%5B%7B%22name%22%3A%22n1%22%2C%22script%22%3A%7B%22path%22%3A%22ferry%2Fn1%22"
              "%2C%22runtime%22%3A%7B%22command%22%3A%22ODPS_SQL%22%7D%2C%22content%22%3A%22select%201%3B%22%7D%7D%5D%7D%7D");
    EXPECT_EQ(sha256_hex(body), "e918c4fef05845ca4799d1780375d07a4a199313066a993eaf138eeed1f5a097");

    HttpRequest req;
    req.method = "POST";
    req.host = "dataworks.cn-shanghai.aliyuncs.com";
    req.set_header("Content-Type", "application/x-www-form-urlencoded");
    sign_acs3(req, body, kKey, {"CreateNode", "2024-05-18", "2025-01-02T03:04:05Z", "6b8f0e2c1d4a4f5e9a7b3c2d1e0f9a8b"});
    EXPECT_EQ(*req.header("x-acs-content-sha256"), "e918c4fef05845ca4799d1780375d07a4a199313066a993eaf138eeed1f5a097");
    const std::string canonical = acs3_canonical_request(req, body);
    EXPECT_EQ(canonical,
              "POST\n/\n\n"
              "content-type:application/x-www-form-urlencoded\n"
              "host:dataworks.cn-shanghai.aliyuncs.com\n"
              "x-acs-action:CreateNode\n"
              "x-acs-content-sha256:e918c4fef05845ca4799d1780375d07a4a199313066a993eaf138eeed1f5a097\n"
              "x-acs-date:2025-01-02T03:04:05Z\n"
              "x-acs-signature-nonce:6b8f0e2c1d4a4f5e9a7b3c2d1e0f9a8b\n"
              "x-acs-version:2024-05-18\n\n"
              "content-type;host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version\n"
              "e918c4fef05845ca4799d1780375d07a4a199313066a993eaf138eeed1f5a097");
    EXPECT_EQ(sha256_hex(canonical), "ccb6852a5321886d2aac202f0d10a0435626b45c1e9149ab454926e62f499b6e");
    EXPECT_EQ(signature_of(req), "2932ae2a1c125832394ba0445907d36a8e0bddc6ea0e62c38aa9246cc991ca24");
}

TEST(Acs3, ListNodesQueryEncodingVector) {
    HttpRequest req;
    req.method = "GET";
    req.host = "dataworks.cn-shanghai.aliyuncs.com";
    req.query = {{"ProjectId", "123456"},
                 {"Name", "\xE6\x97\xA5\xE6\x8A\xA5 a*b~c/d+e"},  // 日报 a*b~c/d+e
                 {"PageSize", "50"},
                 {"PageNumber", "1"},
                 {"Scene", ""}};
    sign_acs3(req, "", kKey, {"ListNodes", "2024-05-18", "2025-01-02T03:04:05Z", "0f1e2d3c4b5a69788796a5b4c3d2e1f0"});
    const std::string canonical = acs3_canonical_request(req, "");
    EXPECT_EQ(canonical.substr(0, canonical.find('\n', 6) + 1),
              "GET\n/\nName=%E6%97%A5%E6%8A%A5%20a%2Ab~c%2Fd%2Be&PageNumber=1&PageSize=50&ProjectId=123456&Scene=\n");
    EXPECT_EQ(sha256_hex(canonical), "76ee1c5c9aa40dca026cb4c9fc5a550c92b88bd0eb54b1da160ab8706b62eb84");
    EXPECT_EQ(signature_of(req), "276d0af70ca0e301b11364bc3868fa0b0b80d3df42e2111acc187ea3fb57dad8");
    // A parameter without a value is signed as "Scene=" too, never as a bare "Scene".
    req.query.back().value.reset();
    EXPECT_EQ(sha256_hex(acs3_canonical_request(req, "")), "76ee1c5c9aa40dca026cb4c9fc5a550c92b88bd0eb54b1da160ab8706b62eb84");
}

TEST(Acs3, StsTokenIsSentAndSigned) {
    HttpRequest req;
    req.host = "dataworks.cn-shanghai.aliyuncs.com";
    sign_acs3(req, "", {"id", "secret", "token"}, {"GetProject", "2024-05-18", "2025-01-02T03:04:05Z", "n"});
    EXPECT_EQ(*req.header("x-acs-security-token"), "token");
    std::string signed_headers;
    acs3_canonical_request(req, "", &signed_headers);
    EXPECT_EQ(signed_headers,
              "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-security-token;x-acs-signature-nonce;x-acs-version");
}

TEST(Acs3, RepeatedHeadersAreSortedAndJoinedOtherHeadersAreNotSigned) {
    HttpRequest req;
    req.host = "h";
    req.headers = {{"X-Acs-Extra", " b "}, {"x-acs-extra", "a"}, {"User-Agent", "ferry"}, {"Accept", "*/*"}};
    std::string signed_headers;
    const std::string canonical = acs3_canonical_request(req, "", &signed_headers);
    EXPECT_EQ(signed_headers, "host;x-acs-extra");
    EXPECT_NE(canonical.find("\nhost:h\nx-acs-extra:a,b\n\n"), std::string::npos) << canonical;
}

TEST(Acs3, DateAndNonceForNow) {
    EXPECT_TRUE(std::regex_match(acs3_utc_now(), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)"))) << acs3_utc_now();
    const std::string a = acs3_nonce(), b = acs3_nonce();
    EXPECT_TRUE(std::regex_match(a, std::regex("[0-9a-f]{32}"))) << a;
    EXPECT_NE(a, b);
}

}  // namespace
}  // namespace ferry::cloud
