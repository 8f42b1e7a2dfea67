#include "service/caller.hpp"

#include <fmt/format.h>

namespace sg::service {

Caller Caller::CommandLine() {
  Caller caller;
  caller.role = domain::Role::kAuthority;
  caller.request_id = "cli";
  return caller;
}

std::string FormatTimestamp(std::chrono::system_clock::time_point time) {
  const auto millis = std::chrono::time_point_cast<std::chrono::milliseconds>(time);
  const auto days = std::chrono::floor<std::chrono::days>(millis);
  const std::chrono::year_month_day date{days};
  const std::chrono::hh_mm_ss clock{millis - days};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                     clock.hours().count(), clock.minutes().count(), clock.seconds().count(),
                     clock.subseconds().count());
}

std::chrono::year_month_day TaiwanDate(std::chrono::system_clock::time_point time) {
  return std::chrono::year_month_day{
      std::chrono::floor<std::chrono::days>(time + std::chrono::hours(8))};
}

storage::Scope ScopeOf(const Caller& caller, const Clock& clock) {
  storage::Scope scope;
  const auto today = TaiwanDate(clock.Now());
  scope.today = domain::ToIsoDate(today);
  scope.vendor_window_start = domain::ToIsoDate(
      std::chrono::year_month_day{std::chrono::sys_days{today} - std::chrono::days(90)});
  switch (caller.role) {
    case domain::Role::kAuthority:
      scope.kind = storage::Scope::Kind::kEverything;
      break;
    case domain::Role::kAgencyCiso:
    case domain::Role::kAgencyOfficer:
      scope.kind =
          caller.agency_id ? storage::Scope::Kind::kAgency : storage::Scope::Kind::kNothing;
      scope.tenant_id = caller.agency_id.value_or(0);
      break;
    case domain::Role::kVendor:
      scope.kind =
          caller.vendor_id ? storage::Scope::Kind::kVendor : storage::Scope::Kind::kNothing;
      scope.tenant_id = caller.vendor_id.value_or(0);
      break;
    case domain::Role::kAuditor:
      scope.kind = storage::Scope::Kind::kNothing;
      break;
  }
  return scope;
}

}  // namespace sg::service
