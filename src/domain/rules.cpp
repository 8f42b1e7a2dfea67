#include "domain/rules.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <utility>

#include "core/text.hpp"

namespace sg::domain {
namespace {

template <typename Enum, std::size_t N>
struct EnumNames {
  std::array<std::pair<Enum, std::string_view>, N> names;
  std::array<std::pair<Enum, std::string_view>, N> chinese;

  std::optional<Enum> Parse(std::string_view text) const {
    const std::string_view trimmed = text::Trim(text);
    const std::string lowered = text::AsciiLower(trimmed);
    for (const auto& [value, name] : names) {
      if (lowered == name) return value;
    }
    for (const auto& [value, name] : chinese) {
      if (trimmed == name) return value;
    }
    return std::nullopt;
  }

  std::string_view Name(Enum value) const {
    for (const auto& [candidate, name] : names) {
      if (candidate == value) return name;
    }
    return "";
  }
};

constexpr EnumNames<Level, 3> kLevelNames{
    {{{Level::kNormal, "normal"}, {Level::kMedium, "medium"}, {Level::kHigh, "high"}}},
    {{{Level::kNormal, "普"}, {Level::kMedium, "中"}, {Level::kHigh, "高"}}}};

constexpr EnumNames<AgencyKind, 5> kAgencyKindNames{
    {{{AgencyKind::kCentral, "central"},
      {AgencyKind::kLocal, "local"},
      {AgencyKind::kCiProvider, "ci_provider"},
      {AgencyKind::kStateOwned, "state_owned"},
      {AgencyKind::kFoundation, "foundation"}}},
    {{{AgencyKind::kCentral, "中央機關"},
      {AgencyKind::kLocal, "地方機關"},
      {AgencyKind::kCiProvider, "關鍵基礎設施提供者"},
      {AgencyKind::kStateOwned, "公營事業"},
      {AgencyKind::kFoundation, "政府捐助之財團法人"}}}};

constexpr EnumNames<ServiceType, 9> kServiceTypeNames{
    {{{ServiceType::kSaasPackaged, "saas_packaged"},
      {ServiceType::kSaasOffice, "saas_office"},
      {ServiceType::kSaasCustomised, "saas_customised"},
      {ServiceType::kPaasIaas, "paas_iaas"},
      {ServiceType::kItPlanning, "it_planning"},
      {ServiceType::kSecurityPlanning, "security_planning"},
      {ServiceType::kSystemDevelopment, "system_development"},
      {ServiceType::kFeatureExpansion, "feature_expansion"},
      {ServiceType::kSystemMaintenance, "system_maintenance"}}},
    {{{ServiceType::kSaasPackaged, "SaaS套裝型"},
      {ServiceType::kSaasOffice, "SaaS辦公室生產力工具"},
      {ServiceType::kSaasCustomised, "SaaS客製化"},
      {ServiceType::kPaasIaas, "PaaS/IaaS"},
      {ServiceType::kItPlanning, "資服規劃"},
      {ServiceType::kSecurityPlanning, "資安規劃"},
      {ServiceType::kSystemDevelopment, "系統開發"},
      {ServiceType::kFeatureExpansion, "功能擴充"},
      {ServiceType::kSystemMaintenance, "系統維護"}}}};

constexpr EnumNames<Role, 5> kRoleNames{{{{Role::kAuthority, "authority"},
                                          {Role::kAgencyCiso, "agency_ciso"},
                                          {Role::kAgencyOfficer, "agency_officer"},
                                          {Role::kVendor, "vendor"},
                                          {Role::kAuditor, "auditor"}}},
                                        {{{Role::kAuthority, "資安署"},
                                          {Role::kAgencyCiso, "資安長"},
                                          {Role::kAgencyOfficer, "機關承辦人"},
                                          {Role::kVendor, "廠商"},
                                          {Role::kAuditor, "稽核委員"}}}};

constexpr EnumNames<ResponsibilityLevel, 5> kResponsibilityNames{
    {{{ResponsibilityLevel::kA, "a"},
      {ResponsibilityLevel::kB, "b"},
      {ResponsibilityLevel::kC, "c"},
      {ResponsibilityLevel::kD, "d"},
      {ResponsibilityLevel::kE, "e"}}},
    {{{ResponsibilityLevel::kA, "A級"},
      {ResponsibilityLevel::kB, "B級"},
      {ResponsibilityLevel::kC, "C級"},
      {ResponsibilityLevel::kD, "D級"},
      {ResponsibilityLevel::kE, "E級"}}}};

int DigitSum(int value) { return value / 10 + value % 10; }

/// Parses an unsigned decimal number that fills the whole string.
std::optional<int> ParseNumber(std::string_view digits) {
  if (digits.empty() || digits.size() > 4) return std::nullopt;
  int value = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (error != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return value;
}

std::optional<std::chrono::year_month_day> MakeDate(int year, int month, int day) {
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || day > 31) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year(year),
                                         std::chrono::month(static_cast<unsigned>(month)),
                                         std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok()) return std::nullopt;
  return date;
}

}  // namespace

bool IsValidTaxId(std::string_view tax_id) {
  static constexpr std::array<int, 8> kWeights = {1, 2, 1, 2, 1, 2, 4, 1};
  if (tax_id.size() != 8) return false;
  int sum = 0;
  for (std::size_t position = 0; position < 8; ++position) {
    const char digit = tax_id[position];
    if (digit < '0' || digit > '9') return false;
    if (position == 6 && digit == '7') continue;  // counted below as 0 or 1
    sum += DigitSum((digit - '0') * kWeights[position]);
  }
  if (tax_id[6] == '7') return sum % 5 == 0 || (sum + 1) % 5 == 0;
  return sum % 5 == 0;
}

std::optional<Level> ParseLevel(std::string_view text) { return kLevelNames.Parse(text); }
std::string_view ToString(Level level) { return kLevelNames.Name(level); }

Level DeriveProtectionLevel(Level confidentiality, Level integrity, Level availability,
                            Level legal) {
  return std::max({confidentiality, integrity, availability, legal});
}

std::optional<ResponsibilityLevel> ParseResponsibilityLevel(std::string_view text) {
  return kResponsibilityNames.Parse(text);
}
std::string_view ToString(ResponsibilityLevel level) {
  static constexpr std::array<std::string_view, 5> kUpper = {"A", "B", "C", "D", "E"};
  return kUpper[static_cast<std::size_t>(level)];
}

std::optional<AgencyKind> ParseAgencyKind(std::string_view text) {
  return kAgencyKindNames.Parse(text);
}
std::string_view ToString(AgencyKind kind) { return kAgencyKindNames.Name(kind); }

std::optional<ServiceType> ParseServiceType(std::string_view text) {
  return kServiceTypeNames.Parse(text);
}
std::string_view ToString(ServiceType type) { return kServiceTypeNames.Name(type); }

std::optional<Role> ParseRole(std::string_view text) { return kRoleNames.Parse(text); }
std::string_view ToString(Role role) { return kRoleNames.Name(role); }

std::optional<bool> ParseYesNo(std::string_view text) {
  const std::string_view trimmed = text::Trim(text);
  if (trimmed == "是") return true;
  if (trimmed == "否") return false;
  const std::string lowered = text::AsciiLower(trimmed);
  if (lowered == "y" || lowered == "yes" || lowered == "true" || lowered == "1") return true;
  if (lowered == "n" || lowered == "no" || lowered == "false" || lowered == "0") return false;
  return std::nullopt;
}

std::optional<std::chrono::year_month_day> ParseDate(std::string_view raw) {
  std::string_view text = text::Trim(raw);
  bool roc = false;
  std::string normalised;
  if (text.starts_with("民國")) {
    roc = true;
    text.remove_prefix(std::string_view("民國").size());
    // 115年11月21日 → 115/11/21
    std::string converted(text);
    for (const std::string_view marker : {"年", "月"}) {
      if (const auto at = converted.find(marker); at != std::string::npos) {
        converted.replace(at, marker.size(), "/");
      } else {
        return std::nullopt;
      }
    }
    if (!converted.ends_with("日")) return std::nullopt;
    converted.resize(converted.size() - std::string_view("日").size());
    normalised = std::move(converted);
    text = normalised;
  }
  const char separator = text.find('/') != std::string_view::npos ? '/' : '-';
  const auto first = text.find(separator);
  const auto second = first == std::string_view::npos ? first : text.find(separator, first + 1);
  if (first == std::string_view::npos || second == std::string_view::npos ||
      text.find(separator, second + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  const auto year_text = text.substr(0, first);
  const auto year = ParseNumber(year_text);
  const auto month = ParseNumber(text.substr(first + 1, second - first - 1));
  const auto day = ParseNumber(text.substr(second + 1));
  if (!year || !month || !day) return std::nullopt;
  // A four-digit year is Gregorian; one to three digits is an ROC year.
  if (year_text.size() <= 3) roc = true;
  if (roc && year_text.size() > 3) return std::nullopt;
  return MakeDate(roc ? *year + 1911 : *year, *month, *day);
}

std::string ToIsoDate(std::chrono::year_month_day date) {
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
}

std::string ToRocDate(std::chrono::year_month_day date) {
  return fmt::format("{}/{:02}/{:02}", static_cast<int>(date.year()) - 1911,
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
}

}  // namespace sg::domain
