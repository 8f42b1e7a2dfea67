// Hand-written cases: invalid input and its messages, very long numbers, the ecosystems' quirks
// the public vectors do not reach, and inputs meant to break a parser.
#include "version/lang/lang.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace sg::version::lang {
namespace {

using Comparator = Result<int> (*)(std::string_view, std::string_view);

constexpr Comparator kAll[] = {&CompareSemVer,   &CompareNpm,      &CompareGo,
                               &CompareCratesIo, &CompareRubyGems, &ComparePackagist,
                               &CompareNuGet,    &ComparePub,      &CompareHackage,
                               &CompareCran,     &CompareBitnami};

int Order(Comparator compare, std::string_view a, std::string_view b) {
  const Result<int> result = compare(a, b);
  EXPECT_TRUE(result.has_value()) << a << " vs " << b << ": " << result.error().message;
  return result.value_or(99);
}

void ExpectInvalid(Comparator compare, std::string_view version, std::string_view message) {
  const Result<int> result = compare(version, version);
  ASSERT_FALSE(result.has_value()) << "'" << version << "' was accepted";
  EXPECT_EQ(result.error().code, "invalidVersion");
  EXPECT_EQ(result.error().kind, ErrorKind::kBadRequest);
  if (!message.empty()) {
    EXPECT_EQ(result.error().message, message);
  }
}

TEST(SemVer, InvalidVersionsNameTheVersionAndTheReason) {
  ExpectInvalid(&CompareSemVer, "1.2", "'1.2' is not a SemVer version: it needs major.minor.patch");
  ExpectInvalid(&CompareSemVer, "01.2.3",
                "'01.2.3' is not a SemVer version: its major version '01' has a leading zero");
  ExpectInvalid(&CompareSemVer, "v1.2.3", "");
  ExpectInvalid(&CompareSemVer, "1.2.3-01", "");
  ExpectInvalid(&CompareSemVer, "1.2.3-", "");
  ExpectInvalid(&CompareSemVer, "1.2.3-a..b", "");
  ExpectInvalid(&CompareSemVer, "1.2.3+", "");
  ExpectInvalid(&CompareSemVer, "1.2.3+a_b", "");
  ExpectInvalid(&CompareSemVer, " 1.2.3", "");
  ExpectInvalid(&CompareSemVer, "", "'' is not a SemVer version: it is empty");
}

TEST(SemVer, TheErrorOfEitherSideIsReported) {
  const Result<int> result = CompareSemVer("1.0.0", "x");
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message.find("'x'"), std::string::npos);
}

TEST(SemVer, PrecedenceFollowsTheSpec) {
  EXPECT_EQ(Order(&CompareSemVer, "1.0.0-alpha", "1.0.0-alpha.1"), -1);
  EXPECT_EQ(Order(&CompareSemVer, "1.0.0-alpha.beta", "1.0.0-alpha.1"), 1);
  EXPECT_EQ(Order(&CompareSemVer, "1.0.0-beta.11", "1.0.0-beta.2"), 1);
  EXPECT_EQ(Order(&CompareSemVer, "1.0.0+build.1", "1.0.0+build.2"), 0);
  EXPECT_EQ(Order(&CompareSemVer, "1.0.0+001", "1.0.0"), 0);  // build may have leading zeros
}

TEST(SemVer, NumbersOfAnyLengthCompareExactly) {
  const std::string huge(1000, '9');
  const std::string huge_minus_one = std::string(999, '9') + "8";
  EXPECT_EQ(Order(&CompareSemVer, huge + ".0.0", huge_minus_one + ".0.0"), 1);
  EXPECT_EQ(Order(&CompareSemVer, "1.0.0-" + huge, "1.0.0-" + huge_minus_one), 1);
  EXPECT_EQ(Order(&CompareSemVer, "0.0." + huge, "0.0." + huge), 0);
  EXPECT_EQ(Order(&CompareGo, "v" + huge, "v" + huge + ".0.1"), -1);
  EXPECT_EQ(Order(&CompareRubyGems, huge + ".1", huge_minus_one + ".2"), 1);
  EXPECT_EQ(Order(&ComparePackagist, huge, huge_minus_one), 1);
  EXPECT_EQ(Order(&CompareBitnami, huge + ".0.0-1", huge + ".0.0-2"), -1);
}

TEST(Go, TheVPrefixIsOptionalAndShorthandsArePadded) {
  EXPECT_EQ(Order(&CompareGo, "v1.2.3", "1.2.3"), 0);
  EXPECT_EQ(Order(&CompareGo, "v1", "v1.0.0"), 0);
  EXPECT_EQ(Order(&CompareGo, "v1.2", "1.2.0"), 0);
  EXPECT_EQ(Order(&CompareGo, "v2.0.0+incompatible", "v2.0.0"), 0);
  EXPECT_EQ(Order(&CompareGo, "v0.0.0-20191109021931-daa7c04131f5", "v0.0.0"), -1);
  EXPECT_EQ(Order(&CompareGo, "v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.3"), 1);
  ExpectInvalid(&CompareGo, "v1.2-pre", "");
  ExpectInvalid(&CompareGo, "v01.2.3", "");
  ExpectInvalid(&CompareGo, "vv1.2.3", "");
}

TEST(CratesIo, NumbersAreLimitedToU64) {
  EXPECT_EQ(Order(&CompareCratesIo, "18446744073709551615.0.0", "1.0.0"), 1);
  ExpectInvalid(&CompareCratesIo, "18446744073709551616.0.0",
                "'18446744073709551616.0.0' is not a crates.io version: its major version is "
                "larger than 18446744073709551615");
  ExpectInvalid(&CompareCratesIo, "v1.0.0", "");
}

TEST(Npm, StrictAndLooseParsingFollowNodeSemver) {
  EXPECT_EQ(Order(&CompareNpm, " v1.2.3 ", "1.2.3"), 0);
  ExpectInvalid(&CompareNpm, "=1.2.3", "");  // only loose mode takes "="
  EXPECT_EQ(CompareNpm("=1.2.3", "1.2.3", {.loose = true, .include_prerelease = false}), 0);
  // Loose mode lets a prerelease start inside the patch: 1.2.34.5 is 1.2.3-4.5.
  const Result<NpmVersion> odd = ParseNpmVersion("1.2.34.5", {.loose = true});
  ASSERT_TRUE(odd.has_value());
  EXPECT_EQ(odd->ToString(), "1.2.3-4.5");
  const Result<NpmVersion> zeros = ParseNpmVersion("01.02.03-007", {.loose = true});
  ASSERT_TRUE(zeros.has_value());
  EXPECT_EQ(zeros->ToString(), "1.2.3-7");
  ExpectInvalid(&CompareNpm, "9007199254740992.0.0", "");
  EXPECT_EQ(Order(&CompareNpm, "9007199254740991.0.0", "1.0.0"), 1);
  ExpectInvalid(&CompareNpm, "1.2.3-" + std::string(251, 'a'), "");  // longer than 256
  EXPECT_EQ(Order(&CompareNpm, "1.2.3\xc2\xa0", "1.2.3"), 0);        // U+00A0 is trimmed
}

TEST(Npm, RangesFollowNodeSemver) {
  EXPECT_EQ(NpmSatisfies("^1.2.3", "1.9.0"), true);
  EXPECT_EQ(NpmSatisfies("^1.2.3", "2.0.0-rc.1"), false);
  EXPECT_EQ(NpmSatisfies(">=1.0.0 <2.0.0 || >=3.0.0", "3.1.0"), true);
  EXPECT_EQ(NpmSatisfies("~1.2", "1.2.0-rc.1", {.loose = false, .include_prerelease = true}), true);
  EXPECT_EQ(NpmValidRange(">= 1.2.3 <  2"), ">=1.2.3 <2.0.0-0");
  const Result<bool> bad_range = NpmSatisfies("1.x.5", "1.0.5");
  ASSERT_FALSE(bad_range.has_value());
  EXPECT_EQ(bad_range.error().code, "invalidRange");
  const Result<bool> bad_version = NpmSatisfies("*", "nope");
  ASSERT_FALSE(bad_version.has_value());
  EXPECT_EQ(bad_version.error().code, "invalidVersion");
  // Loose mode drops what is not a comparator, down to a range with nothing left.
  EXPECT_EQ(NpmValidRange("== 1.0.0 || foo", {.loose = true}), "1.0.0");
  EXPECT_FALSE(NpmValidRange("foo", {.loose = true}).has_value());
}

TEST(RubyGems, SegmentsTrailingZerosAndPrereleases) {
  EXPECT_EQ(Order(&CompareRubyGems, "1.0", "1"), 0);
  EXPECT_EQ(Order(&CompareRubyGems, "1.0.0.a", "1.0.a"), 0);
  EXPECT_EQ(Order(&CompareRubyGems, "1.0-rc1", "1.0.pre.rc1"), 0);
  EXPECT_EQ(Order(&CompareRubyGems, "1.0.a", "1.0"), -1);
  EXPECT_EQ(Order(&CompareRubyGems, "", "0"), 0);
  EXPECT_EQ(Order(&CompareRubyGems, " 1.2 \n", "1.2"), 0);
  EXPECT_EQ(Order(&CompareRubyGems, "1.0.A", "1.0.a"), -1);  // byte order: 'A' < 'a'
  ExpectInvalid(&CompareRubyGems, "1beta", "");
  ExpectInvalid(&CompareRubyGems, "1..0", "");
  ExpectInvalid(&CompareRubyGems, "1.0-", "");
  ExpectInvalid(&CompareRubyGems, "a1", "");
}

TEST(Packagist, SpecialWordsAndSeparators) {
  EXPECT_EQ(Order(&ComparePackagist, "1.0.0-alpha1", "1.0.0a1"), 0);
  EXPECT_EQ(Order(&ComparePackagist, "1.0.0-dev", "1.0.0-alpha"), -1);
  EXPECT_EQ(Order(&ComparePackagist, "1.0.0-RC1", "1.0.0-beta9"), 1);
  EXPECT_EQ(Order(&ComparePackagist, "1.0.0", "1.0.0-p1"), -1);
  EXPECT_EQ(Order(&ComparePackagist, "v1.0.0_1", "1.0.0.1"), 0);
  ExpectInvalid(&ComparePackagist, "", "");
  ExpectInvalid(&ComparePackagist, "1.0 beta", "");
  // A long tail of words is compared without recursion.
  std::string deep = "1";
  for (int count = 0; count < 200000; ++count) deep += ".a";
  EXPECT_EQ(Order(&ComparePackagist, deep, "1"), -1);
}

TEST(NuGet, PartsLabelsAndMetadata) {
  EXPECT_EQ(Order(&CompareNuGet, "1.0", "1.0.0.0"), 0);
  EXPECT_EQ(Order(&CompareNuGet, "1.0.0-BETA", "1.0.0-beta"), 0);
  EXPECT_EQ(Order(&CompareNuGet, "1.0.0+meta", "1.0.0"), 0);
  EXPECT_EQ(Order(&CompareNuGet, "1.0.0-2", "1.0.0-10"), -1);
  EXPECT_EQ(Order(&CompareNuGet, "1.0.0-alpha", "1.0.0-9"), 1);
  EXPECT_EQ(Order(&CompareNuGet, " 1.2.3 ", "1.2.3"), 0);
  EXPECT_EQ(Order(&CompareNuGet, "2147483647.0", "1.0"), 1);
  ExpectInvalid(&CompareNuGet, "2147483648.0", "");
  ExpectInvalid(&CompareNuGet, "1.2.3.4.5", "");
  ExpectInvalid(&CompareNuGet, "1.0.0-01", "");
  ExpectInvalid(&CompareNuGet, "1.0.0-", "");
  ExpectInvalid(&CompareNuGet, "1.0.0-a+", "");
  ExpectInvalid(&CompareNuGet, "a.b", "");
}

TEST(Pub, BuildMetadataTakesPartInTheOrder) {
  EXPECT_EQ(Order(&ComparePub, "1.2.3+1", "1.2.3+10"), -1);
  EXPECT_EQ(Order(&ComparePub, "1.2.3", "1.2.3+0"), -1);
  EXPECT_EQ(Order(&ComparePub, "1.2.3-1", "1.2.3-01"), 0);
  EXPECT_EQ(Order(&ComparePub, "01.2.3", "1.2.3"), 0);
  ExpectInvalid(&ComparePub, "v1.2.3", "");
  ExpectInvalid(&ComparePub, "1.2", "");
  ExpectInvalid(&ComparePub, "9223372036854775808.0.0", "");
}

TEST(Hackage, CabalVersions) {
  EXPECT_EQ(Order(&CompareHackage, "1.0", "1.0.0"), -1);
  EXPECT_EQ(Order(&CompareHackage, "0.10", "0.9.9"), 1);
  EXPECT_EQ(Order(&CompareHackage, "1.0-tag", "1.0"), 0);
  ExpectInvalid(&CompareHackage, "01.0", "");
  ExpectInvalid(&CompareHackage, "1234567890.0", "");
  ExpectInvalid(&CompareHackage, "1..0", "");
  ExpectInvalid(&CompareHackage, "", "");
}

TEST(Cran, DotsAndDashesSeparateNumbers) {
  EXPECT_EQ(Order(&CompareCran, "1.0-1", "1.0.1"), 0);
  EXPECT_EQ(Order(&CompareCran, "1.01", "1.1"), 0);
  EXPECT_EQ(Order(&CompareCran, "1.0", "1.0.0"), -1);
  ExpectInvalid(&CompareCran, "1", "");
  ExpectInvalid(&CompareCran, "1.0.", "");
  ExpectInvalid(&CompareCran, "2147483648.0", "");
}

TEST(Bitnami, RevisionsCompareAsOsvScalibrDoes) {
  EXPECT_EQ(Order(&CompareBitnami, "1.2.3-4", "1.2.3-10"), -1);
  EXPECT_EQ(Order(&CompareBitnami, "1.2.3-4", "1.2.3"), -1);
  EXPECT_EQ(Order(&CompareBitnami, "v1.2", "1.2.0"), 0);
  ExpectInvalid(&CompareBitnami, "latest", "");
}

TEST(AllEcosystems, HostileInputIsRefusedOrOrderedWithoutCrashing) {
  const std::string inputs[] = {
      std::string(),
      std::string(1, '\0'),
      std::string("1.2.3\0", 6),
      std::string(100000, '1'),
      std::string(100000, '.'),
      std::string(100000, '-'),
      "1." + std::string(100000, '0'),
      "1.2.3-" + std::string(100000, 'a'),
      "1.2.3+" + std::string(100000, '9'),
      std::string(50000, '\xff'),
      "\xc2\xa0\xe2\x80\xa8 1.2.3 \xef\xbb\xbf",
  };
  for (Comparator compare : kAll) {
    for (const std::string& a : inputs) {
      for (const std::string& b : {a, std::string("1.0.0")}) {
        const Result<int> result = compare(a, b);
        if (result) {
          EXPECT_TRUE(*result >= -1 && *result <= 1);
        } else {
          EXPECT_EQ(result.error().code, "invalidVersion");
          EXPECT_LE(result.error().message.size(), 300u);
        }
      }
    }
  }
  for (const std::string& range : inputs) {
    for (const NpmOptions options :
         {NpmOptions{}, NpmOptions{.loose = true, .include_prerelease = true}}) {
      (void)NpmSatisfies(range, "1.0.0", options);
      (void)NpmValidRange(range, options);
      (void)NpmGreaterThanRange(range, "1.0.0", options);
    }
  }
  std::string many_ranges;
  for (int count = 0; count < 20000; ++count) many_ranges += "^1.x || ~ 2 - 3 >= ";
  EXPECT_FALSE(NpmValidRange(many_ranges).has_value());
}

}  // namespace
}  // namespace sg::version::lang
