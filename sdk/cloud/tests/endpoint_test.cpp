// Object-store endpoints as users write them.
#include "ferry/cloud/endpoint.hpp"

#include <gtest/gtest.h>

namespace ferry::cloud {
namespace {

TEST(Endpoint, DefaultsToHttpsAndRefusesPaths) {
    std::string error;
    auto e = parse_endpoint("oss-cn-hangzhou.aliyuncs.com", error);
    ASSERT_TRUE(e) << error;
    EXPECT_EQ(e->scheme, "https");
    EXPECT_EQ(e->host, "oss-cn-hangzhou.aliyuncs.com");
    e = parse_endpoint("http://127.0.0.1:9000", error);
    ASSERT_TRUE(e) << error;
    EXPECT_EQ(e->scheme, "http");
    EXPECT_EQ(e->port, 9000);
    EXPECT_FALSE(parse_endpoint("https://h/bucket", error));
    EXPECT_EQ(error, "endpoint 'https://h/bucket' must be a host (and port), without a path or query");
}

TEST(BucketUrl, SplitsBucketAndKey) {
    std::string bucket, key;
    EXPECT_TRUE(split_bucket_url("oss://b-1/dir/pkg.zip", "oss", bucket, key));
    EXPECT_EQ(bucket, "b-1");
    EXPECT_EQ(key, "dir/pkg.zip");
    EXPECT_FALSE(split_bucket_url("s3://b-1/", "s3", bucket, key));
    EXPECT_FALSE(split_bucket_url("oss://b-1/k", "s3", bucket, key));
}

}  // namespace
}  // namespace ferry::cloud
