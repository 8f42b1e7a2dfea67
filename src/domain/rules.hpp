#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace sg::domain {

/// 統一編號 — a Taiwanese business tax id: 8 digits with a weighted checksum. Since the 2023
/// extension of the number range the weighted digit sum must be divisible by 5 (it was 10); when
/// the seventh digit is 7 its product 28 counts as either 10 → 1 or 0, so either sum may pass.
bool IsValidTaxId(std::string_view tax_id);

/// 防護需求等級 — a system's protection level, or one of its C/I/A/legal ratings (附表九).
enum class Level { kNormal = 0, kMedium = 1, kHigh = 2 };

/// Accepts `normal`/`medium`/`high` (any case) and 普/中/高.
std::optional<Level> ParseLevel(std::string_view text);
std::string_view ToString(Level level);
/// The protection level is the highest of the four ratings (附表九).
Level DeriveProtectionLevel(Level confidentiality, Level integrity, Level availability,
                            Level legal);

/// 資通安全責任等級 A–E of an agency.
enum class ResponsibilityLevel { kA, kB, kC, kD, kE };
std::optional<ResponsibilityLevel> ParseResponsibilityLevel(std::string_view text);
std::string_view ToString(ResponsibilityLevel level);

/// Kind of agency: government (central / local) or specific non-government.
enum class AgencyKind { kCentral, kLocal, kCiProvider, kStateOwned, kFoundation };
std::optional<AgencyKind> ParseAgencyKind(std::string_view text);
std::string_view ToString(AgencyKind kind);

/// 資服類型 — the nine service types of the contract template's baseline requirements (seed 002).
enum class ServiceType {
  kSaasPackaged,
  kSaasOffice,
  kSaasCustomised,
  kPaasIaas,
  kItPlanning,
  kSecurityPlanning,
  kSystemDevelopment,
  kFeatureExpansion,
  kSystemMaintenance,
};
std::optional<ServiceType> ParseServiceType(std::string_view text);
std::string_view ToString(ServiceType type);

/// Platform roles (DESIGN.md: users and what each may see).
enum class Role { kAuthority, kAgencyCiso, kAgencyOfficer, kVendor, kAuditor };
std::optional<Role> ParseRole(std::string_view text);
std::string_view ToString(Role role);
inline bool IsAgencyRole(Role role) {
  return role == Role::kAgencyCiso || role == Role::kAgencyOfficer;
}

/// Yes/no as spreadsheets write it: 是/否, Y/N, yes/no, true/false, 1/0 (any case).
std::optional<bool> ParseYesNo(std::string_view text);

/// A calendar date. Accepts ISO `2026-11-21` (also `2026/11/21`) and ROC dates `115/11/21`,
/// `115-11-21`, `民國115年11月21日` (ROC year = Gregorian year − 1911).
std::optional<std::chrono::year_month_day> ParseDate(std::string_view text);
std::string ToIsoDate(std::chrono::year_month_day date);
std::string ToRocDate(std::chrono::year_month_day date);

}  // namespace sg::domain
