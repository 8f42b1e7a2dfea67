#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "domain/rules.hpp"
#include "storage/registry_store.hpp"

namespace sg::service {

/// Who makes a request: the signed-in user, their role and tenant, and the request's id for the
/// logs and history. Built by the HTTP layer from the session; by the CLI as the authority.
struct Caller {
  std::optional<std::int64_t> user_id;
  domain::Role role = domain::Role::kAuditor;
  std::optional<std::int64_t> agency_id;
  std::optional<std::int64_t> vendor_id;
  std::optional<std::string> agency_code;    // natural key of agency_id
  std::optional<std::string> vendor_tax_id;  // natural key of vendor_id
  bool tenant_admin = false;
  std::string email;      // for the audit log
  std::string source_ip;  // the client's address (after trusted proxies)
  std::string request_id;

  /// The command line acts as the authority (it has the database file or URL already).
  static Caller CommandLine();
};

/// The source of time, injectable so tests can move it.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::chrono::system_clock::time_point Now() const override {
    return std::chrono::system_clock::now();
  }
};

/// RFC 3339 UTC with milliseconds: 2026-11-21T08:00:00.123Z.
std::string FormatTimestamp(std::chrono::system_clock::time_point time);
/// Today's date in Taiwan (UTC+8), where the platform's users work.
std::chrono::year_month_day TaiwanDate(std::chrono::system_clock::time_point time);

/// The authority, or a tenant's administrator (a tenant_admin bound to an agency or a vendor):
/// those who manage users and read the audit log.
bool IsAdministrator(const Caller& caller);

/// The rows `caller` may read, for the storage layer.
storage::Scope ScopeOf(const Caller& caller, const Clock& clock);

}  // namespace sg::service

namespace sg::service {

/// Parses RFC 3339 (`2026-11-21T08:00:00Z`, `…+08:00`, optional fraction); a bare date
/// `YYYY-MM-DD` means the end of that day in Taiwan. Empty when malformed.
std::optional<std::chrono::system_clock::time_point> ParseTimestamp(std::string_view text);

}  // namespace sg::service
