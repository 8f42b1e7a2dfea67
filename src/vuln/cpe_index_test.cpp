#include "vuln/cpe_index.hpp"

#include <gtest/gtest.h>

#include "testing/reference_data.hpp"

namespace sg::vuln {
namespace {

/// A real NVD record from Dependency-Track's test resources (sbom-data README).
advisory::NvdCve NvdSample(const std::string& file) {
  auto feed = advisory::ParseNvdFeed(testing::ReadFileBytes(
      testing::SbomDataDir() / "dependency-track-nvd-samples/src/test/resources" / file));
  EXPECT_TRUE(feed) << (feed ? "" : feed.error().message);
  EXPECT_EQ(feed ? feed->cves.size() : 0u, 1u);
  return feed && !feed->cves.empty() ? feed->cves.front() : advisory::NvdCve{};
}

cpe::Wfn Cpe(std::string_view text) {
  auto wfn = cpe::ParseCpe(text);
  EXPECT_TRUE(wfn) << text;
  return wfn ? *wfn : cpe::Wfn{};
}

TEST(CpeTargetOf, TakesTheFirstCpeThatNamesAConcreteVendorAndProduct) {
  const std::vector<std::string_view> cpes = {"not a cpe", "cpe:2.3:a:*:struts:2.3.5:*:*:*:*:*:*:*",
                                              "cpe:2.3:a:Apache:Struts:2.3.5:*:*:*:*:*:*:*",
                                              "cpe:2.3:a:apache:tomcat:9.0.1:*:*:*:*:*:*:*"};
  const auto target = CpeTargetOf(cpes);
  ASSERT_TRUE(target);
  EXPECT_EQ(target->cpe, cpes[2]);
  EXPECT_EQ(target->key, "apache:struts");
  EXPECT_EQ(target->version, "2.3.5");
  EXPECT_FALSE(CpeTargetOf(std::vector<std::string_view>{"cpe:2.3:a:apache:*:1:*:*:*:*:*:*:*"}));
  EXPECT_FALSE(CpeTargetOf(std::vector<std::string_view>{}));
  const auto unversioned =
      CpeTargetOf(std::vector<std::string_view>{"cpe:2.3:a:apache:struts:*:*:*:*:*:*:*:*"});
  ASSERT_TRUE(unversioned);
  EXPECT_EQ(unversioned->version, "");
}

TEST(CpeIndex, MatchesTheListedVersionsOfARealNvdRecordAndNothingElse) {
  const advisory::NvdCve struts = NvdSample("CVE-2017-5638-cvssv3-rating.json");
  std::size_t unreadable = 0;
  auto criteria = VulnerableCriteriaOf(struts, &unreadable);
  EXPECT_EQ(unreadable, 0u);
  ASSERT_GE(criteria.size(), 4u);
  CpeIndex index;
  const auto record = index.Add(struts.id, std::move(criteria));
  EXPECT_EQ(index.Id(record), "CVE-2017-5638");
  EXPECT_EQ(index.Match(Cpe("cpe:2.3:a:apache:struts:2.3.5:*:*:*:*:*:*:*")),
            std::vector<std::uint32_t>{record});
  EXPECT_EQ(index.Match(Cpe("cpe:2.3:a:apache:struts:2.5.1")), std::vector<std::uint32_t>{record});
  // A version the record does not list, another product, another vendor's product.
  EXPECT_TRUE(index.Match(Cpe("cpe:2.3:a:apache:struts:2.3.32:*:*:*:*:*:*:*")).empty());
  EXPECT_TRUE(index.Match(Cpe("cpe:2.3:a:apache:tomcat:2.3.5:*:*:*:*:*:*:*")).empty());
  EXPECT_TRUE(index.Match(Cpe("cpe:2.3:a:example:struts:2.3.5:*:*:*:*:*:*:*")).empty());
}

TEST(CpeIndex, AppliesNvdVersionBoundsAndKeepsRecordsApart) {
  const advisory::NvdCve fortinet = NvdSample("cve-2024-23113.json");
  const advisory::NvdCve struts = NvdSample("CVE-2017-5638-cvssv3-rating.json");
  CpeIndex index;
  const auto first = index.Add(struts.id, VulnerableCriteriaOf(struts),
                               advisory::FindingSeverity{9.8, "CVSS:3.0/AV:N"});
  const auto second = index.Add(fortinet.id, VulnerableCriteriaOf(fortinet));
  EXPECT_NE(first, second);
  ASSERT_TRUE(index.Severity(first));
  EXPECT_FALSE(index.Severity(second));
  // fortiproxy 7.0.0 – 7.0.14 and 7.2.0 – 7.2.8 (both ends included).
  EXPECT_EQ(index.Match(Cpe("cpe:2.3:a:fortinet:fortiproxy:7.0.14:*:*:*:*:*:*:*")),
            std::vector<std::uint32_t>{second});
  EXPECT_EQ(index.Match(Cpe("cpe:2.3:a:fortinet:fortiproxy:7.2.0:*:*:*:*:*:*:*")),
            std::vector<std::uint32_t>{second});
  EXPECT_TRUE(index.Match(Cpe("cpe:2.3:a:fortinet:fortiproxy:7.0.15:*:*:*:*:*:*:*")).empty());
  EXPECT_TRUE(index.Match(Cpe("cpe:2.3:a:fortinet:fortiproxy:6.4.9:*:*:*:*:*:*:*")).empty());
  // A bounded criterion needs a concrete version to compare.
  EXPECT_TRUE(index.Match(Cpe("cpe:2.3:a:fortinet:fortiproxy:*:*:*:*:*:*:*:*")).empty());
  // The operating-system criterion names part "o": an application of that name is another thing.
  EXPECT_TRUE(index.Match(Cpe("cpe:2.3:a:fortinet:fortios:7.0.1:*:*:*:*:*:*:*")).empty());
  EXPECT_EQ(index.Match(Cpe("cpe:2.3:o:fortinet:fortios:7.0.1:*:*:*:*:*:*:*")),
            std::vector<std::uint32_t>{second});
}

TEST(CpeIndex, CriteriaWithAPatternedProductAreComparedWithEveryTarget) {
  CpeIndex index;
  std::vector<cpe::MatchCriterion> criteria;
  criteria.push_back({Cpe("cpe:2.3:a:acme:web*:*:*:*:*:*:*:*:*"), std::nullopt, std::nullopt,
                      std::nullopt, std::string("2.0")});
  const auto record = index.Add("CVE-2099-0001", std::move(criteria));
  EXPECT_EQ(index.criterion_count(), 1u);
  EXPECT_EQ(index.Match(Cpe("cpe:2.3:a:acme:webserver:1.5:*:*:*:*:*:*:*")),
            std::vector<std::uint32_t>{record});
  EXPECT_TRUE(index.Match(Cpe("cpe:2.3:a:acme:webserver:2.0:*:*:*:*:*:*:*")).empty());
  EXPECT_TRUE(index.Match(Cpe("cpe:2.3:a:acme:mailer:1.0:*:*:*:*:*:*:*")).empty());
}

TEST(CpeIndex, ARecordAddedAgainReplacesItsCriteriaAndARemovedOneMatchesNothing) {
  CpeIndex index;
  auto criteria = [](std::string_view cpe) {
    std::vector<cpe::MatchCriterion> list;
    list.push_back({Cpe(cpe), std::nullopt, std::nullopt, std::nullopt, std::nullopt});
    return list;
  };
  index.Add("CVE-2099-0002", criteria("cpe:2.3:a:acme:mailer:1.0:*:*:*:*:*:*:*"));
  const auto other =
      index.Add("CVE-2099-0003", criteria("cpe:2.3:a:acme:mailer:1.0:*:*:*:*:*:*:*"));
  const auto revised =
      index.Add("CVE-2099-0002", criteria("cpe:2.3:a:acme:mailer:2.0:*:*:*:*:*:*:*"));
  EXPECT_EQ(index.record_count(), 2u);
  EXPECT_EQ(index.removed_count(), 1u);
  EXPECT_EQ(index.Match(Cpe("cpe:2.3:a:acme:mailer:1.0:*:*:*:*:*:*:*")),
            std::vector<std::uint32_t>{other});
  EXPECT_EQ(index.Match(Cpe("cpe:2.3:a:acme:mailer:2.0:*:*:*:*:*:*:*")),
            std::vector<std::uint32_t>{revised});
  EXPECT_TRUE(index.Remove("CVE-2099-0003"));
  EXPECT_FALSE(index.Remove("CVE-2099-0003"));
  EXPECT_TRUE(index.Match(Cpe("cpe:2.3:a:acme:mailer:1.0:*:*:*:*:*:*:*")).empty());
  EXPECT_EQ(index.Id(other), "CVE-2099-0003");  // numbers stay readable
}

}  // namespace
}  // namespace sg::vuln
