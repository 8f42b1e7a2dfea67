#include "service/caller.hpp"

#include <fmt/format.h>

namespace sg::service {

Caller Caller::CommandLine() {
  Caller caller;
  caller.role = domain::Role::kAuthority;
  caller.request_id = "cli";
  caller.email = "command-line";
  return caller;
}

bool IsAdministrator(const Caller& caller) {
  return caller.role == domain::Role::kAuthority ||
         (caller.tenant_admin && (caller.agency_id || caller.vendor_id));
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
      scope.kind = caller.user_id ? storage::Scope::Kind::kAuditor : storage::Scope::Kind::kNothing;
      scope.tenant_id = caller.user_id.value_or(0);
      break;
  }
  return scope;
}

}  // namespace sg::service

namespace sg::service {

std::optional<std::chrono::system_clock::time_point> ParseTimestamp(std::string_view text) {
  auto digits = [&](std::size_t at, std::size_t count) -> std::optional<int> {
    if (at + count > text.size()) return std::nullopt;
    int value = 0;
    for (std::size_t index = at; index < at + count; ++index) {
      if (text[index] < '0' || text[index] > '9') return std::nullopt;
      value = value * 10 + (text[index] - '0');
    }
    return value;
  };
  const auto year = digits(0, 4);
  const auto month = digits(5, 2);
  const auto day = digits(8, 2);
  if (!year || !month || !day || text.size() < 10 || text[4] != '-' || text[7] != '-') {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year{*year},
                                         std::chrono::month{static_cast<unsigned>(*month)},
                                         std::chrono::day{static_cast<unsigned>(*day)}};
  if (!date.ok()) return std::nullopt;
  const std::chrono::sys_days midnight{date};
  if (text.size() == 10) {
    // The end of the day in Taiwan (UTC+8): 23:59:59.999 local is 15:59:59.999 UTC.
    return midnight + std::chrono::hours(16) - std::chrono::milliseconds(1);
  }
  if (text[10] != 'T' && text[10] != 't' && text[10] != ' ') return std::nullopt;
  const auto hour = digits(11, 2);
  const auto minute = digits(14, 2);
  const auto second = digits(17, 2);
  if (!hour || !minute || !second || text.size() < 20 || text[13] != ':' || text[16] != ':' ||
      *hour > 23 || *minute > 59 || *second > 60) {
    return std::nullopt;
  }
  std::size_t at = 19;
  std::chrono::milliseconds fraction{0};
  if (text[at] == '.') {
    ++at;
    int scale = 100;
    const std::size_t start = at;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      fraction += std::chrono::milliseconds((text[at] - '0') * scale);
      scale /= 10;
      ++at;
    }
    if (at == start) return std::nullopt;
  }
  std::chrono::minutes offset{0};
  if (at < text.size() && (text[at] == 'Z' || text[at] == 'z')) {
    ++at;
  } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
    const auto offset_hours = digits(at + 1, 2);
    const auto offset_minutes = digits(at + 4, 2);
    if (!offset_hours || !offset_minutes || at + 6 > text.size() || text[at + 3] != ':') {
      return std::nullopt;
    }
    offset = std::chrono::hours(*offset_hours) + std::chrono::minutes(*offset_minutes);
    if (text[at] == '-') offset = -offset;
    at += 6;
  } else {
    return std::nullopt;
  }
  if (at != text.size()) return std::nullopt;
  return midnight + std::chrono::hours(*hour) + std::chrono::minutes(*minute) +
         std::chrono::seconds(*second) + fraction - offset;
}

}  // namespace sg::service
