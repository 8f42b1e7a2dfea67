#include "api/app.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <charconv>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "auth/crypto.hpp"
#include "core/text.hpp"
#include "importer/table.hpp"
#include "service/answer_cache.hpp"

namespace sg::api {
namespace {

namespace json = boost::json;
using http::Request;
using http::Response;
using registry::EntityKind;

constexpr std::string_view kSessionCookie = "sg_session";

struct Context {
  Request& request;
  std::map<std::string, std::string> params;  // path parameters
  std::optional<service::SessionView> session;
};

using RouteHandler = std::function<Response(Context&)>;

/// Whether a route's successful answers may be kept in the read cache. Only reads whose answer
/// depends on nothing but the registry, the caller's scope, today's date and the request.
enum class Caching { kNever, kRegistryRead };

struct Route {
  RouteInfo info;
  RouteHandler handler;
  Caching caching = Caching::kNever;
};

Response JsonResponse(unsigned status, const json::value& value) {
  return Response::Json(status, json::serialize(value));
}

Response ErrorOf(const Error& error, const Request& request) {
  if (error.kind == ErrorKind::kInternal || error.kind == ErrorKind::kUnavailable) {
    spdlog::error(R"("request_id":"{}","event":"error","code":"{}","detail":{})",
                  request.request_id, error.code, json::serialize(json::value(error.detail)));
  }
  Response response = http::ErrorResponse(error, request.request_id);
  if (error.kind == ErrorKind::kRateLimited && error.detail.starts_with("retry_after=")) {
    response.headers.emplace_back("Retry-After", error.detail.substr(12));
  }
  return response;
}

bool MatchPattern(std::string_view pattern, std::string_view path,
                  std::map<std::string, std::string>& params) {
  params.clear();
  while (!pattern.empty() || !path.empty()) {
    if (pattern.empty() || path.empty()) return false;
    if (pattern.front() != '/' || path.front() != '/') return false;
    pattern.remove_prefix(1);
    path.remove_prefix(1);
    const std::string_view pattern_segment = pattern.substr(0, pattern.find('/'));
    const std::string_view path_segment = path.substr(0, path.find('/'));
    if (pattern_segment.starts_with('{')) {
      if (path_segment.empty()) return false;
      params[std::string(pattern_segment.substr(1, pattern_segment.size() - 2))] =
          std::string(path_segment);
    } else if (pattern_segment != path_segment) {
      return false;
    }
    pattern.remove_prefix(pattern_segment.size());
    path.remove_prefix(path_segment.size());
  }
  return true;
}

Result<json::object> ParseJsonObject(const Request& request) {
  if (!text::IsValidUtf8(request.body)) {
    return Fail(Error::BadRequest("The request body is not valid UTF-8.", "invalidEncoding"));
  }
  boost::system::error_code error;
  json::value value = json::parse(request.body, error);
  if (error) return Fail(Error::BadRequest("The request body is not valid JSON.", "malformedJson"));
  if (!value.is_object()) {
    return Fail(Error::BadRequest("The request body must be a JSON object.", "malformedJson"));
  }
  return std::move(value.as_object());
}

Result<int> ParsePositive(const std::map<std::string, std::string>& query, const std::string& name,
                          int fallback, int maximum) {
  const auto found = query.find(name);
  if (found == query.end()) return fallback;
  int value = 0;
  const auto& text = found->second;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 1 || value > maximum) {
    Error invalid = Error::BadRequest(
        fmt::format("{} must be a whole number from 1 to {}.", name, maximum), "badRequest");
    invalid.fields[name].push_back("invalidValue");
    return Fail(std::move(invalid));
  }
  return value;
}

Result<storage::ListQuery> ParseListQuery(const Request& request) {
  storage::ListQuery query;
  auto page = ParsePositive(request.query, "page", 1, 1'000'000);
  if (!page) return std::unexpected(page.error());
  auto per_page = ParsePositive(request.query, "per_page", 50, 500);
  if (!per_page) return std::unexpected(per_page.error());
  query.page = *page;
  query.per_page = *per_page;
  for (const auto& [name, value] : request.query) {
    if (name == "page" || name == "per_page") continue;
    if (name == "sort") {
      for (const std::string& key : text::SplitList(value, ',')) {
        const bool descending = key.starts_with('-');
        query.sort.push_back({descending ? key.substr(1) : key, descending});
      }
    } else if (name == "q") {
      query.search = text::Trim(value);
    } else {
      query.filters[name] = value;
    }
  }
  return query;
}

bool IsUnsafe(std::string_view method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

std::string ContentTypeOf(const std::filesystem::path& path) {
  const std::string extension = path.extension().string();
  if (extension == ".html") return "text/html; charset=utf-8";
  if (extension == ".js") return "text/javascript; charset=utf-8";
  if (extension == ".css") return "text/css; charset=utf-8";
  if (extension == ".svg") return "image/svg+xml";
  if (extension == ".png") return "image/png";
  if (extension == ".ico") return "image/x-icon";
  if (extension == ".json") return "application/json";
  if (extension == ".woff2") return "font/woff2";
  return "application/octet-stream";
}

json::value ReportToJson(const service::ImportReport& report) {
  json::array errors;
  for (const auto& error : report.errors) {
    errors.push_back(json::object{{"row", error.row},
                                  {"column", error.column},
                                  {"value", error.value},
                                  {"code", error.code},
                                  {"message", error.message}});
  }
  json::array changes;
  for (const auto& change : report.changes) {
    changes.push_back(
        json::object{{"row", change.row}, {"key", change.key}, {"action", change.action}});
  }
  return json::object{{"created", report.created},
                      {"updated", report.updated},
                      {"unchanged", report.unchanged},
                      {"dry_run", report.dry_run},
                      {"errors", std::move(errors)},
                      {"changes", std::move(changes)},
                      {"changes_truncated", report.change_count > report.changes.size()}};
}

/// Prometheus counters of the process.
struct Metrics {
  std::atomic<std::uint64_t> by_class[6]{};
  std::atomic<std::uint64_t> sign_in_failures{0};
};

}  // namespace

struct App::Impl {
  service::RegistryService* registry;  // null only in the table Routes() lists
  service::AccountService* accounts;
  service::AuditService* audit;
  service::VulnerabilityService* vulnerabilities;
  AppConfig config;
  std::vector<Route> routes;
  Metrics metrics;
  service::AnswerCache<Response> read_cache;

  Impl(service::RegistryService* registry_service, service::AccountService* account_service,
       service::AuditService* audit_service, service::VulnerabilityService* vulnerability_service,
       AppConfig app_config)
      : registry(registry_service),
        accounts(account_service),
        audit(audit_service),
        vulnerabilities(vulnerability_service),
        config(std::move(app_config)),
        read_cache({.max_bytes = config.read_cache_bytes,
                    .max_entry_bytes = std::min(config.read_cache_bytes, std::size_t{8} << 20)}) {
    BuildRoutes();
  }

  /// Adds routes to the table. A token may use a route only when the route names the scope it
  /// needs; by default that is `read` for safe methods under a session, and nothing otherwise.
  struct RouteAdder {
    Impl* impl;
    void operator()(std::string method, std::string pattern, Policy policy, RouteHandler handler,
                    Caching caching = Caching::kNever) const {
      std::string scope = policy == Policy::kSession && method == "GET" ? "read" : "";
      (*this)(std::move(method), std::move(pattern), policy, std::move(scope), std::move(handler),
              caching);
    }
    void operator()(std::string method, std::string pattern, Policy policy, std::string token_scope,
                    RouteHandler handler, Caching caching = Caching::kNever) const {
      impl->routes.push_back(
          {{std::move(method), std::move(pattern), policy, std::move(token_scope)},
           std::move(handler),
           caching});
    }
  };

  std::string SessionCookie(std::string_view token, bool clear, const Request& request) const {
    const bool secure = config.secure_cookies || request.secure;
    return fmt::format("{}={}; Path=/; HttpOnly; SameSite=Strict{}{}", kSessionCookie, token,
                       secure ? "; Secure" : "", clear ? "; Max-Age=0" : "");
  }

  static std::string UserAgent(const Request& request) {
    return request.Header("user-agent").value_or("");
  }

  static json::object SessionBody(const service::SessionView& view) {
    return json::object{{"csrf_token", view.csrf_token},
                        {"user", view.user},
                        {"mfa_enrollment_required", view.enrolment_only}};
  }

  /// The answer to a sign-in or a session change: the body and a new session cookie.
  Response SessionAnswer(const service::SignedIn& signed_in, const Request& request) const {
    Response response = JsonResponse(200, SessionBody(signed_in.view));
    response.headers.emplace_back("Set-Cookie", SessionCookie(signed_in.token, false, request));
    return response;
  }

  /// An invitation's link: on --public-url when set (the one e-mailed), else on the origin the
  /// administrator used; and whether an e-mail with it was queued.
  json::object InvitationJson(const service::Invitation& invitation, const Request& request) const {
    std::string url = invitation.url;
    if (url.empty()) {
      const std::string host = request.Header("host").value_or("127.0.0.1");
      const bool secure = config.secure_cookies || request.secure;
      url =
          fmt::format("{}://{}/#/invitation/{}", secure ? "https" : "http", host, invitation.token);
    }
    return json::object{{"url", std::move(url)},
                        {"expires_at", invitation.expires_at},
                        {"email_queued", invitation.email_queued}};
  }

  static Result<EntityKind> CollectionOf(const Context& context) {
    const auto kind = registry::ParseEntityKind(context.params.at("collection"));
    if (!kind) return Fail(Error::NotFound("No such collection."));
    return *kind;
  }

  void BuildRoutes() {
    const RouteAdder add{this};

    add("GET", "/healthz", Policy::kPublic, [](Context&) {
      return JsonResponse(200, json::object{{"status", "ok"}});
    });
    add("GET", "/metrics", Policy::kPublic, [this](Context&) {
      std::string body =
          "# HELP supplyguard_http_requests_total HTTP requests answered, by status class.\n"
          "# TYPE supplyguard_http_requests_total counter\n";
      for (int status_class = 1; status_class <= 5; ++status_class) {
        body += fmt::format("supplyguard_http_requests_total{{class=\"{}xx\"}} {}\n", status_class,
                            metrics.by_class[status_class].load());
      }
      body +=
          "# HELP supplyguard_sign_in_failures_total Failed sign-ins.\n"
          "# TYPE supplyguard_sign_in_failures_total counter\n";
      body +=
          fmt::format("supplyguard_sign_in_failures_total {}\n", metrics.sign_in_failures.load());
      const auto cache = read_cache.stats();
      body += fmt::format(
          "# HELP supplyguard_read_cache_hits_total Registry reads answered from the read cache.\n"
          "# TYPE supplyguard_read_cache_hits_total counter\n"
          "supplyguard_read_cache_hits_total {}\n"
          "# HELP supplyguard_read_cache_misses_total Registry reads computed.\n"
          "# TYPE supplyguard_read_cache_misses_total counter\n"
          "supplyguard_read_cache_misses_total {}\n"
          "# HELP supplyguard_read_cache_bytes Bytes held by the read cache.\n"
          "# TYPE supplyguard_read_cache_bytes gauge\n"
          "supplyguard_read_cache_bytes {}\n",
          cache.hits, cache.misses, cache.bytes);
      if (config.timings != nullptr) config.timings->AppendPrometheus(body);
      Response response = Response::Json(200, std::move(body));
      response.content_type = "text/plain; version=0.0.4";
      return response;
    });
    add("GET", "/api/v1/openapi.json", Policy::kPublic,
        [](Context&) { return Response::Json(200, std::string(OpenApiDocument())); });

    add("POST", "/api/v1/session", Policy::kPublic, [this](Context& context) {
      auto body = ParseJsonObject(context.request);
      if (!body) return ErrorOf(body.error(), context.request);
      const auto* email = body->if_contains("email");
      const auto* password = body->if_contains("password");
      FieldErrors fields;
      if (!email || !email->is_string()) fields["email"].push_back("required");
      if (!password || !password->is_string()) fields["password"].push_back("required");
      service::SignInRequest sign_in;
      for (const char* name : {"totp", "recovery_code"}) {
        const auto* value = body->if_contains(name);
        if (!value || value->is_null()) continue;
        if (!value->is_string()) {
          fields[name].push_back("notAString");
        } else {
          (std::string_view(name) == "totp" ? sign_in.totp : sign_in.recovery_code) =
              std::string(value->as_string());
        }
      }
      if (!fields.empty()) return ErrorOf(Error::Validation(std::move(fields)), context.request);
      sign_in.email = email->as_string();
      sign_in.password = password->as_string();
      sign_in.source_ip = context.request.remote_ip;
      sign_in.user_agent = context.request.Header("user-agent").value_or("");
      sign_in.request_id = context.request.request_id;
      auto signed_in = accounts->SignIn(sign_in);
      if (!signed_in) {
        if (signed_in.error().code == "unauthenticated") ++metrics.sign_in_failures;
        return ErrorOf(signed_in.error(), context.request);
      }
      return SessionAnswer(*signed_in, context.request);
    });
    add("GET", "/api/v1/session", Policy::kEnrolment, "",
        [](Context& context) { return JsonResponse(200, SessionBody(*context.session)); });
    add("DELETE", "/api/v1/session", Policy::kEnrolment, "", [this](Context& context) {
      (void)accounts->SignOut(*context.session);
      Response response = Response::NoContent();
      response.headers.emplace_back("Set-Cookie", SessionCookie("", true, context.request));
      return response;
    });
    add("POST", "/api/v1/me/password", Policy::kEnrolment, "", [this](Context& context) {
      auto body = ParseJsonObject(context.request);
      if (!body) return ErrorOf(body.error(), context.request);
      const auto* current = body->if_contains("current_password");
      const auto* next = body->if_contains("new_password");
      FieldErrors fields;
      if (!current || !current->is_string()) fields["current_password"].push_back("required");
      if (!next || !next->is_string()) fields["new_password"].push_back("required");
      if (!fields.empty()) return ErrorOf(Error::Validation(std::move(fields)), context.request);
      auto changed = accounts->ChangePassword(*context.session, current->as_string(),
                                              next->as_string(), UserAgent(context.request));
      if (!changed) return ErrorOf(changed.error(), context.request);
      return SessionAnswer(*changed, context.request);
    });
    add("GET", "/api/v1/me/sessions", Policy::kSession, "", [this](Context& context) {
      auto items = accounts->Sessions(*context.session);
      if (!items) return ErrorOf(items.error(), context.request);
      return JsonResponse(200, json::object{{"items", std::move(*items)}});
    });
    add("DELETE", "/api/v1/me/sessions", Policy::kSession, "", [this](Context& context) {
      auto ended = accounts->EndOtherSessions(*context.session);
      if (!ended) return ErrorOf(ended.error(), context.request);
      return Response::NoContent();
    });
    add("DELETE", "/api/v1/me/sessions/{id}", Policy::kSession, "", [this](Context& context) {
      auto ended = accounts->EndSession(*context.session, context.params.at("id"));
      if (!ended) return ErrorOf(ended.error(), context.request);
      return Response::NoContent();
    });
    add("POST", "/api/v1/me/mfa/totp", Policy::kEnrolment, "", [this](Context& context) {
      auto enrolment = accounts->StartTotpEnrolment(*context.session);
      if (!enrolment) return ErrorOf(enrolment.error(), context.request);
      return JsonResponse(200, json::object{{"secret", enrolment->secret},
                                            {"otpauth_uri", enrolment->otpauth_uri},
                                            {"qr_svg", enrolment->qr_svg}});
    });
    add("POST", "/api/v1/me/mfa/totp/confirm", Policy::kEnrolment, "", [this](Context& context) {
      auto body = ParseJsonObject(context.request);
      if (!body) return ErrorOf(body.error(), context.request);
      const auto* code = body->if_contains("code");
      if (!code || !code->is_string()) {
        return ErrorOf(Error::Validation({{"code", {"required"}}}), context.request);
      }
      auto confirmed =
          accounts->ConfirmTotp(*context.session, code->as_string(), UserAgent(context.request));
      if (!confirmed) return ErrorOf(confirmed.error(), context.request);
      Response response = SessionAnswer(confirmed->second, context.request);
      json::object answer = SessionBody(confirmed->second.view);
      json::array codes;
      for (const std::string& recovery : confirmed->first) codes.push_back(json::value(recovery));
      answer["recovery_codes"] = std::move(codes);
      response.body = json::serialize(answer);
      return response;
    });

    // Users (the authority; a tenant's administrators within the tenant).
    add("GET", "/api/v1/users", Policy::kSession, "admin", [this](Context& context) {
      auto query = ParseListQuery(context.request);
      if (!query) return ErrorOf(query.error(), context.request);
      auto listed = accounts->ListUsers(context.session->caller, *query);
      if (!listed) return ErrorOf(listed.error(), context.request);
      return JsonResponse(200, json::object{{"items", std::move(listed->first)},
                                            {"total", listed->second},
                                            {"page", query->page},
                                            {"per_page", query->per_page}});
    });
    add("POST", "/api/v1/users", Policy::kSession, "admin", [this](Context& context) {
      auto body = ParseJsonObject(context.request);
      if (!body) return ErrorOf(body.error(), context.request);
      service::NewAccount account;
      FieldErrors fields;
      for (const auto& [key, value] : *body) {
        const bool text = value.is_string();
        if (key == "email" && text) {
          account.email = value.as_string();
        } else if (key == "role" && text) {
          account.role = value.as_string();
        } else if (key == "agency_code" && (text || value.is_null())) {
          if (text && !value.as_string().empty()) account.agency_code = value.as_string();
        } else if (key == "vendor_tax_id" && (text || value.is_null())) {
          if (text && !value.as_string().empty()) account.vendor_tax_id = value.as_string();
        } else if (key == "tenant_admin" && value.is_bool()) {
          account.tenant_admin = value.as_bool();
        } else if (key == "expires_at" && (text || value.is_null())) {
          if (text) account.expires_at = value.as_string();
        } else if (key == "email" || key == "role" || key == "agency_code" ||
                   key == "vendor_tax_id" || key == "tenant_admin" || key == "expires_at") {
          fields[std::string(key)].push_back("invalidType");
        } else {
          fields[std::string(key)].push_back("unknownField");
        }
      }
      if (account.email.empty() && !fields.contains("email")) fields["email"].push_back("required");
      if (account.role.empty() && !fields.contains("role")) fields["role"].push_back("required");
      if (!fields.empty()) return ErrorOf(Error::Validation(std::move(fields)), context.request);
      auto invited = accounts->InviteUser(context.session->caller, account);
      if (!invited) return ErrorOf(invited.error(), context.request);
      return JsonResponse(201,
                          json::object{{"user", std::move(invited->user)},
                                       {"invitation", InvitationJson(*invited, context.request)}});
    });
    add("PATCH", "/api/v1/users/{id}", Policy::kSession, "admin", [this](Context& context) {
      auto body = ParseJsonObject(context.request);
      if (!body) return ErrorOf(body.error(), context.request);
      auto updated = accounts->UpdateUser(context.session->caller, context.params.at("id"), *body);
      if (!updated) return ErrorOf(updated.error(), context.request);
      return JsonResponse(200, *updated);
    });
    add("POST", "/api/v1/users/{id}/invitation", Policy::kSession, "admin",
        [this](Context& context) {
          auto invited = accounts->NewInvitation(context.session->caller, context.params.at("id"));
          if (!invited) return ErrorOf(invited.error(), context.request);
          return JsonResponse(201, InvitationJson(*invited, context.request));
        });
    add("POST", "/api/v1/users/{id}/mfa/reset", Policy::kSession, "admin",
        [this](Context& context) {
          auto reset = accounts->ResetMfa(context.session->caller, context.params.at("id"));
          if (!reset) return ErrorOf(reset.error(), context.request);
          return Response::NoContent();
        });
    add("GET", "/api/v1/invitations/{token}", Policy::kPublic, [this](Context& context) {
      auto described = accounts->DescribeInvitation(context.params.at("token"));
      if (!described) return ErrorOf(described.error(), context.request);
      return JsonResponse(200, *described);
    });
    add("POST", "/api/v1/invitations/{token}", Policy::kPublic, [this](Context& context) {
      auto body = ParseJsonObject(context.request);
      if (!body) return ErrorOf(body.error(), context.request);
      const auto* password = body->if_contains("password");
      if (!password || !password->is_string()) {
        return ErrorOf(Error::Validation({{"password", {"required"}}}), context.request);
      }
      auto accepted =
          accounts->AcceptInvitation(context.params.at("token"), password->as_string(),
                                     context.request.remote_ip, context.request.request_id);
      if (!accepted) return ErrorOf(accepted.error(), context.request);
      return Response::NoContent();
    });

    // Self-service password reset: the same 202 whatever the account (no enumeration).
    add("POST", "/api/v1/password-reset", Policy::kPublic, [this](Context& context) {
      auto body = ParseJsonObject(context.request);
      if (!body) return ErrorOf(body.error(), context.request);
      const auto* email = body->if_contains("email");
      if (!email || !email->is_string()) {
        return ErrorOf(Error::Validation({{"email", {"required"}}}), context.request);
      }
      auto requested = accounts->RequestPasswordReset(
          email->as_string(), {context.request.remote_ip, context.request.request_id});
      if (!requested) return ErrorOf(requested.error(), context.request);
      return JsonResponse(202, json::object{});
    });
    add("GET", "/api/v1/password-reset/{token}", Policy::kPublic, [this](Context& context) {
      auto described = accounts->DescribePasswordReset(context.params.at("token"));
      if (!described) return ErrorOf(described.error(), context.request);
      return JsonResponse(200, *described);
    });
    add("POST", "/api/v1/password-reset/{token}", Policy::kPublic, [this](Context& context) {
      auto body = ParseJsonObject(context.request);
      if (!body) return ErrorOf(body.error(), context.request);
      const auto* password = body->if_contains("password");
      if (!password || !password->is_string()) {
        return ErrorOf(Error::Validation({{"password", {"required"}}}), context.request);
      }
      auto reset = accounts->ResetPassword(context.params.at("token"), password->as_string(),
                                           {context.request.remote_ip, context.request.request_id});
      if (!reset) return ErrorOf(reset.error(), context.request);
      return Response::NoContent();
    });

    // The audit log (the authority; a tenant's administrators see their tenant's entries).
    add("GET", "/api/v1/audit-log", Policy::kSession, "admin", [this](Context& context) {
      auto page = ParsePositive(context.request.query, "page", 1, 1'000'000);
      if (!page) return ErrorOf(page.error(), context.request);
      auto per_page = ParsePositive(context.request.query, "per_page", 50, 500);
      if (!per_page) return ErrorOf(per_page.error(), context.request);
      auto found = audit->Search(context.session->caller, context.request.query, *page, *per_page);
      if (!found) return ErrorOf(found.error(), context.request);
      return JsonResponse(200, json::object{{"items", std::move(found->first)},
                                            {"total", found->second},
                                            {"page", *page},
                                            {"per_page", *per_page}});
    });
    add("GET", "/api/v1/audit-log/export", Policy::kSession, "admin", [this](Context& context) {
      const auto format = context.request.query.find("format");
      const bool csv = format != context.request.query.end() && format->second == "csv";
      if (format != context.request.query.end() && format->second != "csv" &&
          format->second != "jsonl") {
        return ErrorOf(Error::Validation({{"format", {"invalidValue"}}}), context.request);
      }
      auto exported = audit->Export(context.session->caller, context.request.query, csv);
      if (!exported) return ErrorOf(exported.error(), context.request);
      Response response = Response::Json(200, std::move(*exported));
      response.content_type = csv ? "text/csv; charset=utf-8" : "application/x-ndjson";
      response.headers.emplace_back(
          "Content-Disposition",
          fmt::format("attachment; filename=\"audit-log.{}\"", csv ? "csv" : "jsonl"));
      return response;
    });
    add("GET", "/api/v1/audit-log/verify", Policy::kSession, "admin", [this](Context& context) {
      auto report = audit->Verify(context.session->caller);
      if (!report) return ErrorOf(report.error(), context.request);
      return JsonResponse(200, *report);
    });

    // API tokens: managed through a browser session only, never with a token.
    add("GET", "/api/v1/tokens", Policy::kSession, "", [this](Context& context) {
      auto items = accounts->Tokens(context.session->caller);
      if (!items) return ErrorOf(items.error(), context.request);
      return JsonResponse(200, json::object{{"items", std::move(*items)}});
    });
    add("POST", "/api/v1/tokens", Policy::kSession, "", [this](Context& context) {
      auto body = ParseJsonObject(context.request);
      if (!body) return ErrorOf(body.error(), context.request);
      FieldErrors fields;
      const auto* name = body->if_contains("name");
      const auto* scopes = body->if_contains("scopes");
      const auto* expires = body->if_contains("expires_at");
      if (!name || !name->is_string()) fields["name"].push_back("required");
      if (!expires || !expires->is_string()) fields["expires_at"].push_back("required");
      std::vector<std::string> scope_list;
      if (!scopes || !scopes->is_array()) {
        fields["scopes"].push_back("required");
      } else {
        for (const auto& scope : scopes->as_array()) {
          if (!scope.is_string()) {
            fields["scopes"].push_back("invalidValue");
          } else {
            scope_list.emplace_back(scope.as_string());
          }
        }
      }
      for (const auto& [key, value] : *body) {
        (void)value;
        if (key != "name" && key != "scopes" && key != "expires_at") {
          fields[std::string(key)].push_back("unknownField");
        }
      }
      if (!fields.empty()) return ErrorOf(Error::Validation(std::move(fields)), context.request);
      auto created = accounts->CreateToken(context.session->caller, name->as_string(), scope_list,
                                           expires->as_string());
      if (!created) return ErrorOf(created.error(), context.request);
      return JsonResponse(201, json::object{{"id", created->id}, {"token", created->token}});
    });
    add("DELETE", "/api/v1/tokens/{id}", Policy::kSession, "", [this](Context& context) {
      auto revoked = accounts->RevokeToken(context.session->caller, context.params.at("id"));
      if (!revoked) return ErrorOf(revoked.error(), context.request);
      return Response::NoContent();
    });

    add(
        "GET", "/api/v1/reports/concentration", Policy::kSession,
        [this](Context& context) {
          const auto& query = context.request.query;
          std::optional<std::string> as_of;
          std::optional<std::string> agency_code;
          if (auto found = query.find("as_of"); found != query.end()) as_of = found->second;
          if (auto found = query.find("agency_code");
              found != query.end() && !found->second.empty()) {
            agency_code = found->second;
          }
          std::string resolved;
          auto items =
              registry->Concentration(context.session->caller, as_of, agency_code, &resolved);
          if (!items) return ErrorOf(items.error(), context.request);
          // Sort: default by agencies served, descending (seed 000's order).
          std::string sort = "-agencies";
          if (auto found = query.find("sort"); found != query.end()) sort = found->second;
          const bool descending = sort.starts_with('-');
          const std::string key = descending ? sort.substr(1) : sort;
          static const std::set<std::string> kSortable = {"vendor_tax_id",
                                                          "vendor_name",
                                                          "agencies",
                                                          "systems",
                                                          "core_systems",
                                                          "amount",
                                                          "subcontract_agencies",
                                                          "subcontract_systems"};
          if (!kSortable.contains(key)) {
            return ErrorOf(Error::Validation({{"sort", {"unknownField"}}}), context.request);
          }
          std::stable_sort(
              items->begin(), items->end(), [&](const json::value& left, const json::value& right) {
                const auto& a = left.as_object().at(key);
                const auto& b = right.as_object().at(key);
                bool less =
                    a.is_string() ? a.as_string() < b.as_string() : a.as_int64() < b.as_int64();
                bool greater =
                    a.is_string() ? b.as_string() < a.as_string() : b.as_int64() < a.as_int64();
                if (!less && !greater) {
                  return left.as_object().at("vendor_tax_id").as_string() <
                         right.as_object().at("vendor_tax_id").as_string();
                }
                return descending ? greater : less;
              });
          if (auto format = query.find("format");
              format != query.end() && format->second == "csv") {
            json::object details{{"as_of", resolved}, {"rows", items->size()}};
            if (agency_code) details["agency_code"] = *agency_code;
            auto recorded =
                registry->RecordExport(context.session->caller, "concentration", details);
            if (!recorded) return ErrorOf(recorded.error(), context.request);
            std::string csv = "\xEF\xBB\xBF";  // BOM, so spreadsheet programs read UTF-8
            csv +=
                "vendor_tax_id,vendor_name,agencies,systems,core_systems,amount,"
                "subcontract_agencies,subcontract_systems\r\n";
            for (const auto& item : *items) {
              const auto& row = item.as_object();
              csv += fmt::format(
                  "{},{},{},{},{},{},{},{}\r\n", text::CsvCell(row.at("vendor_tax_id").as_string()),
                  text::CsvCell(row.at("vendor_name").as_string()), row.at("agencies").as_int64(),
                  row.at("systems").as_int64(), row.at("core_systems").as_int64(),
                  row.at("amount").as_int64(), row.at("subcontract_agencies").as_int64(),
                  row.at("subcontract_systems").as_int64());
            }
            Response response = Response::Json(200, std::move(csv));
            response.content_type = "text/csv; charset=utf-8";
            response.headers.emplace_back(
                "Content-Disposition",
                fmt::format("attachment; filename=\"concentration-{}.csv\"", resolved));
            return response;
          }
          return JsonResponse(200, json::object{{"as_of", resolved},
                                                {"items", std::move(*items)},
                                                {"total", items->size()}});
        },
        Caching::kRegistryRead);

    add("POST", "/api/v1/import/{kind}", Policy::kSession, [this](Context& context) {
      const auto kind = registry::ParseEntityKind(context.params.at("kind"));
      if (!kind) return ErrorOf(Error::NotFound("No such import kind."), context.request);
      auto parts = http::ParseMultipart(context.request.Header("content-type").value_or(""),
                                        context.request.body);
      if (!parts) return ErrorOf(parts.error(), context.request);
      const http::FormPart* file = nullptr;
      for (const auto& part : *parts) {
        if (part.name == "file") file = &part;
      }
      if (!file) {
        return ErrorOf(Error::Validation({{"file", {"required"}}}, "Choose a file to import."),
                       context.request);
      }
      const auto dry = context.request.query.find("dry_run");
      const bool dry_run =
          dry != context.request.query.end() && (dry->second == "true" || dry->second == "1");
      auto table = importer::ReadTable(file->content);
      if (!table) return ErrorOf(table.error(), context.request);
      auto report = registry->Import(context.session->caller, *kind, *table, dry_run);
      if (!report) return ErrorOf(report.error(), context.request);
      return JsonResponse(report->errors.empty() ? 200 : 422, ReportToJson(*report));
    });

    BuildVulnerabilityRoutes(add);

    const std::string collection = "/api/v1/{collection}";
    add(
        "GET", collection, Policy::kSession,
        [this](Context& context) {
          auto kind = CollectionOf(context);
          if (!kind) return ErrorOf(kind.error(), context.request);
          auto query = ParseListQuery(context.request);
          if (!query) return ErrorOf(query.error(), context.request);
          auto page = registry->List(context.session->caller, *kind, *query);
          if (!page) return ErrorOf(page.error(), context.request);
          return JsonResponse(200, json::object{{"items", std::move(page->items)},
                                                {"total", page->total},
                                                {"page", query->page},
                                                {"per_page", query->per_page}});
        },
        Caching::kRegistryRead);
    add("POST", collection, Policy::kSession, [this](Context& context) {
      auto kind = CollectionOf(context);
      if (!kind) return ErrorOf(kind.error(), context.request);
      auto body = ParseJsonObject(context.request);
      if (!body) return ErrorOf(body.error(), context.request);
      auto created = registry->Create(context.session->caller, *kind, *body);
      if (!created) return ErrorOf(created.error(), context.request);
      return JsonResponse(201, *created);
    });
    add(
        "GET", collection + "/{id}", Policy::kSession,
        [this](Context& context) {
          auto kind = CollectionOf(context);
          if (!kind) return ErrorOf(kind.error(), context.request);
          auto record = registry->Get(context.session->caller, *kind, context.params.at("id"));
          if (!record) return ErrorOf(record.error(), context.request);
          return JsonResponse(200, *record);
        },
        Caching::kRegistryRead);
    add("PATCH", collection + "/{id}", Policy::kSession, [this](Context& context) {
      auto kind = CollectionOf(context);
      if (!kind) return ErrorOf(kind.error(), context.request);
      auto body = ParseJsonObject(context.request);
      if (!body) return ErrorOf(body.error(), context.request);
      auto record =
          registry->Update(context.session->caller, *kind, context.params.at("id"), *body);
      if (!record) return ErrorOf(record.error(), context.request);
      return JsonResponse(200, *record);
    });
    add("DELETE", collection + "/{id}", Policy::kSession, [this](Context& context) {
      auto kind = CollectionOf(context);
      if (!kind) return ErrorOf(kind.error(), context.request);
      auto deleted = registry->Delete(context.session->caller, *kind, context.params.at("id"));
      if (!deleted) return ErrorOf(deleted.error(), context.request);
      return Response::NoContent();
    });
    add("GET", collection + "/{id}/history", Policy::kSession, [this](Context& context) {
      auto kind = CollectionOf(context);
      if (!kind) return ErrorOf(kind.error(), context.request);
      auto items = registry->History(context.session->caller, *kind, context.params.at("id"));
      if (!items) return ErrorOf(items.error(), context.request);
      return JsonResponse(200, json::object{{"items", std::move(*items)}});
    });
  }

  static Response PageResponse(storage::ListPage page, const storage::ListQuery& query) {
    return JsonResponse(200, json::object{{"items", std::move(page.items)},
                                          {"total", page.total},
                                          {"page", query.page},
                                          {"per_page", query.per_page}});
  }

  /// SBOMs, findings and alerts (issue 4). Listed before the registry's generic collection
  /// routes, which would otherwise take /api/v1/sboms and /api/v1/findings for collections.
  void BuildVulnerabilityRoutes(const RouteAdder& add) {
    add("POST", "/api/v1/systems/{id}/sboms", Policy::kSession, "sboms:write",
        [this](Context& context) {
          const auto& query = context.request.query;
          const std::string content_type = context.request.Header("content-type").value_or("");
          service::SbomUpload upload;
          upload.body = context.request.body;
          // The server reserves slack after a body: the JSON reader parses it in place.
          upload.readable_past_end = context.request.body.capacity() - context.request.body.size();
          upload.content_type = content_type;
          if (auto label = query.find("version"); label != query.end()) {
            upload.label = std::string(text::Trim(label->second));
            if (upload.label.size() > 200 || !text::IsValidUtf8(upload.label)) {
              return ErrorOf(Error::Validation({{"version", {"invalidValue"}}},
                                               "The version label is at most 200 characters."),
                             context.request);
            }
          }
          if (auto lenient = query.find("lenient"); lenient != query.end()) {
            upload.lenient = lenient->second == "true" || lenient->second == "1";
          }
          auto stored =
              vulnerabilities->UploadSbom(context.session->caller, context.params.at("id"), upload);
          if (!stored) return ErrorOf(stored.error(), context.request);
          return JsonResponse(201, *stored);
        });
    add("GET", "/api/v1/systems/{id}/sboms", Policy::kSession, [this](Context& context) {
      auto query = ParseListQuery(context.request);
      if (!query) return ErrorOf(query.error(), context.request);
      auto page =
          vulnerabilities->ListSboms(context.session->caller, context.params.at("id"), *query);
      if (!page) return ErrorOf(page.error(), context.request);
      return PageResponse(std::move(*page), *query);
    });
    add("GET", "/api/v1/systems/{id}/findings", Policy::kSession, [this](Context& context) {
      auto query = ParseListQuery(context.request);
      if (!query) return ErrorOf(query.error(), context.request);
      auto system =
          registry->Get(context.session->caller, EntityKind::kSystem, context.params.at("id"));
      if (!system) return ErrorOf(system.error(), context.request);
      query->filters["system_id"] = context.params.at("id");
      auto page = vulnerabilities->Findings(context.session->caller, *query);
      if (!page) return ErrorOf(page.error(), context.request);
      return PageResponse(std::move(*page), *query);
    });
    add("GET", "/api/v1/sboms/{id}", Policy::kSession, [this](Context& context) {
      auto sbom = vulnerabilities->GetSbom(context.session->caller, context.params.at("id"));
      if (!sbom) return ErrorOf(sbom.error(), context.request);
      return JsonResponse(200, *sbom);
    });
    add("GET", "/api/v1/sboms/{id}/components", Policy::kSession, [this](Context& context) {
      auto query = ParseListQuery(context.request);
      if (!query) return ErrorOf(query.error(), context.request);
      auto page =
          vulnerabilities->Components(context.session->caller, context.params.at("id"), *query);
      if (!page) return ErrorOf(page.error(), context.request);
      return PageResponse(std::move(*page), *query);
    });
    add("GET", "/api/v1/sboms/{id}/diff", Policy::kSession, [this](Context& context) {
      std::optional<std::string> against;
      if (auto found = context.request.query.find("against");
          found != context.request.query.end()) {
        against = found->second;
      }
      auto diff = vulnerabilities->Diff(context.session->caller, context.params.at("id"), against);
      if (!diff) return ErrorOf(diff.error(), context.request);
      return JsonResponse(200, *diff);
    });
    add("GET", "/api/v1/sboms/{id}/document", Policy::kSession, [this](Context& context) {
      auto document =
          vulnerabilities->SbomDocument(context.session->caller, context.params.at("id"));
      if (!document) return ErrorOf(document.error(), context.request);
      Response response = Response::Json(200, std::move(document->first));
      response.content_type = document->second;
      response.headers.emplace_back(
          "Content-Disposition",
          fmt::format("attachment; filename=\"sbom-{}.{}\"", context.params.at("id"),
                      document->second.ends_with("+xml")        ? "cdx.xml"
                      : document->second.ends_with("spdx+json") ? "spdx.json"
                      : document->second.ends_with("spdx")      ? "spdx"
                                                                : "cdx.json"));
      return response;
    });
    add("GET", "/api/v1/findings", Policy::kSession, [this](Context& context) {
      auto query = ParseListQuery(context.request);
      if (!query) return ErrorOf(query.error(), context.request);
      auto page = vulnerabilities->Findings(context.session->caller, *query);
      if (!page) return ErrorOf(page.error(), context.request);
      return PageResponse(std::move(*page), *query);
    });
    add("GET", "/api/v1/findings/summary", Policy::kSession, [this](Context& context) {
      auto query = ParseListQuery(context.request);
      if (!query) return ErrorOf(query.error(), context.request);
      auto summary = vulnerabilities->Summary(context.session->caller, *query);
      if (!summary) return ErrorOf(summary.error(), context.request);
      return JsonResponse(200, *summary);
    });
    add("GET", "/api/v1/findings/{id}", Policy::kSession, [this](Context& context) {
      auto finding = vulnerabilities->Finding(context.session->caller, context.params.at("id"));
      if (!finding) return ErrorOf(finding.error(), context.request);
      return JsonResponse(200, *finding);
    });
    add("PATCH", "/api/v1/findings/{id}", Policy::kSession, [this](Context& context) {
      auto body = ParseJsonObject(context.request);
      if (!body) return ErrorOf(body.error(), context.request);
      auto finding =
          vulnerabilities->Triage(context.session->caller, context.params.at("id"), *body);
      if (!finding) return ErrorOf(finding.error(), context.request);
      return JsonResponse(200, *finding);
    });
    add("GET", "/api/v1/systems/{id}/vex", Policy::kSession, [this](Context& context) {
      auto vex = vulnerabilities->ExportVex(context.session->caller, context.params.at("id"));
      if (!vex) return ErrorOf(vex.error(), context.request);
      Response response = JsonResponse(200, *vex);
      response.content_type = "application/vnd.cyclonedx+json";
      response.headers.emplace_back(
          "Content-Disposition",
          fmt::format("attachment; filename=\"vex-{}.cdx.json\"", context.params.at("id")));
      return response;
    });
    add("POST", "/api/v1/systems/{id}/vex", Policy::kSession, "sboms:write",
        [this](Context& context) {
          auto applied = vulnerabilities->ImportVex(context.session->caller,
                                                    context.params.at("id"), context.request.body);
          if (!applied) return ErrorOf(applied.error(), context.request);
          return JsonResponse(200, *applied);
        });
    add("GET", "/api/v1/systems/{id}/licenses", Policy::kSession, [this](Context& context) {
      auto licenses = vulnerabilities->Licenses(context.session->caller, context.params.at("id"));
      if (!licenses) return ErrorOf(licenses.error(), context.request);
      return JsonResponse(200, *licenses);
    });
    add("GET", "/api/v1/advisories/{id}", Policy::kSession, [this](Context& context) {
      auto advisory = vulnerabilities->Advisory(context.session->caller, context.params.at("id"));
      if (!advisory) return ErrorOf(advisory.error(), context.request);
      return JsonResponse(200, *advisory);
    });
    add("GET", "/api/v1/packages", Policy::kSession, [this](Context& context) {
      const auto& query = context.request.query;
      auto value = [&](const char* name) {
        const auto found = query.find(name);
        return found == query.end() ? std::string() : found->second;
      };
      auto package = vulnerabilities->Package(context.session->caller, value("ecosystem"),
                                              value("name"), value("version"), value("range"));
      if (!package) return ErrorOf(package.error(), context.request);
      return JsonResponse(200, *package);
    });
    add("GET", "/api/v1/notifications", Policy::kSession, [this](Context& context) {
      auto query = ParseListQuery(context.request);
      if (!query) return ErrorOf(query.error(), context.request);
      auto page = vulnerabilities->Notifications(context.session->caller, *query);
      if (!page) return ErrorOf(page.error(), context.request);
      return JsonResponse(200, json::object{{"items", std::move(page->first.items)},
                                            {"total", page->first.total},
                                            {"unread", page->second},
                                            {"page", query->page},
                                            {"per_page", query->per_page}});
    });
    add("POST", "/api/v1/notifications/read", Policy::kSession, [this](Context& context) {
      auto marked = vulnerabilities->MarkNotificationsRead(context.session->caller, std::nullopt);
      if (!marked) return ErrorOf(marked.error(), context.request);
      return Response::NoContent();
    });
    add("POST", "/api/v1/notifications/{id}/read", Policy::kSession, [this](Context& context) {
      auto marked =
          vulnerabilities->MarkNotificationsRead(context.session->caller, context.params.at("id"));
      if (!marked) return ErrorOf(marked.error(), context.request);
      return Response::NoContent();
    });
  }

  /// Answers a registry read from the read cache, or runs the handler and keeps a successful
  /// answer. The key holds everything the answer depends on: the registry generation and the
  /// caller's scope and date (CurrentReadVersion), the path and the decoded query parameters.
  /// The read cache's key of a request at `version`: the scope, the path and the query.
  static std::string ReadCacheKey(const service::RegistryService::ReadVersion& version,
                                  const Request& request) {
    std::string key = version.scope_key;
    key += '\n';
    key += request.path;
    for (const auto& [name, value] : request.query) {
      key += '\n';
      key += name;
      key += '=';
      key += value;
    }
    return key;
  }

  Response CachedRead(const Route& route, Context& context) {
    auto version =
        registry->CurrentReadVersion(context.session->caller, context.session->registry_generation);
    if (!version) return ErrorOf(version.error(), context.request);
    const std::string key = ReadCacheKey(*version, context.request);
    if (auto cached = read_cache.Find(version->generation, key)) return *cached;
    Response response = route.handler(context);
    if (response.status == 200) {
      read_cache.Store(version->generation, key, std::make_shared<const Response>(response),
                       response.body.size() + key.size());
    }
    return response;
  }

  /// A registry read answered from memory alone — a session kept in memory, the registry
  /// generation known and the answer in the read cache — or nothing, when anything would need
  /// the database (the request then takes the usual path, which decides every refusal).
  std::optional<Response> AnswerFromMemory(Request& request) {
    if (request.method != "GET" || config.read_cache_bytes == 0 ||
        request.query.contains("format") || request.Header("authorization")) {
      return std::nullopt;
    }
    const auto token = request.Cookie(kSessionCookie);
    if (!token) return std::nullopt;
    std::map<std::string, std::string> params;
    for (const Route& route : routes) {
      if (!MatchPattern(route.info.pattern, request.path, params)) continue;
      if (route.info.method != "GET" || route.caching != Caching::kRegistryRead ||
          route.info.policy == Policy::kPublic) {
        return std::nullopt;
      }
      auto session = accounts->FindSessionInMemory(*token, request.remote_ip, request.request_id);
      if (!session || session->enrolment_only || session->must_change_password) {
        return std::nullopt;
      }
      auto version =
          registry->FindReadVersionInMemory(session->caller, session->registry_generation);
      if (!version) return std::nullopt;
      auto cached = read_cache.Find(version->generation, ReadCacheKey(*version, request));
      if (!cached) return std::nullopt;
      return *cached;
    }
    return std::nullopt;
  }

  /// Authenticates a request for `route`: an API token (Authorization: Bearer) limited to the
  /// route's token scope, or the session cookie with CSRF token and Origin checks on unsafe
  /// methods; then the session's restrictions (MFA enrolment, forced password change).
  Result<service::SessionView> Authenticate(const Route& route, const Request& request) {
    const auto authorization = request.Header("authorization");
    if (authorization && authorization->size() > 7 &&
        text::AsciiLower(authorization->substr(0, 7)) == "bearer ") {
      auto session = accounts->AuthenticateToken(text::Trim(authorization->substr(7)),
                                                 request.remote_ip, request.request_id);
      if (!session) return session;
      const std::string& needed = route.info.token_scope;
      const auto& scopes = *session->scopes;
      const bool allowed = !needed.empty() &&
                           std::find(scopes.begin(), scopes.end(), needed) != scopes.end() &&
                           (needed != "read" || !IsUnsafe(request.method));
      if (!allowed) {
        return Fail(Error::Forbidden("This API token may not be used for this request."));
      }
      return session;
    }
    const auto token = request.Cookie(kSessionCookie);
    if (!token) return Fail(Error::Unauthenticated());
    auto session = accounts->Authenticate(*token, request.remote_ip, request.request_id);
    if (!session) return session;
    if (IsUnsafe(request.method)) {
      const auto csrf = request.Header("x-csrf-token");
      if (!csrf || !auth::ConstantTimeEquals(*csrf, session->csrf_token)) {
        return Fail(Error::Forbidden("The CSRF token is missing or wrong."));
      }
      if (const auto origin = request.Header("origin")) {
        const auto host = request.Header("host").value_or("");
        if (*origin != "http://" + host && *origin != "https://" + host) {
          return Fail(Error::Forbidden("The request comes from another origin."));
        }
      }
    }
    if (route.info.policy != Policy::kEnrolment) {
      if (session->enrolment_only) {
        return Fail(
            Error::Unauthenticated("Set up two-step verification first.", "mfaEnrollmentRequired"));
      }
      if (session->must_change_password) {
        return Fail(Error::Forbidden("Change your password first."));
      }
    }
    return session;
  }

  Response ServeStatic(const Request& request) {
    if (config.web_root.empty() || (request.method != "GET" && request.method != "HEAD")) {
      return ErrorOf(Error::NotFound(), request);
    }
    std::string relative = request.path == "/" ? "index.html" : request.path.substr(1);
    if (relative.find("..") != std::string::npos || relative.find('\0') != std::string::npos) {
      return ErrorOf(Error::NotFound(), request);
    }
    std::filesystem::path path = config.web_root / relative;
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error)) {
      // The single-page app routes by hash; unknown paths outside /assets get the app.
      if (relative.starts_with("assets/")) return ErrorOf(Error::NotFound(), request);
      path = config.web_root / "index.html";
    }
    std::ifstream file(path, std::ios::binary);
    if (!file) return ErrorOf(Error::NotFound("The web UI is not built."), request);
    std::ostringstream content;
    content << file.rdbuf();
    Response response = Response::Json(200, content.str());
    response.content_type = ContentTypeOf(path);
    response.headers.emplace_back("Cache-Control", relative.starts_with("assets/")
                                                       ? "public, max-age=31536000, immutable"
                                                       : "no-cache");
    return response;
  }

  Response Dispatch(Request& request) {
    std::map<std::string, std::string> params;
    bool path_matched = false;
    for (const Route& route : routes) {
      if (!MatchPattern(route.info.pattern, request.path, params)) continue;
      path_matched = true;
      if (route.info.method != request.method &&
          !(request.method == "HEAD" && route.info.method == "GET")) {
        continue;
      }
      Context context{request, params, std::nullopt};
      if (route.info.policy != Policy::kPublic) {
        auto session = Authenticate(route, request);
        if (!session) return ErrorOf(session.error(), request);
        context.session = std::move(*session);
        // Exports are not cached: each one is written to the audit log.
        const auto format = request.query.find("format");
        if (route.caching == Caching::kRegistryRead && config.read_cache_bytes > 0 &&
            format == request.query.end()) {
          return CachedRead(route, context);
        }
      }
      return route.handler(context);
    }
    if (path_matched) {
      Error error{
          ErrorKind::kBadRequest, "methodNotAllowed", "This method is not allowed here.", {}, {}};
      Response response = http::ErrorResponse(error, request.request_id);
      response.status = 405;
      return response;
    }
    if (request.path.starts_with("/api/")) return ErrorOf(Error::NotFound(), request);
    return ServeStatic(request);
  }
};

App::App(service::RegistryService& registry, service::AccountService& accounts,
         service::AuditService& audit, service::VulnerabilityService& vulnerabilities,
         AppConfig config)
    : impl_(std::make_shared<Impl>(&registry, &accounts, &audit, &vulnerabilities,
                                   std::move(config))) {}

http::Response App::Handle(http::Request& request) {
  Response response = impl_->Dispatch(request);
  const unsigned status_class = std::min(5u, response.status / 100);
  ++impl_->metrics.by_class[status_class];
  return response;
}

std::optional<http::Response> App::AnswerFromMemory(http::Request& request) {
  std::optional<Response> response = impl_->AnswerFromMemory(request);
  if (response) ++impl_->metrics.by_class[std::min(5u, response->status / 100)];
  return response;
}

std::vector<RouteInfo> App::Routes() {
  // The route table does not touch its services while being built.
  std::vector<RouteInfo> infos;
  Impl impl(nullptr, nullptr, nullptr, nullptr, AppConfig{});
  for (const Route& route : impl.routes) infos.push_back(route.info);
  return infos;
}

}  // namespace sg::api
