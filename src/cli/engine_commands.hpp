#pragma once

#include <CLI/CLI.hpp>
#include <iosfwd>
#include <optional>
#include <string>

namespace sg::cli {

/// The vulnerability engine's commands that need no database: `vercmp` (version ordering per
/// ecosystem) and `sbom scan` (an offline scan of one SBOM against OSV records).
class EngineCommands {
 public:
  /// Registers the commands on `app`.
  explicit EngineCommands(CLI::App& app);

  /// After parsing: runs the command chosen, if it is one of these, and gives its exit code.
  std::optional<int> RunChosen(std::istream& in, std::ostream& out, std::ostream& err);

 private:
  CLI::App* vercmp_ = nullptr;
  std::string vercmp_ecosystem_;
};

/// `supplyguard vercmp --ecosystem ECO`: for each line "A B" of `in`, one line of `out`: "<", "="
/// or ">", or "error: …" when the line is not two versions valid in the ecosystem. Exit code 0
/// once every line is answered; 2 when the ecosystem is unknown.
int RunVercmp(const std::string& ecosystem, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace sg::cli
