#include "advisory/detect.hpp"

#include <simdjson.h>
#include <yaml-cpp/yaml.h>
#include <zip.h>

#include <algorithm>
#include <cctype>
#include <exception>
#include <string>

#include "advisory/gzip.hpp"
#include "advisory/json_support.hpp"

namespace sg::advisory {
namespace {

constexpr std::size_t kMaxJsonBytes = 512u << 20;
constexpr std::size_t kMaxYamlBytes = 16u << 20;
constexpr std::size_t kSniffBytes = 4096;
constexpr zip_int64_t kMaxZipEntriesScanned = 1000;

bool IsEpssText(std::string_view text) {
  text = detail::SkipBomAndSpace(text);
  return text.starts_with("#model_version:") || text.starts_with("cve,epss,percentile");
}

bool IsRecordName(std::string_view name) {
  const auto ends = [&](std::string_view suffix) {
    if (name.size() < suffix.size()) return false;
    return std::equal(
        suffix.begin(), suffix.end(), name.end() - static_cast<long>(suffix.size()),
        [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
  };
  return ends(".json") || ends(".yaml") || ends(".yml");
}

AdvisoryFormat DetectZip(std::string_view bytes) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (source == nullptr) {
    zip_error_fini(&error);
    return AdvisoryFormat::kUnknown;
  }
  zip_t* archive = zip_open_from_source(source, ZIP_RDONLY, &error);
  zip_error_fini(&error);
  if (archive == nullptr) {
    zip_source_free(source);
    return AdvisoryFormat::kUnknown;
  }
  bool has_record = false;
  const zip_int64_t count = std::min(zip_get_num_entries(archive, 0), kMaxZipEntriesScanned);
  for (zip_int64_t index = 0; index < count; ++index) {
    const char* name = zip_get_name(archive, static_cast<zip_uint64_t>(index), 0);
    if (name == nullptr) continue;
    const std::string_view entry = name;
    if (entry == "[Content_Types].xml") {  // an Office document (XLSX), not advisories
      has_record = false;
      break;
    }
    has_record |= IsRecordName(entry);
  }
  zip_discard(archive);
  return has_record ? AdvisoryFormat::kOsvZip : AdvisoryFormat::kUnknown;
}

AdvisoryFormat DetectJson(std::string_view bytes) {
  simdjson::dom::parser parser = detail::MakeParser(kMaxJsonBytes);
  simdjson::dom::element root;
  if (parser.parse(bytes.data(), bytes.size()).get(root) != simdjson::SUCCESS) {
    return AdvisoryFormat::kUnknown;
  }
  simdjson::dom::object object;
  if (root.get_object().get(object) != simdjson::SUCCESS) return AdvisoryFormat::kUnknown;
  simdjson::dom::object cve;
  if (object["cve"].get_object().get(cve) == simdjson::SUCCESS) return AdvisoryFormat::kNvdFeed;
  simdjson::dom::array vulnerabilities;
  if (object["vulnerabilities"].get_array().get(vulnerabilities) == simdjson::SUCCESS) {
    if (detail::FindMember(object, "catalogVersion")) return AdvisoryFormat::kKevCatalogue;
    std::string_view format;
    if (object["format"].get_string().get(format) == simdjson::SUCCESS && format == "NVD_CVE") {
      return AdvisoryFormat::kNvdFeed;
    }
    for (simdjson::dom::element item : vulnerabilities) {
      if (item["cve"].get_object().get(cve) == simdjson::SUCCESS) return AdvisoryFormat::kNvdFeed;
      if (item["cveID"].error() == simdjson::SUCCESS) return AdvisoryFormat::kKevCatalogue;
      break;
    }
    return AdvisoryFormat::kUnknown;
  }
  std::string_view id;
  if (object["id"].get_string().get(id) == simdjson::SUCCESS &&
      (detail::FindMember(object, "modified") || detail::FindMember(object, "affected") ||
       detail::FindMember(object, "schema_version"))) {
    return AdvisoryFormat::kOsvRecord;
  }
  return AdvisoryFormat::kUnknown;
}

bool HasTopLevelIdLine(std::string_view text) {
  while (!text.empty()) {
    const std::size_t newline = text.find('\n');
    const std::string_view line = text.substr(0, newline);
    if (line.starts_with("id:")) return true;
    if (newline == std::string_view::npos) break;
    text.remove_prefix(newline + 1);
  }
  return false;
}

AdvisoryFormat DetectYaml(std::string_view text) {
  if (text.size() > kMaxYamlBytes || !HasTopLevelIdLine(text)) return AdvisoryFormat::kUnknown;
  try {
    const YAML::Node document = YAML::Load(std::string(text));
    if (!document.IsMap() || !document["id"] || !document["id"].IsScalar()) {
      return AdvisoryFormat::kUnknown;
    }
    if (document["modified"] || document["affected"] || document["schema_version"]) {
      return AdvisoryFormat::kOsvYaml;
    }
  } catch (const std::exception&) {
    // Not YAML: fall through.
  }
  return AdvisoryFormat::kUnknown;
}

}  // namespace

AdvisoryFormat DetectAdvisoryFormat(std::string_view bytes) {
  if (bytes.starts_with("PK\x03\x04") || bytes.starts_with(std::string_view("PK\x05\x06", 4))) {
    return DetectZip(bytes);
  }
  if (detail::IsGzip(bytes)) {
    Result<std::string> head = detail::Gunzip(bytes, kMaxJsonBytes, kSniffBytes);
    if (head && IsEpssText(*head)) return AdvisoryFormat::kEpssCsv;
    return AdvisoryFormat::kUnknown;
  }
  if (IsEpssText(bytes)) return AdvisoryFormat::kEpssCsv;
  const std::string_view text = detail::SkipBomAndSpace(bytes);
  if (text.starts_with("{")) return DetectJson(text);
  return DetectYaml(text);
}

std::string_view AdvisoryFormatName(AdvisoryFormat format) {
  switch (format) {
    case AdvisoryFormat::kOsvRecord:
      return "osvRecord";
    case AdvisoryFormat::kOsvYaml:
      return "osvYaml";
    case AdvisoryFormat::kOsvZip:
      return "osvZip";
    case AdvisoryFormat::kNvdFeed:
      return "nvdFeed";
    case AdvisoryFormat::kKevCatalogue:
      return "kevCatalogue";
    case AdvisoryFormat::kEpssCsv:
      return "epssCsv";
    case AdvisoryFormat::kUnknown:
      break;
  }
  return "unknown";
}

}  // namespace sg::advisory
