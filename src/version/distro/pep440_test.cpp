// PEP 440 versions against the tables of pypa/packaging's tests/test_version.py.
//
// Tables not used, because they test Python API rather than what versions mean:
// test_non_string_versions_raise_invalid_version (non-str arguments), test_version_hash (hash()),
// test_dunder_op_returns_notimplemented, test_compare_other and
// test_base_version_notimplemented_with_non_base_version (Python's operator protocol),
// test_from_parts (a Python constructor from fields) and test_pickle_roundtrip (pickle).
// Of vers-spec's PyPI tests only the order of the canonical ranges applies here; containment
// and construction of "vers:" ranges are the vers evaluator's job, not a version library's.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "version/distro/distro.hpp"
#include "version/distro/pep440_tables.hpp"
#include "version/distro/table_check.hpp"
#include "version/distro/vector_files.hpp"

namespace sg::version::distro {
namespace {

using vectors::Cases;
using vectors::Constant;
using vectors::TableCheck;

const boost::json::value& Tables() { return vectors::PackagingTables("test_version.tables.json"); }

std::string Text(const boost::json::value& value) { return std::string(value.as_string()); }

TEST(Pep440Versions, OrderTheVersionsListAsPackagingDoes) {
  // VERSIONS is strictly ascending; packaging checks every pair with every operator.
  const boost::json::array& versions = Constant(Tables(), "VERSIONS");
  TableCheck check("VERSIONS (all ordered pairs)");
  std::size_t index = 0;
  for (std::size_t left = 0; left < versions.size(); ++left) {
    for (std::size_t right = 0; right < versions.size(); ++right) {
      const std::string a = Text(versions[left]);
      const std::string b = Text(versions[right]);
      const Result<int> compared = ComparePep440(a, b);
      const int expected = left < right ? -1 : (left == right ? 0 : 1);
      check.Expect(compared && *compared == expected, index++,
                   a + " vs " + b + ": expected " + std::to_string(expected) + ", got " +
                       (compared ? std::to_string(*compared) : compared.error().message));
    }
  }
}

TEST(Pep440Versions, RejectTheInvalidVersions) {
  TableCheck check("TestVersion.test_invalid_versions");
  const boost::json::array cases = Cases(Tables(), "TestVersion.test_invalid_versions");
  for (std::size_t index = 0; index < cases.size(); ++index) {
    const std::string version = Text(cases[index]);
    const Result<Pep440Version> parsed = ParsePep440(version);
    check.Expect(!parsed && parsed.error().code == "invalidVersion", index, "accepted " + version);
  }
}

TEST(Pep440Versions, AcceptOversizedNumbersThatPythonRefuses) {
  // packaging raises ValueError for these only because Python refuses to convert a string of
  // more than 4300 digits to int; PEP 440 has no such limit, and we compare digit strings.
  TableCheck check("TestVersion.test_oversized_version_raises_valueerror");
  const boost::json::array cases =
      Cases(Tables(), "TestVersion.test_oversized_version_raises_valueerror");
  for (std::size_t index = 0; index < cases.size(); ++index) {
    const std::string version = Text(cases[index]);
    const Result<int> compared = ComparePep440(version, version + "0");
    check.Deviation(compared && *compared == -1, index,
                    "did not accept and order a 5000-digit number");
  }
}

// Tables of (version, expected) where expected is a string computed from the parsed version.
void CheckStrings(const char* test, std::string (*render)(const Pep440Version&)) {
  TableCheck check(test);
  const boost::json::array cases = Cases(Tables(), test);
  for (std::size_t index = 0; index < cases.size(); ++index) {
    const std::string version = Text(cases[index].as_array()[0]);
    const std::string expected = Text(cases[index].as_array()[1]);
    const Result<Pep440Version> parsed = ParsePep440(version);
    const std::string got = parsed ? render(*parsed) : "error: " + parsed.error().message;
    check.Expect(got == expected, index, version + ": expected " + expected + ", got " + got);
  }
}

std::string Rendered(const Pep440Version& version) { return ToString(version); }
std::string Public(const Pep440Version& version) { return PublicVersion(version); }
std::string Base(const Pep440Version& version) { return BaseVersion(version); }

TEST(Pep440Versions, NormaliseAsPackagingDoes) {
  CheckStrings("TestVersion.test_normalized_versions", &Rendered);
  CheckStrings("TestVersion.test_version_str_repr", &Rendered);
  CheckStrings("TestVersion.test_version_public", &Public);
  CheckStrings("TestVersion.test_version_base_version", &Base);
}

// Tables of (version, expected property) where the property is JSON (null, int, list, bool).
void CheckProperty(const char* test, boost::json::value (*property)(const Pep440Version&)) {
  TableCheck check(test);
  const boost::json::array cases = Cases(Tables(), test);
  for (std::size_t index = 0; index < cases.size(); ++index) {
    const std::string version = Text(cases[index].as_array()[0]);
    const boost::json::value& expected = cases[index].as_array()[1];
    const Result<Pep440Version> parsed = ParsePep440(version);
    const boost::json::value got = parsed ? property(*parsed) : boost::json::value("error");
    check.Expect(got == expected, index,
                 version + ": expected " + boost::json::serialize(expected) + ", got " +
                     boost::json::serialize(got));
  }
}

boost::json::value Integer(const std::string& digits) { return std::stoll(digits); }
boost::json::value OptionalInteger(const std::optional<std::string>& digits) {
  return digits ? Integer(*digits) : boost::json::value(nullptr);
}

TEST(Pep440Versions, ExposeTheirPartsAsPackagingDoes) {
  CheckProperty("TestVersion.test_version_epoch",
                [](const Pep440Version& v) { return Integer(v.epoch); });
  CheckProperty("TestVersion.test_version_release", [](const Pep440Version& v) {
    boost::json::array release;
    for (const std::string& number : v.release) release.push_back(Integer(number));
    return boost::json::value(release);
  });
  CheckProperty("TestVersion.test_version_local", [](const Pep440Version& v) {
    return v.local ? boost::json::value(*v.local) : boost::json::value(nullptr);
  });
  CheckProperty("TestVersion.test_version_pre", [](const Pep440Version& v) {
    if (!v.pre) return boost::json::value(nullptr);
    return boost::json::value(
        boost::json::array{boost::json::value(v.pre->phase), Integer(v.pre->number)});
  });
  CheckProperty("TestVersion.test_version_dev",
                [](const Pep440Version& v) { return OptionalInteger(v.dev); });
  CheckProperty("TestVersion.test_version_post",
                [](const Pep440Version& v) { return OptionalInteger(v.post); });
  CheckProperty("TestVersion.test_version_is_prerelease",
                [](const Pep440Version& v) { return boost::json::value(v.IsPrerelease()); });
  CheckProperty("TestVersion.test_version_is_devrelease",
                [](const Pep440Version& v) { return boost::json::value(v.IsDevrelease()); });
  CheckProperty("TestVersion.test_version_is_postrelease",
                [](const Pep440Version& v) { return boost::json::value(v.IsPostrelease()); });
}

TEST(Pep440Versions, AcceptEveryVersionOfTheVersionsList) {
  TableCheck check("TestVersion.test_valid_versions");
  const boost::json::array cases = Cases(Tables(), "TestVersion.test_valid_versions");
  for (std::size_t index = 0; index < cases.size(); ++index) {
    const Result<Pep440Version> parsed = ParsePep440(Text(cases[index]));
    check.Expect(parsed.has_value(), index, "rejected " + Text(cases[index]));
  }
}

TEST(Pep440Versions, OrderTheVersionsOfCanonicalVersRangesAscending) {
  // A canonical vers range lists its versions in ascending order of the ecosystem.
  TableCheck check("vers-spec pypi_range_validate_test.json");
  const boost::json::value tests =
      vectors::ReadJson(vectors::ReferenceData("vers-spec/tests/pypi_range_validate_test.json"));
  const boost::json::array& cases = tests.at("tests").as_array();
  for (std::size_t index = 0; index < cases.size(); ++index) {
    std::string_view range(cases[index].at("expected_output").as_string());
    constexpr std::string_view kPrefix = "vers:pypi/";
    if (!range.starts_with(kPrefix)) {
      check.Expect(false, index, "not a vers:pypi range: " + std::string(range));
      continue;
    }
    range.remove_prefix(kPrefix.size());
    std::vector<std::string> versions;
    while (!range.empty()) {
      const std::size_t bar = std::min(range.find('|'), range.size());
      std::string_view constraint = range.substr(0, bar);
      range.remove_prefix(std::min(bar + 1, range.size()));
      while (!constraint.empty() &&
             std::string_view("<>=!").find(constraint.front()) != std::string_view::npos) {
        constraint.remove_prefix(1);
      }
      if (constraint != "*") versions.emplace_back(constraint);
    }
    bool ascending = true;
    for (std::size_t position = 1; position < versions.size(); ++position) {
      const Result<int> compared = ComparePep440(versions[position - 1], versions[position]);
      ascending = ascending && compared && *compared <= 0;
    }
    check.Expect(ascending, index,
                 "not ascending: " + std::string(cases[index].at("expected_output").as_string()));
  }
}

}  // namespace
}  // namespace sg::version::distro
