#pragma once

#include <optional>
#include <string_view>

#include "core/error.hpp"

/// Version ordering per package ecosystem, as the OSV schema names them. Pure: no I/O.
namespace sg::version {

/// An OSV ecosystem whose versions SupplyGuard can order.
enum class Ecosystem {
  kNpm,
  kPyPI,
  kMaven,
  kGo,
  kCratesIo,
  kRubyGems,
  kPackagist,
  kNuGet,
  kPub,
  kHackage,
  kCran,
  kDebian,
  kAlpine,
  kRedHat,
  kAlmaLinux,
  kRockyLinux,
  kBitnami,
  kSemVer,
};

/// The ecosystem an OSV `ecosystem` string names: "PyPI", "Debian:12", "Alpine:v3.18" and
/// "Red Hat:enterprise_linux:9" all name one (the part after the first ':' is a release).
/// Names are case-sensitive, as in the OSV schema. Absent for an ecosystem not supported.
std::optional<Ecosystem> FindEcosystem(std::string_view osv_name);

/// The OSV name of `ecosystem` ("crates.io", "Red Hat", …).
std::string_view Name(Ecosystem ecosystem);

/// Orders two versions of one ecosystem: negative, zero or positive (exactly -1, 0 or 1).
/// An error (code "invalidVersion", the message naming the version and why) when either is not
/// a valid version in that ecosystem.
Result<int> Compare(Ecosystem ecosystem, std::string_view a, std::string_view b);

/// Success when `version` is valid in `ecosystem`; otherwise the error Compare would give.
Result<void> Validate(Ecosystem ecosystem, std::string_view version);

}  // namespace sg::version
