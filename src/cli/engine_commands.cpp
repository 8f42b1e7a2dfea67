#include "cli/engine_commands.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <istream>
#include <ostream>
#include <sstream>
#include <string_view>
#include <vector>

#include "advisory/source.hpp"
#include "sbom/reader.hpp"
#include "version/vers.hpp"
#include "version/version.hpp"
#include "vuln/scan.hpp"

namespace sg::cli {
namespace {

constexpr int kExitInvalid = 2;

std::string KnownEcosystems() {
  std::string names;
  for (int index = 0; index <= static_cast<int>(version::Ecosystem::kSemVer); ++index) {
    if (!names.empty()) names += ", ";
    names += version::Name(static_cast<version::Ecosystem>(index));
  }
  return names;
}

/// The line's whitespace-separated words.
std::vector<std::string_view> Words(std::string_view line) {
  std::vector<std::string_view> words;
  std::size_t position = 0;
  while (position < line.size()) {
    const std::size_t start = line.find_first_not_of(" \t\r\v\f", position);
    if (start == std::string_view::npos) break;
    std::size_t end = line.find_first_of(" \t\r\v\f", start);
    if (end == std::string_view::npos) end = line.size();
    words.push_back(line.substr(start, end - start));
    position = end;
  }
  return words;
}

/// Reads a whole file of at most `limit` bytes.
Result<std::string> ReadFileBounded(const std::string& path, std::uintmax_t limit,
                                    std::string_view what) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    return Fail(Error::BadRequest(fmt::format("{} '{}' is not a readable file", what, path)));
  }
  const std::uintmax_t size = std::filesystem::file_size(path, error);
  if (error) return Fail(Error::BadRequest(fmt::format("cannot read {} '{}'", what, path)));
  if (size > limit) {
    return Fail(
        Error::BadRequest(fmt::format("{} '{}' is {} bytes, more than the limit of {} bytes", what,
                                      path, size, limit),
                          "sbomTooLarge"));
  }
  std::ifstream file(path, std::ios::binary);
  std::string bytes(static_cast<std::size_t>(size), '\0');
  if (!file.read(bytes.data(), static_cast<std::streamsize>(size))) {
    return Fail(Error::BadRequest(fmt::format("cannot read {} '{}'", what, path)));
  }
  return bytes;
}

/// The OSV records at `path`: a directory (recursive) or a zip archive.
Result<std::unique_ptr<advisory::RecordSource>> OpenAdvisories(const std::string& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) return advisory::OpenOsvDirectory(path);
  if (!std::filesystem::is_regular_file(path, error)) {
    return Fail(Error::BadRequest(
        fmt::format("advisories '{}' is neither a directory nor a readable file", path)));
  }
  return advisory::OpenOsvZip(path);
}

std::string FixedList(const std::vector<std::string>& fixed) {
  std::string joined;
  for (const std::string& version : fixed) {
    if (!joined.empty()) joined += ", ";
    joined += version;
  }
  return joined;
}

/// The report as API.md gives it. Scores are printed with one decimal, as CVSS defines them.
void PrintJson(const sbom::Document& document, const vuln::AdvisoryIndex& index,
               const vuln::ScanReport& report, std::ostream& out) {
  out << "{\"components\": " << report.components << ", \"findings\": [";
  bool first = true;
  for (const vuln::ScanFinding& finding : report.findings) {
    const vuln::AdvisoryInfo& info = index.Info(finding.record);
    boost::json::array aliases(info.aliases.begin(), info.aliases.end());
    boost::json::array fixed(finding.fixed.begin(), finding.fixed.end());
    out << (first ? "\n  " : ",\n  ") << "{\"purl\": "
        << boost::json::serialize(boost::json::string(document.components[finding.component].purl))
        << ", \"id\": " << boost::json::serialize(boost::json::string(info.id))
        << ", \"aliases\": " << boost::json::serialize(aliases) << ", \"severity\": ";
    if (finding.severity) {
      out << fmt::format("{{\"cvss_v3\": {:.1f}, \"vector\": {}}}", finding.severity->cvss_v3,
                         boost::json::serialize(boost::json::string(finding.severity->vector)));
    } else {
      out << "null";
    }
    out << ", \"fixed\": " << boost::json::serialize(fixed) << "}";
    first = false;
  }
  out << (first ? "]}\n" : "\n]}\n");
}

void PrintTable(const sbom::Document& document, const vuln::AdvisoryIndex& index,
                const vuln::ScanReport& report, std::ostream& out) {
  out << fmt::format("{:<60} {:<22} {:>5}  {}\n", "PURL", "ADVISORY", "CVSS", "FIXED IN");
  for (const vuln::ScanFinding& finding : report.findings) {
    out << fmt::format("{:<60} {:<22} {:>5}  {}\n", document.components[finding.component].purl,
                       index.Info(finding.record).id,
                       finding.severity ? fmt::format("{:.1f}", finding.severity->cvss_v3) : "-",
                       finding.fixed.empty() ? "-" : FixedList(finding.fixed));
  }
  out << fmt::format("{} components, {} findings, {} components not matched\n", report.components,
                     report.findings.size(), report.notes.size());
}

/// Writes one answer line per input line (`answer` writes it, without the line break), flushed
/// in blocks so that a large input is not held whole.
template <typename Answer>
void AnswerEachLine(std::istream& in, std::ostream& out, Answer&& answer) {
  std::string line;
  std::ostringstream answers;
  while (std::getline(in, line)) {
    answer(std::string_view(line), static_cast<std::ostream&>(answers));
    answers << '\n';
    if (answers.tellp() > (1 << 16)) {
      out << answers.str();
      answers.str({});
    }
  }
  out << answers.str();
  out.flush();
}

}  // namespace

EngineCommands::EngineCommands(CLI::App& app) {
  vercmp_ = app.add_subcommand(
      "vercmp", "Compare versions: reads lines \"A B\" from stdin, prints <, = or > per line");
  vercmp_->add_option("--ecosystem", vercmp_ecosystem_, "OSV ecosystem, e.g. npm, PyPI, Debian")
      ->required();

  CLI::App* vers = app.add_subcommand("vers", "Work with Package-URL vers version ranges");
  vers->require_subcommand(1);
  vers_check_ = vers->add_subcommand(
      "check", "Reads versions from stdin, one per line, prints true or false per line");
  vers_check_
      ->add_option("range", vers_range_, "A vers in canonical form, e.g. vers:npm/>=1.0.0|<2.0.0")
      ->required();

  CLI::App* sbom = app.add_subcommand("sbom", "Work with SBOMs");
  sbom->require_subcommand(1);
  sbom_scan_ = sbom->add_subcommand(
      "scan", "Match an SBOM against OSV advisories offline (no database needed)");
  sbom_scan_->add_option("--sbom", sbom_file_, "CycloneDX (JSON/XML) or SPDX (JSON/tag-value)")
      ->required();
  sbom_scan_
      ->add_option("--advisories", advisories_path_,
                   "A directory searched recursively for OSV .json/.yaml records, or an OSV zip")
      ->required();
  sbom_scan_->add_option("--format", format_, "json (default) or table")
      ->check(CLI::IsMember({"json", "table"}));
  sbom_scan_->add_flag("--lenient", lenient_,
                       "Accept an SBOM that breaks its schema (as warnings) if it can be read");
}

std::optional<int> EngineCommands::RunChosen(std::istream& in, std::ostream& out,
                                             std::ostream& err) {
  if (*vercmp_) return RunVercmp(vercmp_ecosystem_, in, out, err);
  if (*vers_check_) return RunVersCheck(vers_range_, in, out, err);
  if (*sbom_scan_) {
    return RunSbomScan({sbom_file_, advisories_path_, format_, lenient_}, out, err);
  }
  return std::nullopt;
}

int RunVercmp(const std::string& ecosystem_name, std::istream& in, std::ostream& out,
              std::ostream& err) {
  const std::optional<version::Ecosystem> ecosystem = version::FindEcosystem(ecosystem_name);
  if (!ecosystem) {
    err << fmt::format("error: unknown ecosystem '{}'; known: {}\n", ecosystem_name,
                       KnownEcosystems());
    return kExitInvalid;
  }
  AnswerEachLine(in, out, [&](std::string_view line, std::ostream& answer) {
    const std::vector<std::string_view> words = Words(line);
    if (words.size() != 2) {
      answer << fmt::format("error: expected two versions separated by white space, got {}",
                            words.size());
      return;
    }
    const Result<int> compared = version::Compare(*ecosystem, words[0], words[1]);
    if (!compared) {
      answer << "error: " << compared.error().message;
    } else {
      answer << (*compared < 0 ? "<" : *compared > 0 ? ">" : "=");
    }
  });
  return 0;
}

int RunVersCheck(const std::string& range_text, std::istream& in, std::ostream& out,
                 std::ostream& err) {
  const Result<version::VersRange> range = version::ParseVers(range_text);
  if (!range) {
    err << "error: " << range.error().message << '\n';
    return kExitInvalid;
  }
  AnswerEachLine(in, out, [&](std::string_view line, std::ostream& answer) {
    const std::vector<std::string_view> words = Words(line);
    if (words.size() != 1) {
      answer << fmt::format("error: expected one version, got {} words", words.size());
      return;
    }
    const Result<bool> contained = version::Contains(*range, words.front());
    if (!contained) {
      answer << "error: " << contained.error().message;
    } else {
      answer << (*contained ? "true" : "false");
    }
  });
  return 0;
}

}  // namespace sg::cli

namespace sg::cli {

int RunSbomScan(const ScanOptions& options, std::ostream& out, std::ostream& err) {
  const auto fail = [&](const Error& error) {
    err << "error: " << error.message << "\n";
    for (const auto& [field, codes] : error.fields) {
      for (const std::string& code : codes) err << "  " << field << ": " << code << "\n";
    }
    return kExitInvalid;
  };
  sbom::ReadOptions read_options;
  read_options.conformance =
      options.lenient ? sbom::Conformance::kLenient : sbom::Conformance::kStrict;
  auto bytes = ReadFileBounded(options.sbom_file, read_options.max_bytes, "SBOM");
  if (!bytes) return fail(bytes.error());
  auto document = sbom::ReadSbom(*bytes, read_options);
  if (!document) return fail(document.error());
  for (const sbom::Warning& warning : document->warnings) {
    err << "warning: " << warning.message << "\n";
  }

  auto source = OpenAdvisories(options.advisories_path);
  if (!source) return fail(source.error());
  vuln::AdvisoryIndex index;
  std::vector<vuln::IndexProblem> problems;
  std::size_t refused = 0;
  while (true) {
    auto item = (*source)->Next();
    if (!item) return fail(item.error());
    if (!*item) break;
    if (!(*item)->record) {
      ++refused;
      err << "warning: advisory " << (*item)->origin
          << " skipped: " << (*item)->record.error().message << "\n";
      continue;
    }
    index.Add(*(*item)->record, &problems);
  }
  for (const vuln::IndexProblem& problem : problems) {
    err << "warning: " << problem.message << "\n";
  }

  const vuln::ScanReport report = vuln::Scan(*document, index);
  for (const vuln::ComponentNote& note : report.notes) {
    err << "note: component " << note.component + 1 << ": " << note.message << "\n";
  }
  if (options.format == "table") {
    PrintTable(*document, index, report, out);
  } else {
    PrintJson(*document, index, report, out);
  }
  out.flush();
  err << fmt::format("scanned {} components against {} advisory records ({} files refused)\n",
                     report.components, index.record_count(), refused);
  return 0;
}

}  // namespace sg::cli
