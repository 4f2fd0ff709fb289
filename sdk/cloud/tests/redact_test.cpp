// Which parts of an address are secret, and how they are kept out of what people see.
#include "ferry/cloud/redact.hpp"

#include <gtest/gtest.h>

namespace ferry::cloud {
namespace {

TEST(Redact, HidesSignaturesTokensAndUserInfo) {
    EXPECT_EQ(redact_url("https://b.oss.example.com/k.zip?OSSAccessKeyId=AK&Expires=1&Signature=abc%2B&security-token=T"),
              "https://b.oss.example.com/k.zip?OSSAccessKeyId=AK&Expires=1&Signature=REDACTED&security-token=REDACTED");
    EXPECT_EQ(redact_url("https://h/k?x-oss-signature=1&X-Amz-Signature=2&X-Amz-Security-Token=3&a=b"),
              "https://h/k?x-oss-signature=REDACTED&X-Amz-Signature=REDACTED&X-Amz-Security-Token=REDACTED&a=b");
    EXPECT_EQ(redact_url("https://u:p@h/k"), "https://REDACTED@h/k");
    EXPECT_EQ(redact_url("https://h/k"), "https://h/k");
}

TEST(Redact, ScrubRemovesSecretsAndTokensWhereverTheyAppear) {
    EXPECT_EQ(scrub("secret=TopSecret1 and TopSecret1", {"TopSecret1"}), "secret=REDACTED and REDACTED");
    EXPECT_EQ(scrub("GET\n\n\n1\n/b/k?security-token=abc&versionId=1", {}),
              "GET\n\n\n1\n/b/k?security-token=REDACTED&versionId=1");
    EXPECT_EQ(scrub("x-oss-security-token:abc\n/b/k", {}), "x-oss-security-token:REDACTED\n/b/k");
}

TEST(Redact, UrlSecretsAreTheSignatureAndTokenValuesBothEncodedAndDecoded) {
    EXPECT_EQ(url_secrets("https://h/k?OSSAccessKeyId=AK&Signature=ab%2Bc%3D&security-token=tok&x=1"),
              (std::vector<std::string>{"ab%2Bc%3D", "ab+c=", "tok"}));
    EXPECT_TRUE(url_secrets("https://h/k").empty());
}

TEST(Redact, SensitiveParametersAreSignaturesAndTokensOnly) {
    for (const char* name : {"Signature", "x-oss-signature", "security-token", "X-Amz-Signature", "X-Amz-Security-Token"})
        EXPECT_TRUE(sensitive_parameter(name)) << name;
    for (const char* name : {"Expires", "OSSAccessKeyId", "versionId", "x"}) EXPECT_FALSE(sensitive_parameter(name)) << name;
}

}  // namespace
}  // namespace ferry::cloud

namespace ferry::cloud {
namespace {

TEST(Redact, SecretFieldsAreTheSecretsNotWhereToFindThem) {
    for (const char* key : {"password", "Password", "db_passwd", "accessKeySecret", "access_key_secret", "token",
                            "securityToken", "privateKey", "private-key", "credentials", "pwd", "db_pwd"})
        EXPECT_TRUE(secret_field(key)) << key;
    for (const char* key : {"password_env", "passwordFile", "private_key_path", "token_file", "username", "host",
                            "accessKeyId", "port", "database", "tokenizer_env"})
        EXPECT_FALSE(secret_field(key)) << key;
}

}  // namespace
}  // namespace ferry::cloud
