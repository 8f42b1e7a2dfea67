// libFuzzer harness for the OSV reader (advisory/osv.hpp) and the compilation and evaluation of
// what it reads (advisory/evaluation.hpp). Every input is read as JSON (leniently and strictly)
// and as YAML, by readers kept across inputs (ParseOsvJson and ParseOsvYaml are the same calls on
// a fresh reader; reusing one doubles the speed under ASan). Checked: a record the strict reader
// accepts loads by default without issues; a version an `affected` entry lists is affected; a
// withdrawn record matches nothing.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "advisory/evaluation.hpp"
#include "advisory/osv.hpp"
#include "harness.hpp"

namespace {

using sg::fuzz::Require;
namespace advisory = sg::advisory;

// Bounds the work per input: a record may list thousands of versions.
constexpr std::size_t kMaxEvaluations = 64;

void EvaluateAffected(const advisory::CompiledAffected& affected, std::size_t& budget) {
  for (const std::string& version : affected.versions) {
    if (budget == 0) return;
    --budget;
    const auto evaluation = advisory::Evaluate(affected, version);
    Require(evaluation.has_value() && evaluation->affected, "a listed version is affected");
  }
  for (const advisory::CompiledRange& range : affected.ranges) {
    for (const advisory::CompiledEvent& event : range.timeline) {
      if (budget == 0) return;
      --budget;
      (void)advisory::Evaluate(affected, event.version);
    }
    if (range.has_limit && budget > 0) {
      --budget;
      (void)advisory::Evaluate(affected, range.limit);
    }
  }
}

void CompileAndEvaluate(const advisory::Record& record) {
  std::size_t budget = kMaxEvaluations;
  const auto compiled = advisory::Compile(record);
  if (!compiled) {
    // One invalid version refuses the record; the other entries still compile on their own.
    for (std::size_t index = 0; index < record.affected.size(); ++index) {
      const auto affected = advisory::CompileAffected(record.affected[index],
                                                      advisory::DefaultOrderings(), "", index);
      if (affected) EvaluateAffected(*affected, budget);
    }
    return;
  }
  for (const advisory::CompiledAffected& affected : compiled->affected) {
    EvaluateAffected(affected, budget);
    const std::string_view version =
        affected.versions.empty() ? std::string_view("0") : affected.versions.front();
    const auto matches = advisory::FindMatches(*compiled, affected.package.ecosystem,
                                               affected.package.name, version);
    if (compiled->withdrawn) {
      Require(matches.has_value() && matches->empty(), "a withdrawn record matches nothing");
    }
  }
}

advisory::OsvReadOptions StrictOptions() {
  advisory::OsvReadOptions options;
  options.strict = true;
  return options;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Readers live across inputs, as in an import that reads record after record.
  static advisory::OsvReader lenient;
  static advisory::OsvReader strict(StrictOptions());
  const std::string_view text = sg::fuzz::AsText(data, size);
  const auto json = lenient.ReadJson(text);
  if (json) CompileAndEvaluate(*json);
  const auto strict_json = strict.ReadJson(text);
  Require(!strict_json || (json && json->issues.empty()),
          "a record the strict reader accepts loads by default without issues");
  const auto yaml = lenient.ReadYaml(text);
  if (yaml) CompileAndEvaluate(*yaml);
  return 0;
}
