#pragma once

#include <string_view>

/// Recognising an advisory file by its content, whatever its name says.
namespace sg::advisory {

/// The advisory formats this module reads.
enum class AdvisoryFormat {
  kUnknown,
  kOsvRecord,     // one OSV record, JSON
  kOsvYaml,       // one OSV record, YAML
  kOsvZip,        // a ZIP of OSV records (osv.dev's all.zip)
  kNvdFeed,       // NVD CVE API 2.0 response, or one {"cve": …} item
  kKevCatalogue,  // CISA KEV catalogue
  kEpssCsv,       // EPSS daily scores, plain or gzipped
};

/// The format of `bytes`, judged from content only (JSON keys, magic numbers, the EPSS header).
/// Reads at most what it needs; never fails — kUnknown when nothing fits.
AdvisoryFormat DetectAdvisoryFormat(std::string_view bytes);

/// A stable name for `format` ("osvRecord", "nvdFeed", …).
std::string_view AdvisoryFormatName(AdvisoryFormat format);

}  // namespace sg::advisory
