#include "advisory/kev.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <utility>

#include "advisory/json_support.hpp"

namespace sg::advisory {
namespace {

using detail::IndexPath;
using detail::Problems;

constexpr std::size_t kMaxCatalogueBytes = 64u << 20;

Error NotACatalogue(std::string why) {
  return Error{ErrorKind::kBadRequest,
               "invalidKevCatalogue",
               fmt::format("The file is not a CISA KEV catalogue: {}.", why),
               {},
               {}};
}

bool IsCveId(std::string_view text) {
  if (!text.starts_with("CVE-") || text.size() < 13 || text[8] != '-') return false;
  const auto digits = [](std::string_view part) {
    return std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  return digits(text.substr(4, 4)) && digits(text.substr(9));
}

std::optional<KevEntry> ReadEntry(simdjson::dom::element value, std::size_t index,
                                  Problems& problems) {
  const std::string path = IndexPath("vulnerabilities", index);
  simdjson::dom::object object;
  if (value.get_object().get(object) != simdjson::SUCCESS) {
    problems.Add(path, "mustBeObject", "must be an object");
    return std::nullopt;
  }
  KevEntry entry;
  const std::array<std::pair<std::string_view, std::string*>, 8> required{{
      {"cveID", &entry.cve_id},
      {"vendorProject", &entry.vendor_project},
      {"product", &entry.product},
      {"vulnerabilityName", &entry.vulnerability_name},
      {"dateAdded", &entry.date_added},
      {"shortDescription", &entry.short_description},
      {"requiredAction", &entry.required_action},
      {"dueDate", &entry.due_date},
  }};
  for (const auto& [key, out] : required) {
    if (!detail::ReadString(object, key, path, problems, *out) &&
        !detail::FindMember(object, key)) {
      problems.Add(detail::FieldPath(path, key), "required", "is required");
    }
  }
  if (!entry.cve_id.empty() && !IsCveId(entry.cve_id)) {
    problems.Add(detail::FieldPath(path, "cveID"), "invalidCveId",
                 fmt::format("\"{}\" is not a CVE id", entry.cve_id.substr(0, 40)));
  }
  detail::ReadString(object, "knownRansomwareCampaignUse", path, problems,
                     entry.known_ransomware_campaign_use);
  detail::ReadString(object, "notes", path, problems, entry.notes);
  detail::ReadStringArray(object, "cwes", path, problems, entry.cwes);
  return entry;
}

}  // namespace

const KevEntry* KevCatalogue::FindByCve(std::string_view cve_id) const {
  const auto found = std::lower_bound(
      entries.begin(), entries.end(), cve_id,
      [](const KevEntry& entry, std::string_view id) { return entry.cve_id < id; });
  if (found == entries.end() || found->cve_id != cve_id) return nullptr;
  return &*found;
}

Result<KevCatalogue> ParseKevCatalogue(std::string_view text) {
  simdjson::dom::parser parser = detail::MakeParser(kMaxCatalogueBytes);
  simdjson::dom::element root;
  if (const simdjson::error_code code = parser.parse(text.data(), text.size()).get(root)) {
    return Fail(detail::MalformedJson(code, "The KEV catalogue"));
  }
  simdjson::dom::object object;
  if (root.get_object().get(object) != simdjson::SUCCESS) {
    return Fail(NotACatalogue("it is not a JSON object"));
  }
  KevCatalogue catalogue;
  Problems header;
  detail::ReadString(object, "title", "", header, catalogue.title);
  if (!detail::ReadString(object, "catalogVersion", "", header, catalogue.catalog_version)) {
    return Fail(NotACatalogue("it has no \"catalogVersion\""));
  }
  detail::ReadString(object, "dateReleased", "", header, catalogue.date_released);
  std::uint64_t count = 0;
  if (object["count"].get_uint64().get(count) != simdjson::SUCCESS) {
    return Fail(NotACatalogue("it has no \"count\""));
  }
  catalogue.declared_count = static_cast<std::size_t>(count);
  simdjson::dom::array vulnerabilities;
  if (object["vulnerabilities"].get_array().get(vulnerabilities) != simdjson::SUCCESS) {
    return Fail(NotACatalogue("it has no \"vulnerabilities\" array"));
  }
  if (vulnerabilities.size() != catalogue.declared_count) {
    return Fail(
        NotACatalogue(fmt::format("it declares {} entries but holds {}; it may be truncated",
                                  catalogue.declared_count, vulnerabilities.size())));
  }
  std::size_t index = 0;
  for (simdjson::dom::element value : vulnerabilities) {
    Problems problems;
    std::optional<KevEntry> entry = ReadEntry(value, index, problems);
    if (!problems.Empty() || !entry) {
      const std::string subject = entry && !entry->cve_id.empty()
                                      ? fmt::format("KEV entry {} ({})", index, entry->cve_id)
                                      : fmt::format("KEV entry {}", index);
      catalogue.rejected.push_back(
          KevRejection{index, problems.ToError("invalidKevEntry", subject)});
    } else {
      catalogue.entries.push_back(std::move(*entry));
    }
    ++index;
  }
  std::sort(catalogue.entries.begin(), catalogue.entries.end(),
            [](const KevEntry& a, const KevEntry& b) { return a.cve_id < b.cve_id; });
  return catalogue;
}

}  // namespace sg::advisory
