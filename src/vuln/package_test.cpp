#include "vuln/package.hpp"

#include <gtest/gtest.h>

namespace sg::vuln {
namespace {

using version::Ecosystem;

PackageVersion Of(std::string_view text) {
  auto parsed = purl::ParsePurl(text);
  EXPECT_TRUE(parsed) << text;
  auto package = PackageOfPurl(*parsed);
  EXPECT_TRUE(package) << text;
  return package.value_or(PackageVersion{});
}

TEST(PackageOfPurl, NamesLanguagePackagesAsOsvDoes) {
  EXPECT_EQ(Of("pkg:npm/%40babel/core@7.0.0").package,
            (PackageKey{Ecosystem::kNpm, "@babel/core"}));
  EXPECT_EQ(Of("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1").package,
            (PackageKey{Ecosystem::kMaven, "org.apache.logging.log4j:log4j-core"}));
  EXPECT_EQ(Of("pkg:golang/github.com/gorilla/websocket@v1.4.0").package,
            (PackageKey{Ecosystem::kGo, "github.com/gorilla/websocket"}));
  EXPECT_EQ(Of("pkg:golang/github.com/gorilla/websocket@v1.4.0").version, "v1.4.0");
  EXPECT_EQ(Of("pkg:composer/laravel/framework@8.0.0").package,
            (PackageKey{Ecosystem::kPackagist, "laravel/framework"}));
  EXPECT_EQ(Of("pkg:cargo/Serde_JSON@1.0.0").package,
            (PackageKey{Ecosystem::kCratesIo, "serde-json"}));
  EXPECT_EQ(Of("pkg:cran/ggplot2@3.4.0").package, (PackageKey{Ecosystem::kCran, "ggplot2"}));
}

TEST(PackageOfPurl, NormalisesPyPiNamesPerPep503) {
  EXPECT_EQ(Of("pkg:pypi/Django_Rest.framework@3.0").package.name, "django-rest-framework");
  EXPECT_EQ(NormalizePackageName(Ecosystem::kPyPI, "zope..interface"), "zope-interface");
  EXPECT_EQ(NormalizePackageName(Ecosystem::kNuGet, "Newtonsoft.Json"), "newtonsoft.json");
  EXPECT_EQ(NormalizePackageName(Ecosystem::kMaven, "Org:Art"), "Org:Art");
}

TEST(PackageOfPurl, NamesDistributionPackagesByTheirSourcePackage) {
  const PackageVersion deb =
      Of("pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&upstream=openssl");
  EXPECT_EQ(deb.package, (PackageKey{Ecosystem::kDebian, "openssl"}));
  EXPECT_EQ(deb.version, "3.0.11-1~deb12u2");
  EXPECT_EQ(Of("pkg:apk/alpine/busybox@1.36.1-r5").package,
            (PackageKey{Ecosystem::kAlpine, "busybox"}));
  const PackageVersion rpm = Of("pkg:rpm/redhat/openssl@1.1.1k-7.el8?epoch=1&arch=x86_64");
  EXPECT_EQ(rpm.package, (PackageKey{Ecosystem::kRedHat, "openssl"}));
  EXPECT_EQ(rpm.version, "1:1.1.1k-7.el8");
  EXPECT_EQ(Of("pkg:rpm/rocky/bash@4.4.20-4.el8").package.ecosystem, Ecosystem::kRockyLinux);
}

TEST(PackageOfPurl, IsAbsentForUncoveredTypesAndMissingVersions) {
  for (const char* text : {"pkg:generic/openssl@1.1.1", "pkg:deb/ubuntu/openssl@1.1.1",
                           "pkg:github/package-url/purl-spec@244fd47", "pkg:npm/left-pad"}) {
    auto parsed = purl::ParsePurl(text);
    ASSERT_TRUE(parsed) << text;
    EXPECT_FALSE(PackageOfPurl(*parsed)) << text;
  }
}

TEST(PackageOfPurlInto, AgreesWithPackageOfPurlWhateverTheStorageHeldBefore) {
  // One PackageVersion for every purl, as PackagesOfDocument uses it: nothing of an earlier
  // package (a longer name, an RPM epoch) may survive into a later one.
  const char* const texts[] = {
      "pkg:rpm/redhat/openssl@1.1.1k-7.el8?epoch=1&arch=x86_64",
      "pkg:golang/github.com/gorilla/websocket@v1.4.0",
      "pkg:npm/left-pad@1.3.0",
      "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
      "pkg:pypi/Django_Rest.framework@3.0",
      "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&upstream=openssl",
      "pkg:cargo/a@1",
  };
  PackageVersion reused;
  purl::PackageUrl parsed;
  for (const char* text : texts) {
    SCOPED_TRACE(text);
    ASSERT_TRUE(purl::ParsePurlInto(text, parsed));
    ASSERT_TRUE(PackageOfPurlInto(parsed, reused));
    const PackageVersion fresh = Of(text);
    EXPECT_EQ(reused.package, fresh.package);
    EXPECT_EQ(reused.version, fresh.version);
  }
  ASSERT_TRUE(purl::ParsePurlInto("pkg:generic/openssl@1.1.1", parsed));
  EXPECT_FALSE(PackageOfPurlInto(parsed, reused));
}

}  // namespace
}  // namespace sg::vuln
