#pragma once

#include <CLI/CLI.hpp>
#include <iosfwd>
#include <optional>
#include <string>

namespace sg::cli {

/// The vulnerability engine's commands that need no database: `vercmp` (version ordering per
/// ecosystem), `vers check` (membership in a vers range) and `sbom scan` (an offline scan of one
/// SBOM against OSV records).
class EngineCommands {
 public:
  /// Registers the commands on `app`.
  explicit EngineCommands(CLI::App& app);

  /// After parsing: runs the command chosen, if it is one of these, and gives its exit code.
  std::optional<int> RunChosen(std::istream& in, std::ostream& out, std::ostream& err);

 private:
  CLI::App* vercmp_ = nullptr;
  std::string vercmp_ecosystem_;
  CLI::App* vers_check_ = nullptr;
  std::string vers_range_;
  CLI::App* sbom_scan_ = nullptr;
  std::string sbom_file_;
  std::string advisories_path_;
  std::string format_ = "json";
  bool lenient_ = false;
};

/// `supplyguard vercmp --ecosystem ECO`: for each line "A B" of `in`, one line of `out`: "<", "="
/// or ">", or "error: …" when the line is not two versions valid in the ecosystem. Exit code 0
/// once every line is answered; 2 when the ecosystem is unknown.
int RunVercmp(const std::string& ecosystem, std::istream& in, std::ostream& out, std::ostream& err);

/// `supplyguard vers check RANGE`: for each line of `in` (a version; surrounding white space is
/// ignored), one line of `out`: "true" or "false" as the vers range contains it, or "error: …"
/// when it is not a valid version in the range's scheme. The range must be in canonical form;
/// exit code 0 once every line is answered, 2 (with the reason on `err`) when it is not.
int RunVersCheck(const std::string& range, std::istream& in, std::ostream& out, std::ostream& err);

/// What `supplyguard sbom scan` reads and how it answers.
struct ScanOptions {
  std::string sbom_file;
  std::string advisories_path;  // a directory of OSV records (recursive) or an OSV zip archive
  std::string format = "json";  // "json" (API.md) or "table"
  bool lenient = false;         // schema violations in the SBOM are warnings, not errors
};

/// `supplyguard sbom scan`: matches one SBOM against OSV records offline. Prints the report on
/// `out` and warnings (records refused, components that cannot be matched) on `err`. Exit code
/// 0 whether or not anything was found; 2 with a message for unreadable or invalid input.
int RunSbomScan(const ScanOptions& options, std::ostream& out, std::ostream& err);

}  // namespace sg::cli
