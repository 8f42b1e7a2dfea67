// Debian versions: dpkg's own parse tests (lib/dpkg/t/t-version.c) and hand-written cases.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "version/distro/distro.hpp"
#include "version/distro/table_check.hpp"
#include "version/distro/vector_files.hpp"

namespace sg::version::distro {
namespace {

using vectors::TableCheck;

const boost::json::value& ParseTables() {
  static const boost::json::value tables = vectors::ReadJson(
      vectors::ReferenceData("version-vectors/debian-dpkg/dpkg-version-parse.json"));
  return tables;
}

std::string Text(const boost::json::value& value) { return std::string(value.as_string()); }

// "epoch:upstream-revision" with the revision left out when empty.
std::string Canonical(std::int64_t epoch, const std::string& upstream,
                      const std::string& revision) {
  return revision.empty() ? fmt::format("{}:{}", epoch, upstream)
                          : fmt::format("{}:{}-{}", epoch, upstream, revision);
}

TEST(DpkgVersions, ParseTheValidVersionsOfDpkgsTests) {
  // Each valid input equals its parts written out canonically, and differs from the version
  // with its epoch raised, so the epoch went where dpkg puts it.
  TableCheck check("dpkg-version-parse.json valid");
  const boost::json::array& cases = ParseTables().at("valid").as_array();
  for (std::size_t index = 0; index < cases.size(); ++index) {
    const boost::json::object& row = cases[index].as_object();
    const std::string input = Text(row.at("input"));
    const std::int64_t epoch = row.at("epoch").as_int64();
    const std::string upstream = Text(row.at("upstream"));
    const std::string revision = Text(row.at("revision"));
    const Result<int> same = CompareDpkg(input, Canonical(epoch, upstream, revision));
    const Result<int> later = CompareDpkg(input, Canonical(epoch + 1, upstream, revision));
    check.Expect(same && *same == 0 && later && *later == -1, index,
                 fmt::format("{:?} should be {}", input, Canonical(epoch, upstream, revision)));
  }
}

TEST(DpkgVersions, RejectWhatDpkgRejects) {
  TableCheck check("dpkg-version-parse.json error");
  const boost::json::array& cases = ParseTables().at("error").as_array();
  for (std::size_t index = 0; index < cases.size(); ++index) {
    const std::string input = Text(cases[index]);
    const Result<int> compared = CompareDpkg(input, "1.0");
    check.Expect(!compared && compared.error().code == "invalidVersion", index,
                 fmt::format("{:?} accepted", input));
  }
}

TEST(DpkgVersions, AcceptWhatDpkgOnlyWarnsAbout) {
  // dpkg --compare-versions prints a warning for these and still compares them; so do we.
  TableCheck check("dpkg-version-parse.json warning");
  const boost::json::array& cases = ParseTables().at("warning").as_array();
  for (std::size_t index = 0; index < cases.size(); ++index) {
    const std::string input = Text(cases[index]);
    const Result<int> itself = CompareDpkg(input, input);
    const Result<int> later = CompareDpkg(input, "1:0");
    check.Expect(itself && *itself == 0 && later && *later == -1, index,
                 fmt::format("{:?} not compared", input));
  }
}

TEST(DpkgVersions, CompareTheVersionObjectsOfDpkgsTests) {
  TableCheck check("dpkg-version-parse.json compare_objects");
  const boost::json::array& cases = ParseTables().at("compare_objects").as_array();
  for (std::size_t index = 0; index < cases.size(); ++index) {
    const boost::json::object& row = cases[index].as_object();
    auto version = [](const boost::json::value& parts) {
      const boost::json::array& array = parts.as_array();
      return Canonical(array[0].as_int64(), Text(array[1]), Text(array[2]));
    };
    const std::string a = version(row.at("a"));
    const std::string b = version(row.at("b"));
    const Result<int> compared = CompareDpkg(a, b);
    const std::int64_t expected = row.at("cmp").as_int64();
    check.Expect(compared && *compared == expected, index,
                 fmt::format("{} vs {}: expected {}", a, b, expected));
  }
}

TEST(DpkgVersions, NamesTheVersionAndTheReasonWhenRejecting) {
  const Result<int> compared = CompareDpkg("1.0", "1.0-");
  ASSERT_FALSE(compared);
  EXPECT_EQ(compared.error().code, "invalidVersion");
  EXPECT_EQ(compared.error().kind, ErrorKind::kBadRequest);
  EXPECT_NE(compared.error().message.find("\"1.0-\""), std::string::npos)
      << compared.error().message;
  EXPECT_NE(compared.error().message.find("revision"), std::string::npos)
      << compared.error().message;
}

TEST(DpkgVersions, CompareNumbersOfAnyLength) {
  const std::string huge(5000, '9');
  EXPECT_EQ(CompareDpkg(huge, huge + "9"), -1);
  EXPECT_EQ(CompareDpkg("1." + huge, "1.000" + huge), 0);
  EXPECT_EQ(CompareDpkg("1:" + huge, "2:0"), -1);
  // An epoch must fit dpkg's int.
  EXPECT_TRUE(CompareDpkg("2147483647:1", "1").has_value());
  EXPECT_FALSE(CompareDpkg("2147483648:1", "1").has_value());
  EXPECT_FALSE(CompareDpkg(huge + ":1", "1").has_value());
}

TEST(DpkgVersions, RejectsNulBytesAndEmbeddedBlanks) {
  EXPECT_FALSE(CompareDpkg(std::string("1.0\0", 4), "1.0").has_value());
  EXPECT_FALSE(CompareDpkg("1.0 1", "1.0").has_value());
  EXPECT_FALSE(CompareDpkg(" \t ", "1.0").has_value());
  EXPECT_EQ(CompareDpkg(" 1.0\t", "1.0"), 0);
}

TEST(DpkgVersions, OrderTildeBeforeEverythingAndLettersBeforeOtherSymbols) {
  EXPECT_EQ(CompareDpkg("1.0~rc1", "1.0"), -1);
  EXPECT_EQ(CompareDpkg("1.0~~", "1.0~"), -1);
  EXPECT_EQ(CompareDpkg("1.0a", "1.0+"), -1);
  EXPECT_EQ(CompareDpkg("1.0", "1.0+b1"), -1);
}

}  // namespace
}  // namespace sg::version::distro
