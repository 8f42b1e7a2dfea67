#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <string_view>

// Test support for the tables extracted from pypa/packaging's tests
// (version-vectors/pypi-pep440-packaging/*.tables.json).
namespace sg::version::distro::vectors {

/// The parsed tables file `name` ("test_version.tables.json").
const boost::json::value& PackagingTables(std::string_view name);

/// The cases of the parametrised test `test` (e.g. "TestVersion.test_invalid_versions"), with
/// the few Python expressions the extraction left unevaluated ("__expr__") evaluated:
/// string literals, `'x' * N`, `a + b`, tuples, lists, None/True/False and Version('…'), which
/// becomes {"__version__": "…"}. A table named by `cases_ref` resolves to its constant. Throws
/// when the table is missing.
boost::json::array Cases(const boost::json::value& tables, std::string_view test);

/// A module constant (e.g. "VERSIONS"). Throws when missing.
const boost::json::array& Constant(const boost::json::value& tables, std::string_view name);

/// A version argument as a string: a string as is, a Version('x') object as packaging's
/// str(Version('x')) (what "===" compares a Version object by).
std::string VersionArgument(const boost::json::value& value);

/// "None"/"True"/"False" for a JSON null/bool, for messages.
std::string Show(const boost::json::value& value);

}  // namespace sg::version::distro::vectors
