#include "advisory/nvd.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "advisory/json_support.hpp"

namespace sg::advisory {
namespace {

using detail::FieldPath;
using detail::IndexPath;
using detail::Problems;
using detail::TypeName;

// An NVD API response is about 2,000 CVEs, tens of MiB.
constexpr std::size_t kMaxFeedBytes = 512u << 20;

std::optional<simdjson::dom::object> AsObject(simdjson::dom::element value, const std::string& path,
                                              Problems& problems) {
  simdjson::dom::object object;
  if (value.get_object().get(object) != simdjson::SUCCESS) {
    problems.Add(path, "mustBeObject", fmt::format("must be an object, not {}", TypeName(value)));
    return std::nullopt;
  }
  return object;
}

NvdOperator ReadOperator(simdjson::dom::object object, const std::string& path,
                         Problems& problems) {
  std::string text;
  if (!detail::ReadString(object, "operator", path, problems, text)) return NvdOperator::kOr;
  if (text == "AND") return NvdOperator::kAnd;
  if (text != "OR") {
    problems.Add(FieldPath(path, "operator"), "invalidOperator",
                 fmt::format("\"{}\" is neither AND nor OR", text.substr(0, 20)));
  }
  return NvdOperator::kOr;
}

void ReadOptionalString(simdjson::dom::object object, std::string_view key, const std::string& path,
                        Problems& problems, std::optional<std::string>& out) {
  std::string text;
  if (detail::ReadString(object, key, path, problems, text)) out = std::move(text);
}

void ReadCpeMatch(simdjson::dom::element value, const std::string& path, Problems& problems,
                  NvdNode& node) {
  const std::optional<simdjson::dom::object> object = AsObject(value, path, problems);
  if (!object) return;
  NvdCpeMatch match;
  if (!detail::ReadString(*object, "criteria", path, problems, match.criteria) ||
      !match.criteria.starts_with("cpe:2.3:")) {
    problems.Add(FieldPath(path, "criteria"), "invalidCpe",
                 "a CPE match needs its criteria, a CPE 2.3 name (cpe:2.3:…)");
  }
  detail::ReadString(*object, "matchCriteriaId", path, problems, match.match_criteria_id);
  if (!detail::ReadBool(*object, "vulnerable", path, problems, match.vulnerable) &&
      !detail::FindMember(*object, "vulnerable")) {
    problems.Add(FieldPath(path, "vulnerable"), "required",
                 "a CPE match says whether it is vulnerable");
  }
  ReadOptionalString(*object, "versionStartIncluding", path, problems,
                     match.version_start_including);
  ReadOptionalString(*object, "versionStartExcluding", path, problems,
                     match.version_start_excluding);
  ReadOptionalString(*object, "versionEndIncluding", path, problems, match.version_end_including);
  ReadOptionalString(*object, "versionEndExcluding", path, problems, match.version_end_excluding);
  if (match.version_start_including && match.version_start_excluding) {
    problems.Add(path, "conflictingBounds", "a range has one lower bound, not two");
  }
  if (match.version_end_including && match.version_end_excluding) {
    problems.Add(path, "conflictingBounds", "a range has one upper bound, not two");
  }
  node.cpe_match.push_back(std::move(match));
}

void ReadConfiguration(simdjson::dom::element value, const std::string& path, Problems& problems,
                       NvdCve& cve) {
  const std::optional<simdjson::dom::object> object = AsObject(value, path, problems);
  if (!object) return;
  NvdConfiguration configuration;
  configuration.op = ReadOperator(*object, path, problems);
  detail::ReadBool(*object, "negate", path, problems, configuration.negate);
  const std::optional<simdjson::dom::array> nodes =
      detail::ReadArray(*object, "nodes", path, problems);
  if (!nodes) {
    problems.Add(FieldPath(path, "nodes"), "required", "a configuration needs its nodes");
    return;
  }
  std::size_t node_index = 0;
  for (simdjson::dom::element node_value : *nodes) {
    const std::string node_path = IndexPath(FieldPath(path, "nodes"), node_index++);
    const std::optional<simdjson::dom::object> node_object =
        AsObject(node_value, node_path, problems);
    if (!node_object) continue;
    NvdNode node;
    node.op = ReadOperator(*node_object, node_path, problems);
    detail::ReadBool(*node_object, "negate", node_path, problems, node.negate);
    if (const std::optional<simdjson::dom::array> matches =
            detail::ReadArray(*node_object, "cpeMatch", node_path, problems)) {
      std::size_t match_index = 0;
      for (simdjson::dom::element match : *matches) {
        ReadCpeMatch(match, IndexPath(FieldPath(node_path, "cpeMatch"), match_index++), problems,
                     node);
      }
    }
    configuration.nodes.push_back(std::move(node));
  }
  cve.configurations.push_back(std::move(configuration));
}

void ReadMetrics(simdjson::dom::object metrics, std::string_view key, const std::string& path,
                 Problems& problems, std::vector<NvdCvssMetric>& out) {
  const std::optional<simdjson::dom::array> items = detail::ReadArray(metrics, key, path, problems);
  if (!items) return;
  std::size_t index = 0;
  for (simdjson::dom::element item : *items) {
    const std::string item_path = IndexPath(FieldPath(path, key), index++);
    const std::optional<simdjson::dom::object> object = AsObject(item, item_path, problems);
    if (!object) continue;
    NvdCvssMetric metric;
    detail::ReadString(*object, "source", item_path, problems, metric.source);
    detail::ReadString(*object, "type", item_path, problems, metric.type);
    detail::ReadString(*object, "baseSeverity", item_path, problems, metric.base_severity);
    const std::optional<simdjson::dom::object> data =
        detail::ReadObject(*object, "cvssData", item_path, problems);
    if (!data) {
      problems.Add(FieldPath(item_path, "cvssData"), "required", "a CVSS metric needs its data");
      continue;
    }
    const std::string data_path = FieldPath(item_path, "cvssData");
    detail::ReadString(*data, "version", data_path, problems, metric.version);
    if (!detail::ReadString(*data, "vectorString", data_path, problems, metric.vector)) {
      problems.Add(FieldPath(data_path, "vectorString"), "required",
                   "a CVSS metric needs its vector");
    }
    detail::ReadNumber(*data, "baseScore", data_path, problems, metric.base_score);
    detail::ReadString(*data, "baseSeverity", data_path, problems, metric.base_severity);
    out.push_back(std::move(metric));
  }
}

// Reads one `{"cve": …}` item; problems make it rejected.
NvdCve ReadCve(simdjson::dom::object item, Problems& problems) {
  NvdCve cve;
  const std::optional<simdjson::dom::object> object = detail::ReadObject(item, "cve", "", problems);
  if (!object) {
    if (!detail::FindMember(item, "cve"))
      problems.Add("cve", "required", "an item holds a \"cve\"");
    return cve;
  }
  const std::string path = "cve";
  if (!detail::ReadString(*object, "id", path, problems, cve.id) || !cve.id.starts_with("CVE-")) {
    problems.Add("cve.id", "invalidCveId", "a CVE needs its id (CVE-YYYY-NNNN)");
  }
  detail::ReadString(*object, "sourceIdentifier", path, problems, cve.source_identifier);
  detail::ReadString(*object, "vulnStatus", path, problems, cve.vuln_status);
  detail::ReadString(*object, "published", path, problems, cve.published);
  detail::ReadString(*object, "lastModified", path, problems, cve.last_modified);
  detail::ReadString(*object, "cisaExploitAdd", path, problems, cve.cisa_exploit_add);
  detail::ReadString(*object, "cisaActionDue", path, problems, cve.cisa_action_due);
  detail::ReadString(*object, "cisaRequiredAction", path, problems, cve.cisa_required_action);
  detail::ReadString(*object, "cisaVulnerabilityName", path, problems, cve.cisa_vulnerability_name);

  if (const std::optional<simdjson::dom::array> descriptions =
          detail::ReadArray(*object, "descriptions", path, problems)) {
    std::size_t index = 0;
    for (simdjson::dom::element value : *descriptions) {
      const std::string item_path = IndexPath("cve.descriptions", index++);
      if (const std::optional<simdjson::dom::object> entry = AsObject(value, item_path, problems)) {
        LangString text;
        detail::ReadString(*entry, "lang", item_path, problems, text.lang);
        detail::ReadString(*entry, "value", item_path, problems, text.value);
        cve.descriptions.push_back(std::move(text));
      }
    }
  }
  if (const std::optional<simdjson::dom::object> metrics =
          detail::ReadObject(*object, "metrics", path, problems)) {
    ReadMetrics(*metrics, "cvssMetricV2", "cve.metrics", problems, cve.cvss_v2);
    ReadMetrics(*metrics, "cvssMetricV30", "cve.metrics", problems, cve.cvss_v3);
    ReadMetrics(*metrics, "cvssMetricV31", "cve.metrics", problems, cve.cvss_v3);
    ReadMetrics(*metrics, "cvssMetricV40", "cve.metrics", problems, cve.cvss_v4);
  }
  if (const std::optional<simdjson::dom::array> weaknesses =
          detail::ReadArray(*object, "weaknesses", path, problems)) {
    std::size_t index = 0;
    for (simdjson::dom::element value : *weaknesses) {
      const std::string item_path = IndexPath("cve.weaknesses", index++);
      const std::optional<simdjson::dom::object> weakness = AsObject(value, item_path, problems);
      if (!weakness) continue;
      const std::optional<simdjson::dom::array> texts =
          detail::ReadArray(*weakness, "description", item_path, problems);
      if (!texts) continue;
      std::size_t text_index = 0;
      for (simdjson::dom::element text_value : *texts) {
        const std::string text_path = IndexPath(FieldPath(item_path, "description"), text_index++);
        const std::optional<simdjson::dom::object> text = AsObject(text_value, text_path, problems);
        std::string cwe;
        if (text && detail::ReadString(*text, "value", text_path, problems, cwe) &&
            std::find(cve.cwes.begin(), cve.cwes.end(), cwe) == cve.cwes.end()) {
          cve.cwes.push_back(std::move(cwe));
        }
      }
    }
  }
  if (const std::optional<simdjson::dom::array> configurations =
          detail::ReadArray(*object, "configurations", path, problems)) {
    std::size_t index = 0;
    for (simdjson::dom::element value : *configurations) {
      ReadConfiguration(value, IndexPath("cve.configurations", index++), problems, cve);
    }
  }
  if (const std::optional<simdjson::dom::array> references =
          detail::ReadArray(*object, "references", path, problems)) {
    std::size_t index = 0;
    for (simdjson::dom::element value : *references) {
      const std::string item_path = IndexPath("cve.references", index++);
      const std::optional<simdjson::dom::object> entry = AsObject(value, item_path, problems);
      if (!entry) continue;
      NvdReference reference;
      if (!detail::ReadString(*entry, "url", item_path, problems, reference.url)) continue;
      detail::ReadString(*entry, "source", item_path, problems, reference.source);
      detail::ReadStringArray(*entry, "tags", item_path, problems, reference.tags);
      cve.references.push_back(std::move(reference));
    }
  }
  return cve;
}

std::size_t ReadCount(simdjson::dom::object object, std::string_view key) {
  std::uint64_t count = 0;
  if (object[key].get_uint64().get(count) != simdjson::SUCCESS) return 0;
  return static_cast<std::size_t>(count);
}

Error NotAFeed(std::string why) {
  return Error{ErrorKind::kBadRequest,
               "invalidNvdFeed",
               fmt::format("The file is not an NVD CVE API 2.0 document: {}.", why),
               {},
               {}};
}

}  // namespace

std::string_view NvdCve::Description() const {
  for (const LangString& text : descriptions) {
    if (text.lang == "en") return text.value;
  }
  return descriptions.empty() ? std::string_view() : std::string_view(descriptions.front().value);
}

const NvdCvssMetric* NvdCve::FindPreferredCvssV3() const {
  const auto best = [&](auto&& accept) -> const NvdCvssMetric* {
    const NvdCvssMetric* found = nullptr;
    for (const NvdCvssMetric& metric : cvss_v3) {
      if (!accept(metric)) continue;
      if (found == nullptr || (metric.version == "3.1" && found->version != "3.1")) found = &metric;
    }
    return found;
  };
  if (const NvdCvssMetric* metric = best([](const NvdCvssMetric& candidate) {
        return candidate.type == "Primary" && candidate.source == "nvd@nist.gov";
      })) {
    return metric;
  }
  if (const NvdCvssMetric* metric =
          best([](const NvdCvssMetric& candidate) { return candidate.type == "Primary"; })) {
    return metric;
  }
  return best([](const NvdCvssMetric&) { return true; });
}

Result<NvdFeed> ParseNvdFeed(std::string_view text) {
  simdjson::dom::parser parser = detail::MakeParser(kMaxFeedBytes);
  simdjson::dom::element root;
  if (const simdjson::error_code code = parser.parse(text.data(), text.size()).get(root)) {
    return Fail(detail::MalformedJson(code, "The NVD file"));
  }
  simdjson::dom::object object;
  if (root.get_object().get(object) != simdjson::SUCCESS) {
    return Fail(NotAFeed("it is not a JSON object"));
  }
  NvdFeed feed;
  const auto read_item = [&feed](simdjson::dom::element value, std::size_t index) {
    Problems problems;
    simdjson::dom::object item;
    if (value.get_object().get(item) != simdjson::SUCCESS) {
      problems.Add(IndexPath("vulnerabilities", index), "mustBeObject", "must be an object");
    }
    NvdCve cve = problems.Empty() ? ReadCve(item, problems) : NvdCve{};
    if (!problems.Empty()) {
      const std::string subject = cve.id.empty()
                                      ? fmt::format("The CVE at vulnerabilities[{}]", index)
                                      : fmt::format("{} (vulnerabilities[{}])", cve.id, index);
      feed.rejected.push_back(NvdRejection{index, problems.ToError("invalidCve", subject)});
      return;
    }
    feed.cves.push_back(std::move(cve));
  };

  if (detail::FindMember(object, "cve")) {
    read_item(root, 0);
    feed.results_per_page = feed.total_results = 1;
    return feed;
  }
  simdjson::dom::array vulnerabilities;
  if (object["vulnerabilities"].get_array().get(vulnerabilities) != simdjson::SUCCESS) {
    return Fail(NotAFeed("it has no \"vulnerabilities\" array"));
  }
  std::string_view format;
  if (object["format"].get_string().get(format) == simdjson::SUCCESS && format != "NVD_CVE") {
    return Fail(NotAFeed(fmt::format("its format is \"{}\", not NVD_CVE", format.substr(0, 40))));
  }
  feed.results_per_page = ReadCount(object, "resultsPerPage");
  feed.start_index = ReadCount(object, "startIndex");
  feed.total_results = ReadCount(object, "totalResults");
  std::string_view timestamp;
  if (object["timestamp"].get_string().get(timestamp) == simdjson::SUCCESS) {
    feed.timestamp.assign(timestamp);
  }
  std::size_t index = 0;
  for (simdjson::dom::element value : vulnerabilities) read_item(value, index++);
  return feed;
}

}  // namespace sg::advisory
