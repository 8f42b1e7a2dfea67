#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "http/message.hpp"
#include "http/timings.hpp"
#include "service/account_service.hpp"
#include "service/audit_service.hpp"
#include "service/registry_service.hpp"
#include "service/vulnerability_service.hpp"

namespace sg::api {

/// What a route requires of its caller. Every route declares one; a test fails otherwise.
enum class Policy {
  kPublic,     // sign-in, invitations, health, metrics, the OpenAPI document, the UI's files
  kSession,    // a full session (cookie, CSRF token on unsafe methods) or an API token
  kEnrolment,  // also open to a session that must first enrol MFA or change its password
};

struct RouteInfo {
  std::string method;
  std::string pattern;  // e.g. /api/v1/agencies/{id}
  Policy policy;
  std::string token_scope;  // the API token scope that may use the route; empty: none
};

struct AppConfig {
  std::filesystem::path web_root;                        // the built UI (web/dist); empty: no UI
  bool secure_cookies = false;                           // set when served over TLS
  std::size_t read_cache_bytes = std::size_t{64} << 20;  // answers of registry reads; 0: off
  const http::ServerTimings* timings = nullptr;          // shown at /metrics when set
};

/// The composition of services into the HTTP API: routing, authentication, CSRF, handlers.
class App {
 public:
  App(service::RegistryService& registry, service::AccountService& accounts,
      service::AuditService& audit, service::VulnerabilityService& vulnerabilities,
      AppConfig config);
  http::Response Handle(http::Request& request);
  /// The answer to `request` when it can be given from memory without blocking (a cached
  /// registry read of a session kept in memory), for the server to give on its I/O thread;
  /// otherwise nothing, and the request goes to Handle on a worker.
  std::optional<http::Response> AnswerFromMemory(http::Request& request);
  /// Every route of the API with its policy (for the OpenAPI and policy tests).
  static std::vector<RouteInfo> Routes();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

/// The committed OpenAPI 3.1 document, served at /api/v1/openapi.json.
std::string_view OpenApiDocument();

}  // namespace sg::api
