#include "wire.hpp"

#include <gtest/gtest.h>

namespace comptoir::http {
namespace {

std::string Head(const Response& res, HeadOptions o = {}) {
  std::string out;
  SerializeHead(res, "rid", o, out);
  return out;
}

TEST(SerializeHeadTest, WritesStatusLineAndTransportHeaders) {
  Response res;
  res.body = "{}";
  std::string h = Head(res);
  EXPECT_EQ(h.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  EXPECT_NE(h.find("\r\nServer: Comptoir\r\n"), std::string::npos);
  EXPECT_NE(h.find("\r\nX-Request-Id: rid\r\n"), std::string::npos);
  EXPECT_NE(h.find("\r\nContent-Type: application/json; charset=utf-8\r\n"), std::string::npos);
  EXPECT_NE(h.find("\r\nContent-Length: 2\r\n"), std::string::npos);
  EXPECT_NE(h.find("\r\nDate: "), std::string::npos);
  EXPECT_EQ(h.find("Connection"), std::string::npos);
  EXPECT_TRUE(h.ends_with("\r\n\r\n"));
}

TEST(SerializeHeadTest, OmitsEmptyContentTypeAndNoContentLength) {
  Response res;
  res.status = 204;
  res.content_type.clear();
  std::string h = Head(res);
  EXPECT_EQ(h.rfind("HTTP/1.1 204 No Content\r\n", 0), 0u);
  EXPECT_EQ(h.find("Content-Type"), std::string::npos);
  EXPECT_EQ(h.find("Content-Length"), std::string::npos);
}

TEST(SerializeHeadTest, RetryAfterOnlyOn429And503) {
  Response res;
  res.status = 500;
  res.Header("Retry-After", "5");
  EXPECT_EQ(Head(res).find("Retry-After"), std::string::npos);
  res.status = 429;
  EXPECT_NE(Head(res).find("\r\nRetry-After: 5\r\n"), std::string::npos);
  res.status = 503;
  EXPECT_NE(Head(res).find("\r\nRetry-After: 5\r\n"), std::string::npos);
}

TEST(SerializeHeadTest, DropsHeaderInjectionAndTransportOwnedHeaders) {
  Response res;
  res.Header("Location", "/x\r\nSet-Cookie: evil=1");
  res.Header("Content-Length", "999");
  res.Header("Bad Name", "v");
  res.Header("X-Ok", "yes");
  std::string h = Head(res);
  EXPECT_EQ(h.find("evil"), std::string::npos);
  EXPECT_EQ(h.find("999"), std::string::npos);
  EXPECT_EQ(h.find("Bad Name"), std::string::npos);
  EXPECT_NE(h.find("\r\nX-Ok: yes\r\n"), std::string::npos);
}

TEST(SerializeHeadTest, ConnectionHeaders) {
  Response res;
  EXPECT_NE(Head(res, {.close = true}).find("\r\nConnection: close\r\n"), std::string::npos);
  EXPECT_NE(Head(res, {.keep_alive_10 = true}).find("\r\nConnection: keep-alive\r\n"),
            std::string::npos);
  res.Header("Connection", "close");
  EXPECT_TRUE(WantsClose(res));
  EXPECT_FALSE(WantsClose(Response{}));
}

TEST(SerializeHeadTest, UnknownStatusGetsGenericReason) {
  Response res;
  res.status = 599;
  EXPECT_EQ(Head(res).rfind("HTTP/1.1 599 ", 0), 0u);
}

TEST(RequestIdTest, Validation) {
  EXPECT_TRUE(ValidRequestId("abc-DEF_1.2"));
  EXPECT_TRUE(ValidRequestId(std::string(64, 'a')));
  EXPECT_FALSE(ValidRequestId(""));
  EXPECT_FALSE(ValidRequestId(std::string(65, 'a')));
  EXPECT_FALSE(ValidRequestId("a b"));
  EXPECT_FALSE(ValidRequestId("a\"b"));
}

TEST(RequestIdTest, GeneratedIdsAreValidAndDistinct) {
  std::string a = NewRequestId();
  std::string b = NewRequestId();
  EXPECT_EQ(a.size(), 16u);
  EXPECT_TRUE(ValidRequestId(a));
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace comptoir::http
