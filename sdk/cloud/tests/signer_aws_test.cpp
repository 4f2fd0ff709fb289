// AWS's published examples: the SigV4 test suite's get-vanilla, the S3 GetObject example of the
// SigV4 documentation, and the S3 SigV2 documentation's puppy.jpg example.
#include <gtest/gtest.h>

#include "ferry/cloud/aws_signer.hpp"
#include "ferry/cloud/digest.hpp"

namespace ferry::cloud {
namespace {

TEST(AwsV4, TestSuiteGetVanilla) {
    HttpRequest req;
    req.host = "example.amazonaws.com";
    aws_v4_sign_header(req, {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""}, "us-east-1", "service",
                       1440938160);
    std::string signed_headers;
    EXPECT_EQ(aws_v4_canonical_request(req, signed_headers),
              "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(*req.header("Authorization"),
              "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
              "SignedHeaders=host;x-amz-date, "
              "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST(AwsV4, S3GetObjectExample) {
    HttpRequest req;
    req.host = "examplebucket.s3.amazonaws.com";
    req.path = "/test.txt";
    req.headers = {{"Range", "bytes=0-9"},
                   {"x-amz-content-sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}};
    aws_v4_sign_header(req, {"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""}, "us-east-1", "s3",
                       1369353600);
    EXPECT_EQ(*req.header("Authorization"),
              "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
              "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
              "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(AwsV2, S3DocumentationGetObjectExample) {
    HttpRequest req;
    std::string sts = aws_v2_string_to_sign(req, "Tue, 27 Mar 2007 19:36:42 +0000",
                                            aws_v2_canonical_resource("johnsmith", "photos/puppy.jpg", {}));
    EXPECT_EQ(sts, "GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/johnsmith/photos/puppy.jpg");
    EXPECT_EQ(hmac_sha1_base64("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", sts), "bWq2s1WEIj+Ydj0vQ697zp+IXMU=");
}

TEST(AwsV2, HeaderUsesTheAwsSchemeAndAmzHeaders) {
    HttpRequest req;
    req.headers = {{"x-amz-meta-a", "1"}, {"x-oss-meta-b", "2"}};
    aws_v2_sign_header(req, "bucket", "key", {"AK", "SECRET", "tok"}, 1369353600);
    EXPECT_EQ(req.header("Date"), nullptr);
    EXPECT_EQ(aws_v2_string_to_sign(req, "", aws_v2_canonical_resource("bucket", "key", {})),
              "GET\n\n\n\nx-amz-date:Fri, 24 May 2013 00:00:00 GMT\nx-amz-meta-a:1\nx-amz-security-token:tok\n/bucket/key");
    EXPECT_EQ(req.header("Authorization")->rfind("AWS AK:", 0), 0u);
}

}  // namespace
}  // namespace ferry::cloud
