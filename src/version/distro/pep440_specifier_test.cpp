// PEP 440 specifiers and specifier sets against the tables of pypa/packaging's
// tests/test_specifiers.py.
//
// Tables not used, and why: LEGACY_SPECIFIERS (no table refers to it); str/repr, hash and
// equality of specifier objects (test_specifiers_str_and_repr, test_specifiers_hash,
// test_comparison_*, test_comparison_canonicalizes, test_specifiers_combine) and their
// operator/version properties, length and iteration (no such API: we take the text);
// test_*_filter_with_key (a Python key callback); TestSpecifierInternal.* (packaging's
// caches, no expected values); subset/superset/disjoint, set-relation errors, TestIsUnsatisfiable
// and TestSpecifierSetToRangeEquivalence (set algebra on packaging's range objects, not
// offered here); test_contains_identical_across_canonicalization (no expected values);
// pickling and lazy construction (Python).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "version/distro/distro.hpp"
#include "version/distro/pep440_tables.hpp"
#include "version/distro/table_check.hpp"

namespace sg::version::distro {
namespace {

using vectors::Cases;
using vectors::Constant;
using vectors::Show;
using vectors::TableCheck;
using vectors::VersionArgument;

const boost::json::value& Tables() {
  return vectors::PackagingTables("test_specifiers.tables.json");
}

std::string Text(const boost::json::value& value) { return std::string(value.as_string()); }

std::optional<bool> OptionalBool(const boost::json::value& value) {
  if (value.is_null()) return std::nullopt;
  return value.as_bool();
}

// Pep440ContainsOptions with every field given (SpecifierSet(prereleases=set),
// contains(prereleases=call, installed=installed)).
Pep440ContainsOptions Options(std::optional<bool> set, std::optional<bool> call,
                              bool installed = false) {
  return Pep440ContainsOptions{.set_prereleases = set, .prereleases = call, .installed = installed};
}

std::vector<std::string> Versions(const boost::json::value& list) {
  std::vector<std::string> versions;
  for (const boost::json::value& item : list.as_array()) versions.push_back(VersionArgument(item));
  return versions;
}

std::string Join(const std::vector<std::string>& items) {
  std::string joined = "[";
  for (const std::string& item : items) joined += (joined.size() > 1 ? ", " : "") + item;
  return joined + "]";
}

// One contains() check; `single` means the table builds a Specifier, which must be one clause.
void ExpectContains(TableCheck& check, std::size_t index, std::string_view specifiers,
                    const std::string& version, const Pep440ContainsOptions& options, bool expected,
                    bool single) {
  if (single) {
    if (Result<void> valid = ValidatePep440Specifier(specifiers); !valid) {
      check.Expect(false, index, std::string(specifiers) + " rejected: " + valid.error().message);
      return;
    }
  }
  const Result<bool> contained = Pep440SpecifierSetContains(specifiers, version, options);
  const std::string got =
      contained ? (*contained ? "True" : "False") : "error: " + contained.error().message;
  check.Expect(
      contained && *contained == expected, index,
      fmt::format(
          "{} contains {} (set prereleases {}, prereleases {}, installed {}): expected {}, got {}",
          specifiers, version,
          options.set_prereleases ? (*options.set_prereleases ? "True" : "False") : "None",
          options.prereleases ? (*options.prereleases ? "True" : "False") : "None",
          options.installed, expected ? "True" : "False", got));
}

TEST(Pep440Specifiers, AcceptValidAndRejectInvalidSpecifiers) {
  {
    TableCheck check("TestSpecifier.test_specifiers_valid");
    const boost::json::array cases = Cases(Tables(), "TestSpecifier.test_specifiers_valid");
    for (std::size_t index = 0; index < cases.size(); ++index) {
      const Result<void> valid = ValidatePep440Specifier(Text(cases[index]));
      check.Expect(valid.has_value(), index, Text(cases[index]) + " rejected");
    }
  }
  {
    TableCheck check("TestSpecifier.test_specifiers_invalid");
    const boost::json::array cases = Cases(Tables(), "TestSpecifier.test_specifiers_invalid");
    for (std::size_t index = 0; index < cases.size(); ++index) {
      const Result<void> valid = ValidatePep440Specifier(Text(cases[index]));
      check.Expect(!valid && valid.error().code == "invalidSpecifier", index,
                   Text(cases[index]) + " accepted");
    }
  }
  {
    // Every spelling of a version is accepted after every operator that allows it.
    TableCheck check("TestSpecifier.test_specifiers_normalized");
    const boost::json::array cases = Cases(Tables(), "TestSpecifier.test_specifiers_normalized");
    for (std::size_t index = 0; index < cases.size(); ++index) {
      const std::string version = Text(cases[index]);
      const std::vector<std::string> operators =
          version.find('+') == std::string::npos
              ? std::vector<std::string>{"~=", "==", "!=", "<=", ">=", "<", ">"}
              : std::vector<std::string>{"==", "!="};
      for (const std::string& op : operators) {
        const Result<void> valid = ValidatePep440Specifier(op + version);
        check.Expect(valid.has_value(), index, op + version + " rejected");
      }
    }
  }
}

TEST(Pep440Specifiers, DetectWhenTheyImplyPrereleases) {
  TableCheck check("TestSpecifier.test_specifier_prereleases_detection");
  const boost::json::array cases =
      Cases(Tables(), "TestSpecifier.test_specifier_prereleases_detection");
  for (std::size_t index = 0; index < cases.size(); ++index) {
    const std::string specifier = Text(cases[index].as_array()[0]);
    const Result<std::optional<bool>> implied = Pep440SpecifierImpliesPrereleases(specifier);
    const std::optional<bool> expected = OptionalBool(cases[index].as_array()[1]);
    check.Expect(implied && *implied == expected, index,
                 specifier + ": expected " + Show(cases[index].as_array()[1]));
  }
}

// Tables of (version, specifier, expected) or (specifier, version, expected).
void CheckContainsTable(const char* test, bool version_first, bool single) {
  TableCheck check(test);
  const boost::json::array cases = Cases(Tables(), test);
  for (std::size_t index = 0; index < cases.size(); ++index) {
    const boost::json::array& row = cases[index].as_array();
    const std::string specifier = Text(row[version_first ? 1 : 0]);
    const std::string version = VersionArgument(row[version_first ? 0 : 1]);
    ExpectContains(check, index, specifier, version, Options(std::nullopt, std::nullopt),
                   row[2].as_bool(), single);
  }
}

TEST(Pep440Specifiers, ContainWhatPackagingSaysTheyContain) {
  CheckContainsTable("TestSpecifier.test_specifiers", true, true);
  CheckContainsTable("TestSpecifier.test_invalid_version", false, true);
  CheckContainsTable("TestSpecifier.test_arbitrary_equality", true, true);
  CheckContainsTable("TestSpecifier.test_arbitrary_equality_normalization", false, true);
  CheckContainsTable("TestSpecifierSet.test_contains_post_release_boundary_intersection", false,
                     false);
  CheckContainsTable("TestSpecifierSet.test_contains_arbitrary_equality_contains", true, false);
  CheckContainsTable("TestSpecifierSet.test_contains_arbitrary_equality_normalization", false,
                     false);
  CheckContainsTable("TestSpecifierSet.test_comparison_ignores_local", true, false);
  CheckContainsTable("test_boundary_closure_short_release", false, false);
  {
    TableCheck check("TestSpecifierSet.test_contains_rejects_invalid_specifier");
    const boost::json::array cases =
        Cases(Tables(), "TestSpecifierSet.test_contains_rejects_invalid_specifier");
    for (std::size_t index = 0; index < cases.size(); ++index) {
      const boost::json::array& row = cases[index].as_array();
      ExpectContains(check, index, Text(row[0]), Text(row[1]), Options(std::nullopt, std::nullopt),
                     false, false);
    }
  }
}

TEST(Pep440Specifiers, HandlePrereleasesAsPackagingDoes) {
  {
    TableCheck check("TestSpecifier.test_specifiers_prereleases");
    const boost::json::array cases = Cases(Tables(), "TestSpecifier.test_specifiers_prereleases");
    for (std::size_t index = 0; index < cases.size(); ++index) {
      const boost::json::array& row = cases[index].as_array();
      ExpectContains(check, index, Text(row[0]), Text(row[1]),
                     Options(OptionalBool(row[2]), OptionalBool(row[3])), row[4].as_bool(), true);
    }
  }
  {
    // The prereleases setting before and after it is changed.
    TableCheck check("TestSpecifier.test_specifier_prereleases_set");
    const boost::json::array cases =
        Cases(Tables(), "TestSpecifier.test_specifier_prereleases_set");
    for (std::size_t index = 0; index < cases.size(); ++index) {
      const boost::json::array& row = cases[index].as_array();
      const std::string specifier = Text(row[0]);
      const std::string version = Text(row[3]);
      ExpectContains(check, index, specifier, version, Options(OptionalBool(row[1]), std::nullopt),
                     row[4].as_bool(), true);
      ExpectContains(check, index, specifier, version, Options(OptionalBool(row[2]), std::nullopt),
                     row[5].as_bool(), true);
    }
  }
  {
    TableCheck check("TestSpecifierSet.test_specifier_prereleases_explicit");
    const boost::json::array cases =
        Cases(Tables(), "TestSpecifierSet.test_specifier_prereleases_explicit");
    for (std::size_t index = 0; index < cases.size(); ++index) {
      const boost::json::array& row = cases[index].as_array();
      const std::string specifiers = Text(row[5]);
      const std::string version = Text(row[2]);
      ExpectContains(check, index, specifiers, version, Options(OptionalBool(row[0]), std::nullopt),
                     row[3].as_bool(), false);
      ExpectContains(check, index, specifiers, version, Options(OptionalBool(row[1]), std::nullopt),
                     row[4].as_bool(), false);
    }
  }
  {
    TableCheck check("TestSpecifierSet.test_specifier_contains_installed_prereleases");
    const boost::json::array cases =
        Cases(Tables(), "TestSpecifierSet.test_specifier_contains_installed_prereleases");
    for (std::size_t index = 0; index < cases.size(); ++index) {
      const boost::json::array& row = cases[index].as_array();
      const std::optional<bool> installed = OptionalBool(row[4]);
      ExpectContains(check, index, Text(row[0]), Text(row[1]),
                     Options(OptionalBool(row[2]), OptionalBool(row[3]), installed.value_or(false)),
                     row[5].as_bool(), false);
    }
  }
  {
    TableCheck check("TestSpecifierSet.test_contains_exclusionary_bridges");
    const boost::json::array cases =
        Cases(Tables(), "TestSpecifierSet.test_contains_exclusionary_bridges");
    for (std::size_t index = 0; index < cases.size(); ++index) {
      const boost::json::array& row = cases[index].as_array();
      ExpectContains(check, index, Text(row[0]), Text(row[2]),
                     Options(std::nullopt, OptionalBool(row[1])), row[3].as_bool(), false);
    }
  }
}

TEST(Pep440Specifiers, EmptySetContainsEveryVersion) {
  TableCheck check("TestSpecifierSet.test_empty_specifier");
  const boost::json::array cases = Cases(Tables(), "TestSpecifierSet.test_empty_specifier");
  for (std::size_t index = 0; index < cases.size(); ++index) {
    const std::string version = Text(cases[index]);
    ExpectContains(check, index, "", version, Options(true, std::nullopt), true, false);
    const Result<std::vector<std::string>> filtered =
        Pep440SpecifierSetFilter("", {version}, Options(true, std::nullopt));
    check.Expect(filtered && *filtered == std::vector<std::string>{version}, index,
                 "filter dropped " + version);
  }
}

// filter() tables: (specifier, specifier_prereleases, prereleases, input, expected) and the
// shorter variants.
void ExpectFilter(TableCheck& check, std::size_t index, const std::string& specifiers,
                  const std::vector<std::string>& input, const Pep440ContainsOptions& options,
                  const std::vector<std::string>& expected) {
  const Result<std::vector<std::string>> filtered =
      Pep440SpecifierSetFilter(specifiers, input, options);
  check.Expect(
      filtered && *filtered == expected, index,
      fmt::format("filter({:?}, {}): expected {}, got {}", specifiers, Join(input), Join(expected),
                  filtered ? Join(*filtered) : "error: " + filtered.error().message));
}

TEST(Pep440Specifiers, FilterAsPackagingDoes) {
  for (const char* test :
       {"TestSpecifier.test_specifier_filter", "TestSpecifierSet.test_specifier_filter"}) {
    TableCheck check(test);
    const boost::json::array cases = Cases(Tables(), test);
    for (std::size_t index = 0; index < cases.size(); ++index) {
      const boost::json::array& row = cases[index].as_array();
      ExpectFilter(check, index, Text(row[0]), Versions(row[3]),
                   Options(OptionalBool(row[1]), OptionalBool(row[2])), Versions(row[4]));
    }
  }
  {
    TableCheck check("TestSpecifier.test_specifier_filter_arbitrary_equality_normalization");
    const boost::json::array cases =
        Cases(Tables(), "TestSpecifier.test_specifier_filter_arbitrary_equality_normalization");
    for (std::size_t index = 0; index < cases.size(); ++index) {
      const boost::json::array& row = cases[index].as_array();
      ExpectFilter(check, index, Text(row[0]), Versions(row[1]),
                   Options(std::nullopt, std::nullopt), Versions(row[2]));
    }
  }
  {
    TableCheck check("TestSpecifierSet.test_empty_specifier_arbitrary_string");
    const boost::json::array cases =
        Cases(Tables(), "TestSpecifierSet.test_empty_specifier_arbitrary_string");
    for (std::size_t index = 0; index < cases.size(); ++index) {
      const boost::json::array& row = cases[index].as_array();
      ExpectFilter(check, index, "", Versions(row[1]), Options(std::nullopt, OptionalBool(row[0])),
                   Versions(row[2]));
    }
  }
  {
    TableCheck check("TestSpecifierSet.test_empty_specifier_ordering_with_arbitrary");
    const boost::json::array cases =
        Cases(Tables(), "TestSpecifierSet.test_empty_specifier_ordering_with_arbitrary");
    for (std::size_t index = 0; index < cases.size(); ++index) {
      const boost::json::array& row = cases[index].as_array();
      ExpectFilter(check, index, "", Versions(row[0]), Options(std::nullopt, std::nullopt),
                   Versions(row[1]));
    }
  }
  {
    TableCheck check("TestSpecifierSet.test_filter_exclusionary_bridges");
    const boost::json::array cases =
        Cases(Tables(), "TestSpecifierSet.test_filter_exclusionary_bridges");
    for (std::size_t index = 0; index < cases.size(); ++index) {
      const boost::json::array& row = cases[index].as_array();
      ExpectFilter(check, index, Text(row[0]), Versions(row[2]),
                   Options(std::nullopt, OptionalBool(row[1])), Versions(row[3]));
    }
  }
}

TEST(Pep440Specifiers, ArbitraryEqualityIsIntersectionPreserving) {
  // A version is in "spec1,spec2" exactly when it is in both.
  TableCheck check("TestSpecifierSet.test_arbitrary_equality_is_intersection_preserving");
  const boost::json::array cases =
      Cases(Tables(), "TestSpecifierSet.test_arbitrary_equality_is_intersection_preserving");
  for (std::size_t index = 0; index < cases.size(); ++index) {
    const boost::json::array& row = cases[index].as_array();
    const std::string first = Text(row[0]);
    const std::string second = Text(row[1]);
    for (const std::string& version : Versions(row[2])) {
      const Result<bool> both =
          Pep440SpecifierSetContains(first + "," + second, version, std::nullopt);
      const Result<bool> in_first = Pep440SpecifierSetContains(first, version, std::nullopt);
      const Result<bool> in_second = Pep440SpecifierSetContains(second, version, std::nullopt);
      check.Expect(both && in_first && in_second && *both == (*in_first && *in_second), index,
                   first + "," + second + " on " + version);
    }
  }
}

TEST(Pep440Specifiers, AcceptOversizedNumbersThatPythonRefuses) {
  // packaging raises ValueError here only because Python will not convert more than 4300
  // digits to int; we compare digit strings and answer.
  TableCheck check("TestSpecifierSet.test_contains_oversized_version_raises_valueerror");
  const boost::json::array cases =
      Cases(Tables(), "TestSpecifierSet.test_contains_oversized_version_raises_valueerror");
  for (std::size_t index = 0; index < cases.size(); ++index) {
    const std::string specifier = Text(cases[index]);  // ">=" and a version with a huge number
    const Result<bool> contained = Pep440SpecifierSetContains(specifier, "1.0", std::nullopt);
    const Result<int> compared = ComparePep440("1.0", specifier.substr(2));
    check.Deviation(contained && compared && *contained == (*compared >= 0), index,
                    specifier.substr(0, 12) + "… did not answer as the version order says for 1.0");
  }
}

}  // namespace
}  // namespace sg::version::distro
