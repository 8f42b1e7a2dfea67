#include "version/distro/vector_files.hpp"

#include <fmt/format.h>

#include <boost/json/parse.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <stdexcept>

#include "testing/reference_data.hpp"

namespace sg::version::distro::vectors {
namespace {

std::vector<std::string> SplitOnSpaces(std::string_view line) {
  std::vector<std::string> fields;
  std::size_t pos = 0;
  while (pos < line.size()) {
    while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
    const std::size_t start = pos;
    while (pos < line.size() && line[pos] != ' ' && line[pos] != '\t') ++pos;
    if (pos > start) fields.emplace_back(line.substr(start, pos - start));
  }
  return fields;
}

std::string_view FileName(std::string_view relative) {
  const std::size_t slash = relative.rfind('/');
  return slash == std::string_view::npos ? relative : relative.substr(slash + 1);
}

std::string Quote(std::string_view text) { return fmt::format("\"{}\"", text); }

}  // namespace

std::filesystem::path ReferenceData(std::string_view relative) {
  const std::filesystem::path path = sg::testing::SbomDataDir() / std::filesystem::path(relative);
  if (!std::filesystem::is_regular_file(path)) {
    throw std::runtime_error("missing test data: " + path.string());
  }
  return path;
}

std::vector<std::string> ReadLines(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

boost::json::value ReadJson(const std::filesystem::path& path) {
  return boost::json::parse(sg::testing::ReadFileBytes(path));
}

std::vector<OrderingCase> ReadOperatorCases(std::string_view relative) {
  const std::vector<std::string> lines = ReadLines(ReferenceData(relative));
  std::vector<OrderingCase> cases;
  for (std::size_t index = 0; index < lines.size(); ++index) {
    const std::string& line = lines[index];
    const std::string source = fmt::format("{}:{}", FileName(relative), index + 1);
    if (line.starts_with("# ") || line.starts_with("// ")) continue;
    const std::vector<std::string> fields = SplitOnSpaces(line);
    if (fields.empty()) continue;
    OrderingCase ordering{.source = source, .a = "", .b = "", .expected = 0, .asserted = true};
    if (fields.size() != 3 || fields[1].size() != 1 ||
        std::string_view("<=>").find(fields[1][0]) == std::string_view::npos) {
      ordering.source += " (malformed line: " + line + ")";
      cases.push_back(std::move(ordering));
      continue;
    }
    ordering.a = fields[0];
    ordering.b = fields[2];
    ordering.expected = fields[1] == "<" ? -1 : (fields[1] == "=" ? 0 : 1);
    cases.push_back(std::move(ordering));
  }
  return cases;
}

std::vector<OrderingCase> ReadTripleCases(std::string_view relative,
                                          std::string_view unasserted_prefix) {
  const std::vector<std::string> lines = ReadLines(ReferenceData(relative));
  std::vector<OrderingCase> cases;
  for (std::size_t index = 0; index < lines.size(); ++index) {
    std::string_view line = lines[index];
    OrderingCase ordering{.source = fmt::format("{}:{}", FileName(relative), index + 1),
                          .a = "",
                          .b = "",
                          .expected = 0,
                          .asserted = true};
    if (!unasserted_prefix.empty() && line.starts_with(unasserted_prefix)) {
      line.remove_prefix(unasserted_prefix.size());
      ordering.asserted = false;
    } else if (line.starts_with("#")) {
      continue;
    }
    const std::vector<std::string> fields = SplitOnSpaces(line);
    if (fields.empty()) continue;
    if (fields.size() != 3 || (fields[2] != "-1" && fields[2] != "0" && fields[2] != "1")) {
      ordering.source += " (malformed line: " + std::string(line) + ")";
      cases.push_back(std::move(ordering));
      continue;
    }
    ordering.a = fields[0];
    ordering.b = fields[1];
    ordering.expected = std::stoi(fields[2]);
    cases.push_back(std::move(ordering));
  }
  return cases;
}

std::string Describe(const Result<int>& result) {
  if (!result) return "invalid";
  return *result < 0 ? "<" : (*result == 0 ? "=" : ">");
}

OrderingReport CheckOrderings(const std::vector<OrderingCase>& cases, Comparator compare,
                              const std::vector<KnownDeviation>& deviations) {
  OrderingReport report;
  const bool print = std::getenv("SG_PRINT_DEVIATIONS") != nullptr;
  std::map<std::pair<std::string_view, std::string_view>, const KnownDeviation*> by_pair;
  std::map<const KnownDeviation*, bool> seen;
  for (const KnownDeviation& deviation : deviations) {
    by_pair[{deviation.a, deviation.b}] = &deviation;
    seen[&deviation] = false;
  }
  for (const OrderingCase& ordering : cases) {
    if (ordering.source.find("(malformed line") != std::string::npos) {
      report.failures.push_back(ordering.source);
      continue;
    }
    const Result<int> forward = compare(ordering.a, ordering.b);
    const Result<int> backward = compare(ordering.b, ordering.a);
    const std::string want = ordering.expected < 0 ? "<" : (ordering.expected == 0 ? "=" : ">");
    const std::string got = Describe(forward);
    const bool consistent =
        (!forward && !backward) || (forward && backward && *forward == -*backward &&
                                    (*forward == -1 || *forward == 0 || *forward == 1));
    if (!ordering.asserted) {
      report.unasserted.push_back(fmt::format("{}: {} {} {} (rpm's oddity says {})",
                                              ordering.source, ordering.a, got, ordering.b, want));
      if (!consistent)
        report.failures.push_back(ordering.source + ": inconsistent in the two directions");
      continue;
    }
    const auto found = by_pair.find({ordering.a, ordering.b});
    if (found != by_pair.end()) {
      seen[found->second] = true;
      if (got == found->second->actual && consistent) {
        ++report.deviations;
      } else {
        report.failures.push_back(
            fmt::format("{}: {} {} {} is listed as a deviation giving {}, but gives {}",
                        ordering.source, ordering.a, want, ordering.b, found->second->actual, got));
      }
      continue;
    }
    if (got == want && consistent) {
      ++report.passed;
      continue;
    }
    std::string failure = fmt::format("{}: expected {} {} {}, got {}", ordering.source, ordering.a,
                                      want, ordering.b, got);
    if (!forward) failure += " (" + forward.error().message + ")";
    if (forward && !consistent) failure += " (compare(b, a) disagrees)";
    if (!forward && backward) failure += " (but compare(b, a) succeeds)";
    report.failures.push_back(failure);
    if (print) {
      std::cout << fmt::format("    {{{}, {}, \"{}\", k}},  // {}\n", Quote(ordering.a),
                               Quote(ordering.b), got, ordering.source);
    }
  }
  for (const auto& [deviation, was_seen] : seen) {
    if (!was_seen) {
      report.failures.push_back(fmt::format("deviation {} vs {} is listed but no vector has it",
                                            deviation->a, deviation->b));
    }
  }
  return report;
}

}  // namespace sg::version::distro::vectors
