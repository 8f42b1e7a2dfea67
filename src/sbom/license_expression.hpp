#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sg::sbom {

/// What checking an SPDX licence expression found.
struct LicenseExpressionCheck {
  /// Empty when the expression is well-formed; else why not ("unbalanced parenthesis").
  std::string syntax_error;
  /// Listed identifiers the licence list deprecates ("GPL-2.0", "LGPL-2.0+"), as written.
  std::vector<std::string> deprecated;
  /// Identifiers neither listed nor LicenseRef-/DocumentRef-/AdditionRef- references.
  std::vector<std::string> unknown;
};

/// Checks an SPDX licence expression (SPDX 2.3 Annex D): identifiers, LicenseRef-…, "+", WITH,
/// AND, OR and parentheses, or NONE / NOASSERTION alone. Identifiers match the licence list
/// without regard to case. Parenthesis nesting is bounded, so any input is safe.
LicenseExpressionCheck CheckLicenseExpression(std::string_view expression);

/// True for a listed licence identifier the SPDX licence list deprecates in favour of a newer
/// spelling: "GPL-2.0" (now GPL-2.0-only), "GPL-2.0+" (now GPL-2.0-or-later) and the
/// "GPL-2.0-with-…-exception" family (now WITH expressions). Derived from the compiled-in list;
/// other deprecated identifiers (a few dozen renamed ones) are not recognised.
bool IsDeprecatedLicenseId(std::string_view listed_id);

}  // namespace sg::sbom
