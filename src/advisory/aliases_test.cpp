#include "advisory/aliases.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "advisory/osv.hpp"
#include "advisory/source.hpp"
#include "advisory/test_data.hpp"

namespace sg::advisory {
namespace {

using Ids = std::vector<std::string>;

TEST(AliasGroups, ACveAGhsaAndAPysecRecordBecomeOneVulnerability) {
  AliasGroups groups;
  const Ids ghsa_aliases{"CVE-2023-1234"};
  const Ids pysec_aliases{"GHSA-aaaa-bbbb-cccc"};
  groups.Add("GHSA-aaaa-bbbb-cccc", ghsa_aliases);
  groups.Add("PYSEC-2023-99", pysec_aliases);
  groups.Add("CVE-2023-1234", Ids{});
  EXPECT_TRUE(groups.SameGroup("PYSEC-2023-99", "CVE-2023-1234"));
  EXPECT_EQ(groups.FindRepresentative("PYSEC-2023-99"), "CVE-2023-1234");
  EXPECT_EQ(groups.Members("GHSA-aaaa-bbbb-cccc"),
            (Ids{"CVE-2023-1234", "GHSA-aaaa-bbbb-cccc", "PYSEC-2023-99"}));
}

TEST(AliasGroups, UnrelatedIdsStayApartAndRelatedIsNotMerged) {
  AliasGroups groups;
  Record first;
  first.id = "GO-2024-1";
  first.aliases = {"CVE-2024-1"};
  first.related = {"CVE-2024-2"};
  Record second;
  second.id = "GO-2024-2";
  second.aliases = {"CVE-2024-2"};
  groups.Add(first);
  groups.Add(second);
  EXPECT_FALSE(groups.SameGroup("GO-2024-1", "GO-2024-2"));
  EXPECT_EQ(groups.Groups(),
            (std::vector<Ids>{{"CVE-2024-1", "GO-2024-1"}, {"CVE-2024-2", "GO-2024-2"}}));
  EXPECT_FALSE(groups.FindRepresentative("UNKNOWN-1").has_value());
  EXPECT_TRUE(groups.Members("UNKNOWN-1").empty());
}

TEST(AliasGroups, WithoutACveTheSmallestIdRepresentsTheGroup) {
  AliasGroups groups;
  groups.Add("RUSTSEC-2020-0001", Ids{"GHSA-zzzz-yyyy-xxxx"});
  EXPECT_EQ(groups.FindRepresentative("RUSTSEC-2020-0001"), "GHSA-zzzz-yyyy-xxxx");
}

TEST(AliasGroups, ALongChainOfAliasesIsOneGroupWithoutDeepRecursion) {
  AliasGroups groups;
  constexpr int kLength = 200'000;
  for (int index = 0; index < kLength; ++index) {
    groups.Add("X-" + std::to_string(index), Ids{"X-" + std::to_string(index + 1)});
  }
  EXPECT_TRUE(groups.SameGroup("X-0", "X-" + std::to_string(kLength)));
  EXPECT_EQ(groups.Size(), static_cast<std::size_t>(kLength + 1));
}

TEST(AliasGroups, TheGoDatabaseGroupsEachRecordWithItsCve) {
  Result<std::unique_ptr<RecordSource>> source =
      OpenOsvDirectory(testing::SbomData("osv-golang-vulndb/data/osv"));
  ASSERT_TRUE(source.has_value());
  Result<LoadedRecords> loaded = LoadAll(**source);
  ASSERT_TRUE(loaded.has_value());
  AliasGroups groups;
  for (const Record& record : loaded->records) groups.Add(record);
  // GO-2024-2963 lists CVE-2024-24791 (the linter's copy of it says so).
  EXPECT_TRUE(groups.SameGroup("GO-2024-2963", "CVE-2024-24791"));
  EXPECT_EQ(groups.FindRepresentative("GO-2024-2963"), "CVE-2024-24791");
  EXPECT_LT(groups.Groups().size(), groups.Size());
}

}  // namespace
}  // namespace sg::advisory
