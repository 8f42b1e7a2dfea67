// Every ordering vector file of the five ecosystems, checked in both directions, with the cases
// we knowingly answer differently listed (and asserted) below.
#include <gtest/gtest.h>

#include <iostream>
#include <string>
#include <vector>

#include "version/distro/distro.hpp"
#include "version/distro/vector_files.hpp"

namespace sg::version::distro {
namespace {

using vectors::CheckOrderings;
using vectors::KnownDeviation;
using vectors::OrderingCase;
using vectors::OrderingReport;

constexpr std::string_view kScalibr = "version-vectors/osv-scalibr-semantic/semantic/testdata/";

// Why a vector is answered differently. osv-scalibr orders some strings its ecosystem's tool
// rejects (its comparators accept anything); we reject them, as the tool does.
constexpr std::string_view kLegacyPypi =
    "not PEP 440: packaging >= 22 rejects legacy versions (osv-scalibr orders them with a legacy "
    "fallback)";
constexpr std::string_view kMavenCombination =
    "Maven 3.9/4 read letters followed by '-' and digits as one CombinationItem (\"ga-1\", "
    "\"baz-0\"), which sorts after the bare qualifier; the vector follows Maven 3.8 / the POM "
    "reference text";
constexpr std::string_view kApkEmptyRevision = "invalid in apk-tools 3: \"-r\" without a number";
constexpr std::string_view kApkEmptyNumber = "invalid in apk-tools 3: an empty number between dots";
constexpr std::string_view kApkLetterAfterDot =
    "invalid in apk-tools 3: a '.' must be followed by digits";
constexpr std::string_view kApkUpperCase = "invalid in apk-tools 3: the letter must be lower case";
constexpr std::string_view kApkDigitsAfterLetter =
    "invalid in apk-tools 3: no digits may follow the letter (6.6.2p1 must be 6.6.2_p1)";
constexpr std::string_view kApkBadRevision =
    "invalid in apk-tools 3: '-' may only start the final -rN";
constexpr std::string_view kApkUnknownSuffix = "invalid in apk-tools 3: an unknown _suffix";
constexpr std::string_view kApkNoLeadingDigit =
    "invalid in apk-tools 3: it must start with a digit";
constexpr std::string_view kApkTwoLetters =
    "invalid in apk-tools 3: only one letter may follow the numbers";

void ExpectClean(const std::string& name, const std::vector<OrderingCase>& cases,
                 const OrderingReport& report) {
  std::cout << name << ": " << cases.size() << " cases, " << report.passed << " passed, "
            << report.deviations << " known deviations, " << report.failures.size() << " failed\n";
  for (const std::string& line : report.unasserted) std::cout << "  unasserted " << line << "\n";
  for (const std::string& failure : report.failures) ADD_FAILURE() << failure;
  EXPECT_GT(report.passed, 0) << name << " checked nothing";
}

void CheckFile(const std::string& name, const std::vector<OrderingCase>& cases,
               vectors::Comparator compare, const std::vector<KnownDeviation>& deviations) {
  ExpectClean(name, cases, CheckOrderings(cases, compare, deviations));
}

TEST(DistroOrderingVectors, PypiMatchesOsvScalibr) {
  CheckFile(
      "pypi-versions.txt", vectors::ReadOperatorCases(std::string(kScalibr) + "pypi-versions.txt"),
      static_cast<vectors::Comparator>(&ComparePep440),
      {
          {"0.1-bulbasaur", "0.1-charmander", "invalid", kLegacyPypi},  // pypi-versions.txt:47
          {"0.1-charmander", "0.9-doduo", "invalid", kLegacyPypi},      // pypi-versions.txt:48
          {"0.9-doduo", "0.9-eevee", "invalid", kLegacyPypi},           // pypi-versions.txt:49
          {"0.9-eevee", "0.9-fearow", "invalid", kLegacyPypi},          // pypi-versions.txt:50
          {"0.9-fearow", "0.9-gyarados", "invalid", kLegacyPypi},       // pypi-versions.txt:51
          {"0.9-gyarados", "0.9-horsea", "invalid", kLegacyPypi},       // pypi-versions.txt:52
          {"0.9-horsea", "0.9-ivysaur", "invalid", kLegacyPypi},        // pypi-versions.txt:53
          {"0.9-ivysaur", "1.0", "invalid", kLegacyPypi},               // pypi-versions.txt:54
          {"-class.-jw.util.version.version-pre", "1.0", "invalid",
           kLegacyPypi},  // pypi-versions.txt:56
          {"-class.-jw.util.version.version-preview", "1.0", "invalid",
           kLegacyPypi},  // pypi-versions.txt:57
          {"-class.-jw.util.version.version-dev", "1.0", "invalid",
           kLegacyPypi},  // pypi-versions.txt:58
      });
}

TEST(DistroOrderingVectors, MavenMatchesOsvScalibr) {
  CheckFile("maven-versions.txt",
            vectors::ReadOperatorCases(std::string(kScalibr) + "maven-versions.txt"), &CompareMaven,
            {
                {"1-1.foo-bar-1-baz-0.1", "1-1.foo-bar1baz-.1", ">",
                 kMavenCombination},                        // maven-versions.txt:93
                {"1-1", "1-ga-1", ">", kMavenCombination},  // maven-versions.txt:100
            });
}

TEST(DistroOrderingVectors, DebianMatchesOsvScalibr) {
  CheckFile("debian-versions.txt",
            vectors::ReadOperatorCases(std::string(kScalibr) + "debian-versions.txt"), &CompareDpkg,
            {});
}

TEST(DistroOrderingVectors, AlpineMatchesOsvScalibr) {
  CheckFile(
      "alpine-versions.txt",
      vectors::ReadOperatorCases(std::string(kScalibr) + "alpine-versions.txt"), &CompareApk,
      {
          {"1-r", "1-r0", "invalid", kApkEmptyRevision},                 // alpine-versions.txt:2
          {"1-r-0", "1-r0", "invalid", kApkEmptyRevision},               // alpine-versions.txt:4
          {"1-r-1", "1-r0", "invalid", kApkEmptyRevision},               // alpine-versions.txt:5
          {"0.r1", "0r2", "invalid", kApkLetterAfterDot},                // alpine-versions.txt:15
          {"0..1..0", "0..1..1", "invalid", kApkEmptyNumber},            // alpine-versions.txt:16
          {"0...1...0", "0...1...1", "invalid", kApkEmptyNumber},        // alpine-versions.txt:17
          {"0...1...0.r1", "0...1...0.r2", "invalid", kApkEmptyNumber},  // alpine-versions.txt:18
          {"0...1...0r1", "0...1...0r2", "invalid", kApkEmptyNumber},    // alpine-versions.txt:19
          {"0..8", "0..8", "invalid", kApkEmptyNumber},                  // alpine-versions.txt:20
          {"0..8", "0...8", "invalid", kApkEmptyNumber},                 // alpine-versions.txt:21
          {"0.8.21.r2", "0.8.21.r1", "invalid", kApkLetterAfterDot},     // alpine-versions.txt:22
          {"10.2.24.r0", "10.2.22.r0", "invalid", kApkLetterAfterDot},   // alpine-versions.txt:23
          {"0.8.21.r2", "0.8.21r2", "invalid", kApkLetterAfterDot},      // alpine-versions.txt:24
          {"1.2.0A", "1.2.0d", "invalid", kApkUpperCase},                // alpine-versions.txt:27
          {"1.2.0D", "1.2.0d", "invalid", kApkUpperCase},                // alpine-versions.txt:28
          {"6.6.2p1", "6.6.2p1", "invalid", kApkDigitsAfterLetter},      // alpine-versions.txt:31
          {"6.6.2p1", "6.6.2_p1", "invalid", kApkDigitsAfterLetter},     // alpine-versions.txt:32
          {"6.6.2p1", "6.6.2_p2", "invalid", kApkDigitsAfterLetter},     // alpine-versions.txt:33
          {"6.6.2p1", "6.6.2p2", "invalid", kApkDigitsAfterLetter},      // alpine-versions.txt:34
          {"1-r2", "1-r-1", "invalid", kApkEmptyRevision},               // alpine-versions.txt:38
          {"1", "1-ruff", "invalid", kApkBadRevision},                   // alpine-versions.txt:40
          {"1-r0-1", "1-r-2", "invalid", kApkBadRevision},               // alpine-versions.txt:43
          {"1-r0-1", "1-r0-2", "invalid", kApkBadRevision},              // alpine-versions.txt:44
          {"1-ruff2", "1-ruff1", "invalid", kApkBadRevision},            // alpine-versions.txt:45
          {"1-ruff2", "1--ruff1", "invalid", kApkBadRevision},           // alpine-versions.txt:47
          {"1-r0-ruff2", "1-r0-ruff1", "invalid", kApkBadRevision},      // alpine-versions.txt:48
          {"1.2", "1.2_blah", "invalid", kApkUnknownSuffix},             // alpine-versions.txt:50
          {"1.2_svn1", "1.2_csv2", "invalid", kApkUnknownSuffix},        // alpine-versions.txt:58
          {"1.2_cvs1", "1.2_blah", "invalid", kApkUnknownSuffix},        // alpine-versions.txt:59
          {".1", "1", "invalid", kApkNoLeadingDigit},                    // alpine-versions.txt:62
          {"1", ".1", "invalid", kApkNoLeadingDigit},                    // alpine-versions.txt:63
          {".2", ".1", "invalid", kApkNoLeadingDigit},                   // alpine-versions.txt:64
          {"a", "b", "invalid", kApkNoLeadingDigit},                     // alpine-versions.txt:65
          {"c", "b", "invalid", kApkNoLeadingDigit},                     // alpine-versions.txt:66
          {"c", "c", "invalid", kApkNoLeadingDigit},                     // alpine-versions.txt:67
          {"23_foo", "4_beta", "invalid", kApkUnknownSuffix},            // alpine-versions.txt:72
          {"1.0", "1.0bc", "invalid", kApkTwoLetters},                   // alpine-versions.txt:74
      });
}

TEST(DistroOrderingVectors, RedHatMatchesOsvScalibr) {
  CheckFile("redhat-versions.txt",
            vectors::ReadOperatorCases(std::string(kScalibr) + "redhat-versions.txt"), &CompareRpm,
            {});
}

TEST(DistroOrderingVectors, DebianMatchesDpkgTestSuite) {
  CheckFile("dpkg-version-cmp.txt",
            vectors::ReadTripleCases("version-vectors/debian-dpkg/dpkg-version-cmp.txt"),
            &CompareDpkg, {});
}

TEST(DistroOrderingVectors, RpmMatchesRpmvercmpTestSuite) {
  CheckFile("rpmvercmp.txt",
            vectors::ReadTripleCases("version-vectors/rpm-rpmvercmp/rpmvercmp.txt", "#ODD "),
            &CompareRpm, {});
}

}  // namespace
}  // namespace sg::version::distro
