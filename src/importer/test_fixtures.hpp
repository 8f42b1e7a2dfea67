#pragma once

#include <string>
#include <string_view>

#include "testing/reference_data.hpp"

namespace sg::importer::testing {

/// The bytes of tests/fixtures/import/`name` (see make_fixtures.py there). The repository root
/// comes from SG_SOURCE_DIR (set by ctest), else from the build's configured source directory.
inline std::string ReadFixture(std::string_view name) {
  return sg::testing::ReadFileBytes(sg::testing::SourceRoot() / "tests" / "fixtures" / "import" /
                                    name);
}

}  // namespace sg::importer::testing
