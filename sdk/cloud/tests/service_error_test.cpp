#include "ferry/cloud/service_error.hpp"

#include <gtest/gtest.h>

namespace ferry::cloud {
namespace {

TEST(ServiceError, ParsesTheOssErrorDocument) {
    auto e = parse_service_error(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>\n  <Code>SignatureDoesNotMatch</Code>\n"
        "  <Message>The request signature we calculated does not match.</Message>\n"
        "  <RequestId>5C3D9175B6FC201293AD****</RequestId>\n  <HostId>b.oss-cn-hangzhou.aliyuncs.com</HostId>\n"
        "  <StringToSign>GET\n\n\nWed, 28 Dec 2022 10:27:41 GMT\n/b/k</StringToSign>\n  <EC>0002-00000040</EC>\n</Error>");
    EXPECT_EQ(e.code, "SignatureDoesNotMatch");
    EXPECT_EQ(e.message, "The request signature we calculated does not match.");
    EXPECT_EQ(e.request_id, "5C3D9175B6FC201293AD****");
    EXPECT_EQ(e.host_id, "b.oss-cn-hangzhou.aliyuncs.com");
    EXPECT_EQ(e.string_to_sign, "GET\n\n\nWed, 28 Dec 2022 10:27:41 GMT\n/b/k");
    EXPECT_EQ(e.ec, "0002-00000040");
}

TEST(ServiceError, AnythingElseLeavesItEmpty) {
    EXPECT_EQ(parse_service_error("<html>503</html>").code, "");
    EXPECT_EQ(parse_service_error("<Error><Code>x</Code").code, "");
    EXPECT_EQ(parse_service_error("").code, "");
}

}  // namespace
}  // namespace ferry::cloud
