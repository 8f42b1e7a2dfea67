#include "cli/engine_commands.hpp"

#include <fmt/format.h>

#include <istream>
#include <ostream>
#include <sstream>
#include <string_view>
#include <vector>

#include "version/version.hpp"

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

}  // namespace

EngineCommands::EngineCommands(CLI::App& app) {
  vercmp_ = app.add_subcommand(
      "vercmp", "Compare versions: reads lines \"A B\" from stdin, prints <, = or > per line");
  vercmp_->add_option("--ecosystem", vercmp_ecosystem_, "OSV ecosystem, e.g. npm, PyPI, Debian")
      ->required();
}

std::optional<int> EngineCommands::RunChosen(std::istream& in, std::ostream& out,
                                             std::ostream& err) {
  if (*vercmp_) return RunVercmp(vercmp_ecosystem_, in, out, err);
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
  std::string line;
  std::ostringstream answers;
  while (std::getline(in, line)) {
    const std::vector<std::string_view> words = Words(line);
    if (words.size() != 2) {
      answers << fmt::format("error: expected two versions separated by white space, got {}\n",
                             words.size());
      continue;
    }
    const Result<int> compared = version::Compare(*ecosystem, words[0], words[1]);
    if (!compared) {
      answers << "error: " << compared.error().message << '\n';
    } else {
      answers << (*compared < 0 ? "<" : *compared > 0 ? ">" : "=") << '\n';
    }
    // Flushed in blocks, so a large input is not held whole.
    if (answers.tellp() > (1 << 16)) {
      out << answers.str();
      answers.str({});
    }
  }
  out << answers.str();
  out.flush();
  return 0;
}

}  // namespace sg::cli
