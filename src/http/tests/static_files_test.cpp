#include "comptoir/http/static_files.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

namespace comptoir::http {
namespace {

namespace fs = std::filesystem;

void Write(const fs::path& p, std::string_view text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

std::string HeaderOf(const Response& r, std::string_view name) {
  for (const auto& [n, v] : r.headers) {
    if (IEquals(n, name)) return v;
  }
  return "";
}

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    base_ = fs::temp_directory_path() / ("comptoir-static-" + std::to_string(rd()));
    root_ = base_ / "dist";
    Write(root_ / "index.html", "<!doctype html><title>app</title>");
    Write(root_ / "assets/index-abc123.js", "console.log(1)");
    Write(root_ / "assets/index-abc123.js.gz", "GZIPPED");
    Write(root_ / "favicon.svg", "<svg/>");
    Write(base_ / "secret.txt", "secret");
  }
  void TearDown() override { fs::remove_all(base_); }

  Response Get(std::string target, std::vector<std::pair<std::string, std::string>> headers = {}) {
    StaticFiles files("/agent", root_);
    Request req;
    req.method = "GET";
    req.target = std::move(target);
    req.path = req.target.substr(0, req.target.find('?'));
    req.headers = std::move(headers);
    return files.Serve(req);
  }

  fs::path base_, root_;
};

TEST_F(StaticFilesTest, MatchesOnlyItsPrefix) {
  StaticFiles files("/agent", root_);
  EXPECT_TRUE(files.Matches("/agent"));
  EXPECT_TRUE(files.Matches("/agent/tickets/1"));
  EXPECT_FALSE(files.Matches("/agents"));
  EXPECT_FALSE(files.Matches("/api/v2/tickets"));
}

TEST_F(StaticFilesTest, ServesIndexWithNoCache) {
  Response r = Get("/agent/");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(r.body, "<!doctype html><title>app</title>");
  EXPECT_EQ(HeaderOf(r, "Cache-Control"), "no-cache");
  EXPECT_FALSE(HeaderOf(r, "ETag").empty());
  EXPECT_FALSE(HeaderOf(r, "Content-Security-Policy").empty());
}

TEST_F(StaticFilesTest, RedirectsBarePrefix) {
  Response r = Get("/agent");
  EXPECT_EQ(r.status, 301u);
  EXPECT_EQ(HeaderOf(r, "Location"), "/agent/");
}

TEST_F(StaticFilesTest, ClientRoutesFallBackToIndex) {
  Response r = Get("/agent/views/12?page=2");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, "<!doctype html><title>app</title>");
}

TEST_F(StaticFilesTest, MissingAssetIs404NotIndex) {
  EXPECT_EQ(Get("/agent/assets/gone-123.js").status, 404u);
  EXPECT_EQ(Get("/agent/missing.png").status, 404u);
}

TEST_F(StaticFilesTest, HashedAssetsAreImmutableAndGzipped) {
  Response plain = Get("/agent/assets/index-abc123.js");
  EXPECT_EQ(plain.status, 200u);
  EXPECT_EQ(plain.body, "console.log(1)");
  EXPECT_EQ(plain.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(HeaderOf(plain, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(HeaderOf(plain, "Content-Encoding"), "");

  Response gz = Get("/agent/assets/index-abc123.js", {{"Accept-Encoding", "br, gzip"}});
  EXPECT_EQ(gz.body, "GZIPPED");
  EXPECT_EQ(gz.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(HeaderOf(gz, "Content-Encoding"), "gzip");
  EXPECT_EQ(HeaderOf(gz, "Vary"), "Accept-Encoding");
  EXPECT_NE(HeaderOf(gz, "ETag"), HeaderOf(plain, "ETag"));

  Response refused = Get("/agent/assets/index-abc123.js", {{"Accept-Encoding", "gzip;q=0"}});
  EXPECT_EQ(refused.body, "console.log(1)");
}

TEST_F(StaticFilesTest, EtagRevalidationAnswers304) {
  Response first = Get("/agent/favicon.svg");
  EXPECT_EQ(first.content_type, "image/svg+xml");
  Response again = Get("/agent/favicon.svg", {{"If-None-Match", HeaderOf(first, "ETag")}});
  EXPECT_EQ(again.status, 304u);
  EXPECT_TRUE(again.body.empty());
}

TEST_F(StaticFilesTest, RefusesTraversal) {
  for (const char* t : {"/agent/../secret.txt", "/agent/%2e%2e/secret.txt",
                        "/agent/assets/..%2f..%2fsecret.txt", "/agent/..%5csecret.txt",
                        "/agent/.%2e/secret.txt", "/agent/%00index.html", "/agent/bad%zz"}) {
    Response r = Get(t);
    EXPECT_EQ(r.status, 404u) << t;
    EXPECT_EQ(r.body.find("secret"), std::string::npos) << t;
  }
}

TEST_F(StaticFilesTest, RefusesSymlinkOutOfRoot) {
  fs::create_symlink(base_ / "secret.txt", root_ / "link.txt");
  EXPECT_EQ(Get("/agent/link.txt").status, 404u);
}

TEST_F(StaticFilesTest, OnlyGetAndHead) {
  StaticFiles files("/agent", root_);
  Request req;
  req.method = "POST";
  req.target = "/agent/";
  req.path = "/agent";
  EXPECT_EQ(files.Serve(req).status, 405u);
}

TEST(StaticFilesAcceptsGzip, ParsesQualities) {
  EXPECT_TRUE(StaticFiles::AcceptsGzip("gzip"));
  EXPECT_TRUE(StaticFiles::AcceptsGzip("deflate, gzip;q=0.5"));
  EXPECT_TRUE(StaticFiles::AcceptsGzip("*"));
  EXPECT_FALSE(StaticFiles::AcceptsGzip(""));
  EXPECT_FALSE(StaticFiles::AcceptsGzip("br"));
  EXPECT_FALSE(StaticFiles::AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(StaticFiles::AcceptsGzip("gzip; q=0.000"));
}

}  // namespace
}  // namespace comptoir::http
