#include "advisory/epss.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "advisory/gzip.hpp"

namespace sg::advisory {
namespace {

// The real file is about 10 MiB uncompressed.
constexpr std::size_t kMaxEpssBytes = 512u << 20;

Error InvalidRow(std::size_t line, std::string why) {
  return Error::BadRequest(fmt::format("EPSS line {}: {}.", line, why), "invalidEpssRow");
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

std::optional<double> ReadProbability(std::string_view text) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  if (!(value >= 0.0 && value <= 1.0)) return std::nullopt;
  return value;
}

// Reads "#model_version:v2025.03.14,score_date:2025-08-21T00:00:00+0000".
void ReadComment(std::string_view comment, EpssTable& table) {
  comment.remove_prefix(1);
  while (!comment.empty()) {
    const std::size_t comma = comment.find(',');
    const std::string_view pair = comment.substr(0, comma);
    const std::size_t colon = pair.find(':');
    if (colon != std::string_view::npos) {
      const std::string_view key = Trim(pair.substr(0, colon));
      const std::string_view value = Trim(pair.substr(colon + 1));
      if (key == "model_version") table.model_version.assign(value);
      if (key == "score_date") table.score_date.assign(value);
    }
    if (comma == std::string_view::npos) break;
    comment.remove_prefix(comma + 1);
  }
}

}  // namespace

const EpssScore* EpssTable::FindScore(std::string_view cve) const {
  const auto found =
      std::lower_bound(scores.begin(), scores.end(), cve,
                       [](const EpssScore& score, std::string_view id) { return score.cve < id; });
  if (found == scores.end() || found->cve != cve) return nullptr;
  return &*found;
}

Result<EpssTable> ParseEpss(std::string_view bytes) {
  std::string inflated;
  if (detail::IsGzip(bytes)) {
    Result<std::string> text = detail::Gunzip(bytes, kMaxEpssBytes);
    if (!text) return Fail(std::move(text.error()));
    inflated = std::move(*text);
    bytes = inflated;
  } else if (bytes.size() > kMaxEpssBytes) {
    return Fail(
        Error{ErrorKind::kPayloadTooLarge, "fileTooLarge", "The EPSS file is too large.", {}, {}});
  }
  if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);

  EpssTable table;
  bool header_seen = false;
  std::size_t line_number = 0;
  while (!bytes.empty()) {
    const std::size_t newline = bytes.find('\n');
    const std::string_view line = Trim(bytes.substr(0, newline));
    bytes.remove_prefix(newline == std::string_view::npos ? bytes.size() : newline + 1);
    ++line_number;
    if (line.empty()) continue;
    if (line.front() == '#') {
      if (!header_seen) ReadComment(line, table);
      continue;
    }
    if (!header_seen) {
      if (line != "cve,epss,percentile") {
        return Fail(Error::BadRequest(
            fmt::format("The file is not an EPSS score file: line {} should be the header "
                        "\"cve,epss,percentile\".",
                        line_number),
            "invalidEpssFile"));
      }
      header_seen = true;
      continue;
    }
    const std::size_t first = line.find(',');
    const std::size_t second = first == std::string_view::npos ? first : line.find(',', first + 1);
    if (second == std::string_view::npos || line.find(',', second + 1) != std::string_view::npos) {
      table.rejected.push_back({line_number, InvalidRow(line_number, "a row has three fields")});
      continue;
    }
    const std::string_view cve = Trim(line.substr(0, first));
    const std::optional<double> epss =
        ReadProbability(Trim(line.substr(first + 1, second - first - 1)));
    const std::optional<double> percentile = ReadProbability(Trim(line.substr(second + 1)));
    if (!cve.starts_with("CVE-")) {
      table.rejected.push_back(
          {line_number,
           InvalidRow(line_number, fmt::format("\"{}\" is not a CVE id", cve.substr(0, 40)))});
      continue;
    }
    if (!epss || !percentile) {
      table.rejected.push_back(
          {line_number,
           InvalidRow(line_number, "the score and percentile are numbers from 0 to 1")});
      continue;
    }
    table.scores.push_back(EpssScore{std::string(cve), *epss, *percentile});
  }
  if (!header_seen) {
    return Fail(Error::BadRequest(
        "The file is not an EPSS score file: it has no \"cve,epss,percentile\" header.",
        "invalidEpssFile"));
  }
  std::sort(table.scores.begin(), table.scores.end(),
            [](const EpssScore& a, const EpssScore& b) { return a.cve < b.cve; });
  return table;
}

}  // namespace sg::advisory
