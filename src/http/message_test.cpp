#include "http/message.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace sg::http {
namespace {

TEST(Multipart, FindsTheFilePart) {
  const std::string body =
      "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n"
      "Content-Type: text/csv\r\n\r\ncode,name\r\nA1,x\r\n\r\n--XyZ--\r\n";
  const auto parts = ParseMultipart("multipart/form-data; boundary=XyZ", body);
  ASSERT_TRUE(parts);
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ(parts->front().name, "file");
  EXPECT_EQ(parts->front().filename, "a.csv");
  EXPECT_EQ(parts->front().content, "code,name\r\nA1,x\r\n");
}

TEST(Multipart, RejectsMalformedBodies) {
  EXPECT_FALSE(ParseMultipart("text/plain", "x"));
  EXPECT_FALSE(ParseMultipart("multipart/form-data", "x"));
  EXPECT_FALSE(ParseMultipart("multipart/form-data; boundary=b", "--b\r\nno end"));
}

TEST(Errors, InternalErrorsNeverCarryTheirDetail) {
  const Response response = ErrorResponse(Error::Internal("SELECT secret FROM t"), "req1");
  EXPECT_EQ(response.status, 500u);
  EXPECT_EQ(response.body.find("SELECT"), std::string::npos);
  EXPECT_NE(response.body.find("req1"), std::string::npos);
}

TEST(Errors, ValidationErrorsListTheirFields) {
  const Response response =
      ErrorResponse(Error::Validation({{"amount", {"mustNotBeNegative"}}}), "r");
  EXPECT_EQ(response.status, 422u);
  const auto body = boost::json::parse(response.body);
  EXPECT_EQ(body.at("error").at("fields").at("amount").at(0), "mustNotBeNegative");
}

TEST(Cookies, AreFoundByName) {
  Request request;
  request.headers["cookie"] = "a=1; sg_session=abc; b=2";
  EXPECT_EQ(request.Cookie("sg_session"), "abc");
  EXPECT_EQ(request.Cookie("missing"), std::nullopt);
}

}  // namespace
}  // namespace sg::http
