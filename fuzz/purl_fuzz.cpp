// libFuzzer harness for package URLs (purl/purl.hpp). The input is read two ways:
//  - as purl text: ParsePurlInto into storage used by the previous input must agree with
//    ParsePurl, and whatever ParsePurl accepts must have a canonical form that parses back to the
//    same components and the same text, and that NormalizePurl and BuildPurl leave as it is;
//  - when it has a line break, as components, one per line: type, namespace, name, version,
//    subpath, then "key=value" qualifiers. What NormalizePurl accepts must, written canonically,
//    parse back to the same components.
// Canonical text can outgrow kMaxPurlLength (percent-encoding triples a byte), which ParsePurl
// rightly refuses; the round trips are only required within that length.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness.hpp"
#include "purl/purl.hpp"

namespace {

using sg::fuzz::Require;
using sg::purl::PackageUrl;

void CheckCanonicalRoundTrip(const PackageUrl& purl) {
  const std::string canonical = sg::purl::ToCanonicalString(purl);
  if (canonical.size() > sg::purl::kMaxPurlLength) return;
  const auto reparsed = sg::purl::ParsePurl(canonical);
  Require(reparsed.has_value(), "the canonical form of a valid purl parses");
  Require(*reparsed == purl, "the canonical form parses back to the same components");
  Require(sg::purl::ToCanonicalString(*reparsed) == canonical, "the canonical form is stable");
}

void FuzzText(std::string_view text) {
  const auto parsed = sg::purl::ParsePurl(text);
  // Parsing into storage that held the previous input gives the same answer as a fresh parse.
  static PackageUrl reused;
  const auto into = sg::purl::ParsePurlInto(text, reused);
  Require(into.has_value() == parsed.has_value(), "ParsePurlInto accepts what ParsePurl accepts");
  if (!parsed) return;
  Require(reused == *parsed, "ParsePurlInto into used storage gives ParsePurl's components");
  CheckCanonicalRoundTrip(*parsed);
  const auto normalized = sg::purl::NormalizePurl(*parsed);
  Require(normalized.has_value(), "NormalizePurl accepts what ParsePurl returns");
  Require(*normalized == *parsed, "NormalizePurl leaves ParsePurl's result as it is");
  const auto built = sg::purl::BuildPurl(*parsed);
  Require(built.has_value() && *built == sg::purl::ToCanonicalString(*parsed),
          "BuildPurl of parsed components gives the canonical form");
}

void FuzzComponents(std::string_view text) {
  std::vector<std::string_view> lines;
  while (true) {
    const std::size_t end = text.find('\n');
    lines.push_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  if (lines.size() < 2) return;
  lines.resize(std::max<std::size_t>(lines.size(), 5));
  PackageUrl components;
  components.type = lines[0];
  components.package_namespace = lines[1];
  components.name = lines[2];
  components.version = lines[3];
  components.subpath = lines[4];
  for (std::size_t index = 5; index < lines.size(); ++index) {
    const std::size_t equals = lines[index].find('=');
    components.qualifiers.emplace_back(
        lines[index].substr(0, equals),
        equals == std::string_view::npos ? std::string_view() : lines[index].substr(equals + 1));
  }
  const auto normalized = sg::purl::NormalizePurl(std::move(components));
  if (!normalized) return;
  CheckCanonicalRoundTrip(*normalized);
  const auto again = sg::purl::NormalizePurl(*normalized);
  Require(again.has_value() && *again == *normalized, "NormalizePurl is idempotent");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = sg::fuzz::AsText(data, size);
  FuzzText(text);
  if (text.find('\n') != std::string_view::npos) FuzzComponents(text);
  return 0;
}
