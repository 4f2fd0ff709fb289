#include "ferry/cloud/credentials.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace ferry::cloud {
namespace {

std::string write_file(const std::string& name, const std::string& text, mode_t mode) {
    auto path = std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()));
    std::ofstream(path) << text;
    ::chmod(path.c_str(), mode);
    return path.string();
}

TEST(Credentials, NothingConfiguredMeansAnonymous) {
    sdk::Diagnostics diags;
    auto c = load_credentials({}, diags);
    ASSERT_TRUE(c);
    EXPECT_TRUE(c->empty());
    EXPECT_TRUE(diags.empty());
}

TEST(Credentials, FromEnvironmentVariables) {
    ::setenv("FERRY_T_AK", "id1", 1);
    ::setenv("FERRY_T_SK", "secret1", 1);
    ::setenv("FERRY_T_TOKEN", "token1", 1);
    sdk::Diagnostics diags;
    auto c = load_credentials({"FERRY_T_AK", "FERRY_T_SK", "FERRY_T_TOKEN", "", "cfg:1:1"}, diags);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->access_key_id, "id1");
    EXPECT_EQ(c->access_key_secret, "secret1");
    EXPECT_EQ(c->security_token, "token1");
    EXPECT_EQ(c->secrets(), (std::vector<std::string>{"secret1", "token1"}));
}

TEST(Credentials, AnUnsetVariableIsNamed) {
    ::setenv("FERRY_T_AK2", "id1", 1);
    ::unsetenv("FERRY_T_MISSING");
    sdk::Diagnostics diags;
    EXPECT_FALSE(load_credentials({"FERRY_T_AK2", "FERRY_T_MISSING", "", "", "cfg:3:1"}, diags));
    ASSERT_EQ(diags.items().size(), 1u);
    EXPECT_EQ(diags.items()[0].code, "FERRY-CLOUD-CREDENTIALS");
    EXPECT_EQ(diags.items()[0].summary,
              "the environment variable FERRY_T_MISSING (named for the AccessKey secret) is not set");
    EXPECT_EQ(diags.items()[0].where, "cfg:3:1");
}

TEST(Credentials, FromAFile) {
    auto path = write_file("ferry-creds", "# test\naccess_key_id = id2\naccess_key_secret=secret2\nsts_token=tok2\n", 0600);
    sdk::Diagnostics diags;
    CredentialSource src;
    src.file = path;
    auto c = load_credentials(src, diags);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->access_key_id, "id2");
    EXPECT_EQ(c->access_key_secret, "secret2");
    EXPECT_EQ(c->security_token, "tok2");
    EXPECT_TRUE(diags.empty());
}

TEST(Credentials, AWorldReadableFileWarnsAndAnUnknownKeyIsRefusedWithoutItsValue) {
    auto path = write_file("ferry-creds-bad", "access_key_id=id\nsecret: hunter22\n", 0644);
    sdk::Diagnostics diags;
    CredentialSource src;
    src.file = path;
    EXPECT_FALSE(load_credentials(src, diags));
    ASSERT_EQ(diags.items().size(), 2u);
    EXPECT_EQ(diags.items()[0].code, "FERRY-CLOUD-CREDENTIALS-PERMISSIONS");
    EXPECT_EQ(diags.items()[1].code, "FERRY-CLOUD-CREDENTIALS");
    EXPECT_EQ(diags.items()[1].summary, path + ":2: unknown key 'secret: hunter22'");
}

}  // namespace
}  // namespace ferry::cloud
