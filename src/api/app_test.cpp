#include "api/app.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>

namespace sg::api {
namespace {

TEST(OpenApi, DocumentsEveryRouteOfTheApi) {
  const auto document = boost::json::parse(OpenApiDocument());
  const auto& paths = document.at("paths").as_object();
  for (const RouteInfo& route : App::Routes()) {
    ASSERT_TRUE(paths.contains(route.pattern)) << route.pattern << " is missing from openapi.json";
    std::string method = route.method;
    for (char& character : method) character = static_cast<char>(std::tolower(character));
    EXPECT_TRUE(paths.at(route.pattern).as_object().contains(method))
        << route.method << " " << route.pattern << " is missing from openapi.json";
  }
}

TEST(OpenApi, DocumentsNoRouteThatDoesNotExist) {
  std::set<std::string> routes;
  for (const RouteInfo& route : App::Routes()) routes.insert(route.pattern);
  const auto document = boost::json::parse(OpenApiDocument());
  for (const auto& [path, unused] : document.at("paths").as_object()) {
    EXPECT_TRUE(routes.contains(path)) << path << " is documented but not served";
  }
}

TEST(Routes, EveryRouteUnderTheApiRequiresASessionUnlessListedAsPublic) {
  const std::set<std::string> kPublic = {"/healthz",
                                         "/metrics",
                                         "/api/v1/openapi.json",
                                         "POST /api/v1/session",
                                         "/api/v1/invitations/{token}",
                                         "POST /api/v1/password-reset",
                                         "/api/v1/password-reset/{token}"};
  for (const RouteInfo& route : App::Routes()) {
    const bool listed =
        kPublic.contains(route.pattern) || kPublic.contains(route.method + " " + route.pattern);
    EXPECT_EQ(route.policy == Policy::kPublic, listed) << route.method << " " << route.pattern;
  }
}

TEST(Routes, TokensReachOnlyReadsAndTheRoutesThatNameTheirScope) {
  for (const RouteInfo& route : App::Routes()) {
    const bool safe = route.method == "GET";
    if (route.token_scope == "read") {
      EXPECT_TRUE(safe) << route.method << " " << route.pattern;
    }
    if (route.pattern.starts_with("/api/v1/tokens") || route.pattern.starts_with("/api/v1/me/")) {
      EXPECT_EQ(route.token_scope, "") << route.method << " " << route.pattern;
    }
    if (route.pattern.starts_with("/api/v1/users")) {
      EXPECT_EQ(route.token_scope, "admin") << route.method << " " << route.pattern;
    }
    if (!safe && !route.pattern.starts_with("/api/v1/users")) {
      EXPECT_NE(route.token_scope, "read") << route.method << " " << route.pattern;
    }
  }
}

}  // namespace
}  // namespace sg::api
