// libFuzzer harness for the version orderings (version/version.hpp). The first byte picks the
// ecosystem (its index in sg::version::Ecosystem, modulo their number: fuzz/seeds.py writes seeds
// the same way); the rest is up to three versions separated by line breaks. Checked: Compare
// succeeds exactly when both versions validate, gives -1, 0 or 1, is reflexive and antisymmetric,
// and, with three valid versions, transitive where the ecosystem's own ordering is a total order
// by definition; not where it follows a tool that is not transitive: Maven's ComparableVersion
// (Maven 3.8.7 orders ".alpha" > "rcrc" > "-ga" but ".alpha" < "-ga"), rpmvercmp, PHP's
// version_compare and the like.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "harness.hpp"
#include "version/version.hpp"

namespace {

using sg::fuzz::Require;
using sg::version::Ecosystem;

constexpr std::size_t kEcosystemCount = static_cast<std::size_t>(Ecosystem::kSemVer) + 1;

// Orderings defined as total orders: SemVer precedence (npm, Go and crates.io use it too),
// PEP 440 and dpkg's.
bool IsTotalOrder(Ecosystem ecosystem) {
  switch (ecosystem) {
    case Ecosystem::kSemVer:
    case Ecosystem::kNpm:
    case Ecosystem::kGo:
    case Ecosystem::kCratesIo:
    case Ecosystem::kPyPI:
    case Ecosystem::kDebian:
      return true;
    default:
      return false;
  }
}

// Compare's value after the checks every call must pass; nothing when a version is invalid.
std::optional<int> CheckedCompare(Ecosystem ecosystem, std::string_view a, std::string_view b,
                                  bool a_valid, bool b_valid) {
  const auto order = sg::version::Compare(ecosystem, a, b);
  Require(order.has_value() == (a_valid && b_valid),
          "Compare succeeds exactly when both versions are valid");
  if (!order) return std::nullopt;
  Require(*order == -1 || *order == 0 || *order == 1, "Compare gives -1, 0 or 1");
  return *order;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto ecosystem = static_cast<Ecosystem>(data[0] % kEcosystemCount);
  std::string_view rest = sg::fuzz::AsText(data + 1, size - 1);
  std::array<std::string_view, 3> versions;
  for (std::size_t index = 0; index < versions.size() - 1; ++index) {
    const std::size_t end = rest.find('\n');
    versions[index] = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  }
  versions.back() = rest;

  std::array<bool, 3> valid{};
  for (std::size_t index = 0; index < versions.size(); ++index) {
    valid[index] = sg::version::Validate(ecosystem, versions[index]).has_value();
    if (valid[index]) {
      Require(CheckedCompare(ecosystem, versions[index], versions[index], true, true) == 0,
              "a valid version equals itself");
    }
  }
  const auto [a, b, c] = versions;
  const auto ab = CheckedCompare(ecosystem, a, b, valid[0], valid[1]);
  const auto ba = CheckedCompare(ecosystem, b, a, valid[1], valid[0]);
  if (ab) Require(*ab == -*ba, "Compare(a, b) == -Compare(b, a)");
  if (!ab || !valid[2] || !IsTotalOrder(ecosystem)) return 0;
  const auto bc = CheckedCompare(ecosystem, b, c, true, true);
  const auto ac = CheckedCompare(ecosystem, a, c, true, true);
  if (*ab <= 0 && *bc <= 0) Require(*ac <= 0, "a <= b <= c implies a <= c");
  if (*ab >= 0 && *bc >= 0) Require(*ac >= 0, "a >= b >= c implies a >= c");
  if (*ab == 0) Require(*ac == *bc, "equal versions order alike against a third");
  return 0;
}
