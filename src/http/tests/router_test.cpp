#include "comptoir/http/router.hpp"

#include <gtest/gtest.h>

#include <variant>

namespace comptoir::http {
namespace {

HandlerFn Named(std::string name) {
  return [name](Request&) {
    Response res;
    res.body = name;
    return res;
  };
}

std::string Call(const Router::Match& m, Request& req) {
  if (!m.handler) return "<none>";
  return (*m.handler)(req).body;
}

Request Req(std::string method, std::string path) {
  Request req;
  req.method = std::move(method);
  req.path = std::move(path);
  return req;
}

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() {
    router_.Add("GET", "/api/v2/users", Named("list"));
    router_.Add("POST", "/api/v2/users", Named("create"));
    router_.Add("GET", "/api/v2/users/me", Named("me"));
    router_.Add("GET", "/api/v2/users/{id}", Named("show"));
    router_.Add("PUT", "/api/v2/users/{user_id}", Named("update"));
    router_.Add("GET", "/api/v2/users/{id}/identities/{identity_id}", Named("identity"));
    router_.Add("GET", "/api/v2/users/me/settings", Named("settings"));
    router_.Add("GET", "/", Named("root"));
  }
  Router router_;
};

TEST_F(RouterTest, MatchesLiteralPath) {
  Request req = Req("GET", "/api/v2/users");
  auto m = router_.Find(req);
  EXPECT_EQ(Call(m, req), "list");
  EXPECT_TRUE(req.params.empty());
  Request root = Req("GET", "/");
  EXPECT_EQ(Call(router_.Find(root), root), "root");
}

TEST_F(RouterTest, LiteralBeatsParameter) {
  Request req = Req("GET", "/api/v2/users/me");
  EXPECT_EQ(Call(router_.Find(req), req), "me");
  EXPECT_TRUE(req.params.empty());
}

TEST_F(RouterTest, FillsParameters) {
  Request req = Req("GET", "/api/v2/users/42/identities/7");
  EXPECT_EQ(Call(router_.Find(req), req), "identity");
  EXPECT_EQ(req.Param("id"), "42");
  EXPECT_EQ(req.Param("identity_id"), "7");
  EXPECT_EQ(req.Param("missing"), "");
}

TEST_F(RouterTest, ParameterNamesArePerRoute) {
  Request req = Req("PUT", "/api/v2/users/42");
  EXPECT_EQ(Call(router_.Find(req), req), "update");
  EXPECT_EQ(req.Param("user_id"), "42");
  EXPECT_EQ(req.Param("id"), "");
}

TEST_F(RouterTest, FallsBackToParameterWhenLiteralBranchDeadEnds) {
  // "me" matches the literal, which has no "identities" child: the {id} branch serves it.
  Request req = Req("GET", "/api/v2/users/me/identities/3");
  EXPECT_EQ(Call(router_.Find(req), req), "identity");
  EXPECT_EQ(req.Param("id"), "me");
}

TEST_F(RouterTest, UnknownMethodReportsAllow) {
  Request req = Req("DELETE", "/api/v2/users");
  auto m = router_.Find(req);
  EXPECT_EQ(m.handler, nullptr);
  EXPECT_TRUE(m.path_known);
  EXPECT_EQ(m.allow, "GET, HEAD, POST");
}

TEST_F(RouterTest, UnknownPathIsNotKnown) {
  Request req = Req("GET", "/api/v2/nothing");
  auto m = router_.Find(req);
  EXPECT_EQ(m.handler, nullptr);
  EXPECT_FALSE(m.path_known);
  Request deeper = Req("GET", "/api/v2/users/1/2");
  EXPECT_FALSE(router_.Find(deeper).path_known);
}

TEST_F(RouterTest, HeadUsesGetHandler) {
  Request req = Req("HEAD", "/api/v2/users/5");
  EXPECT_EQ(Call(router_.Find(req), req), "show");
}

TEST_F(RouterTest, JsonStrippedPathMatches) {
  // The server strips ".json" before routing; the router sees the bare path.
  Request req = Req("GET", "/api/v2/users/me/settings");
  req.json_suffix = true;
  EXPECT_EQ(Call(router_.Find(req), req), "settings");
}

TEST_F(RouterTest, ClearsStaleParams) {
  Request req = Req("GET", "/api/v2/users");
  req.params.emplace_back("id", "old");
  router_.Find(req);
  EXPECT_TRUE(req.params.empty());
}

TEST_F(RouterTest, LaterAddReplaces) {
  router_.Add("GET", "/api/v2/users", Named("list2"));
  Request req = Req("GET", "/api/v2/users");
  EXPECT_EQ(Call(router_.Find(req), req), "list2");
}

TEST_F(RouterTest, MovedRouterStillRoutes) {
  Router moved = std::move(router_);
  Request req = Req("GET", "/api/v2/users/me");
  EXPECT_EQ(Call(moved.Find(req), req), "me");
}

UpgradeHandler Upgrade(std::string name) {
  return [name](Request&) -> UpgradeResult {
    Response res;
    res.body = name;
    return res;
  };
}

std::string CallUpgrade(const UpgradeHandler* fn, Request& req) {
  if (!fn) return "<none>";
  return std::get<Response>((*fn)(req)).body;
}

TEST_F(RouterTest, WebSocketRoutesAreFoundApartFromMethods) {
  router_.AddWebSocket("/api/v2/live", Upgrade("live"));
  router_.AddWebSocket("/api/v2/users/{id}/live", Upgrade("user live"));
  Request req = Req("GET", "/api/v2/users/42/live");
  EXPECT_EQ(CallUpgrade(router_.FindWebSocket(req), req), "user live");
  EXPECT_EQ(req.Param("id"), "42");
  Request live = Req("GET", "/api/v2/live");
  EXPECT_EQ(CallUpgrade(router_.FindWebSocket(live), live), "live");
  // A path with only method routes has no WebSocket route, and the reverse.
  Request users = Req("GET", "/api/v2/users");
  EXPECT_EQ(router_.FindWebSocket(users), nullptr);
  Request plain = Req("GET", "/api/v2/live");
  auto m = router_.Find(plain);
  EXPECT_EQ(m.handler, nullptr);
  EXPECT_FALSE(m.path_known);
}

TEST_F(RouterTest, WebSocketAndGetRoutesShareAPath) {
  router_.Add("GET", "/api/v2/live", Named("page"));
  router_.AddWebSocket("/api/v2/live", Upgrade("socket"));
  Request get = Req("GET", "/api/v2/live");
  EXPECT_EQ(Call(router_.Find(get), get), "page");
  Request upgrade = Req("GET", "/api/v2/live");
  EXPECT_EQ(CallUpgrade(router_.FindWebSocket(upgrade), upgrade), "socket");
  // The literal WebSocket route wins over a parameter one, with backtracking as for Find.
  router_.AddWebSocket("/api/v2/users/{id}", Upgrade("user socket"));
  Request me = Req("GET", "/api/v2/users/me");
  EXPECT_EQ(CallUpgrade(router_.FindWebSocket(me), me), "user socket");
  EXPECT_EQ(me.Param("id"), "me");
}

TEST(MessageTest, HeaderLookupIsCaseInsensitive) {
  Request req;
  req.headers = {{"Content-Type", "application/json"}, {"X-A", "1"}, {"x-a", "2"}};
  EXPECT_EQ(req.Header("content-type"), "application/json");
  EXPECT_EQ(req.Header("X-A"), "1");
  EXPECT_EQ(req.Header("missing"), "");
  EXPECT_TRUE(IEquals("Abc", "aBC"));
  EXPECT_FALSE(IEquals("Abc", "Abd"));
  EXPECT_FALSE(IEquals("Abc", "Ab"));
}

TEST(MessageTest, QueryReturnsFirstOrNull) {
  Request req;
  req.query = {{"a", "1"}, {"a", "2"}};
  ASSERT_NE(req.Query("a"), nullptr);
  EXPECT_EQ(*req.Query("a"), "1");
  EXPECT_EQ(req.Query("b"), nullptr);
}

}  // namespace
}  // namespace comptoir::http
