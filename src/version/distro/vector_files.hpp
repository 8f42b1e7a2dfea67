#pragma once

#include <boost/json/value.hpp>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

// Test support: reads the public version vectors in ../shared/reference/sbom-data/ and checks
// orderings against them, with an explicit table of the cases we knowingly answer differently.
namespace sg::version::distro::vectors {

/// The path of `relative` under shared/reference/sbom-data/, found from $SG_SOURCE_DIR (set by
/// ctest) or the source directory compiled in. Throws when the file is missing: a test must
/// fail, not skip, when its data is gone.
std::filesystem::path ReferenceData(std::string_view relative);

/// Every line of a text file, without line terminators. Throws when it cannot be read.
std::vector<std::string> ReadLines(const std::filesystem::path& path);

/// A parsed JSON file. Throws when it cannot be read or parsed.
boost::json::value ReadJson(const std::filesystem::path& path);

/// One expected ordering from a vector file.
struct OrderingCase {
  std::string source;  // "file:line"
  std::string a;
  std::string b;
  int expected = 0;      // sign of compare(a, b)
  bool asserted = true;  // false for rpm's documented "#ODD" oddities
};

/// `a <op> b` lines (op one of < = >); lines starting "# " or "// " and blank lines are
/// comments. A line of any other shape is returned with `source` marked "malformed".
std::vector<OrderingCase> ReadOperatorCases(std::string_view relative);

/// `a b -1|0|1` lines; '#' starts a comment, except that lines starting with `unasserted_prefix`
/// (when not empty) are cases with asserted = false.
std::vector<OrderingCase> ReadTripleCases(std::string_view relative,
                                          std::string_view unasserted_prefix = "");

/// A case we knowingly answer differently from the vector, and why.
struct KnownDeviation {
  std::string_view a;
  std::string_view b;
  std::string_view actual;  // what we give for compare(a, b): "<", "=", ">" or "invalid"
  std::string_view reason;
};

using Comparator = Result<int> (*)(std::string_view, std::string_view);

/// What checking a vector file found.
struct OrderingReport {
  int passed = 0;
  int deviations = 0;                 // cases listed in the deviation table that behaved as listed
  std::vector<std::string> failures;  // one line per case
  std::vector<std::string> unasserted;  // "source: a b -> result" for unasserted cases
};

/// compare(a, b) and compare(b, a) for every case. A listed deviation must behave exactly as
/// listed (so a deviation that starts passing is a failure too), and every listed deviation
/// must occur in `cases`. With SG_PRINT_DEVIATIONS set, failures are also printed as table
/// entries ready to review and paste.
OrderingReport CheckOrderings(const std::vector<OrderingCase>& cases, Comparator compare,
                              const std::vector<KnownDeviation>& deviations);

/// "<", "=", ">" for a comparison result, or "invalid" for an error.
std::string Describe(const Result<int>& result);

}  // namespace sg::version::distro::vectors
