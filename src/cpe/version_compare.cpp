#include <algorithm>
#include <array>
#include <optional>
#include <string>

#include "cpe/cpe.hpp"

namespace sg::cpe {
namespace {

// The order of a run of a version string against runs at the same position in another (see
// CompareVersions in cpe.hpp). A missing run is kZero.
enum class RunClass { kPreRelease, kZero, kWord, kNumber };

struct Run {
  RunClass run_class = RunClass::kZero;
  int pre_release_rank = 0;  // kPreRelease
  std::string text;          // kWord: lower-case letters; kNumber: digits without leading zeros
};

struct PreReleaseWord {
  std::string_view word;
  int rank;
};

constexpr std::array kPreReleaseWords = {
    PreReleaseWord{"dev", 0},       PreReleaseWord{"alpha", 1},   PreReleaseWord{"beta", 2},
    PreReleaseWord{"milestone", 3}, PreReleaseWord{"rc", 4},      PreReleaseWord{"cr", 4},
    PreReleaseWord{"pre", 4},       PreReleaseWord{"preview", 4}, PreReleaseWord{"snapshot", 5},
};

constexpr std::array<std::string_view, 3> kReleaseWords = {"final", "ga", "release"};

bool IsDigit(char character) { return character >= '0' && character <= '9'; }

bool IsLetter(char character) {
  return (character >= 'a' && character <= 'z') || (character >= 'A' && character <= 'Z');
}

char AsciiLower(char character) {
  return character >= 'A' && character <= 'Z' ? static_cast<char>(character - 'A' + 'a')
                                              : character;
}

Run ClassifyWord(std::string word) {
  Run run;
  for (const PreReleaseWord& pre_release : kPreReleaseWords) {
    if (word == pre_release.word) {
      run.run_class = RunClass::kPreRelease;
      run.pre_release_rank = pre_release.rank;
      return run;
    }
  }
  if (std::ranges::find(kReleaseWords, word) != kReleaseWords.end()) return run;  // kZero
  run.run_class = RunClass::kWord;
  run.text = std::move(word);
  return run;
}

// The next run of `version` from `position`, skipping separators; absent at the end.
std::optional<Run> NextRun(std::string_view version, std::size_t& position) {
  while (position < version.size() && !IsDigit(version[position]) && !IsLetter(version[position])) {
    ++position;
  }
  if (position == version.size()) return std::nullopt;
  const std::size_t start = position;
  if (IsDigit(version[position])) {
    while (position < version.size() && IsDigit(version[position])) ++position;
    std::string_view digits = version.substr(start, position - start);
    while (digits.size() > 1 && digits.front() == '0') digits.remove_prefix(1);
    Run run;
    if (digits != "0") {
      run.run_class = RunClass::kNumber;
      run.text = std::string(digits);
    }
    return run;
  }
  std::string word;
  while (position < version.size() && IsLetter(version[position])) {
    word += AsciiLower(version[position++]);
  }
  return ClassifyWord(std::move(word));
}

int Sign(int value) { return (value > 0) - (value < 0); }

int CompareRuns(const Run& a, const Run& b) {
  if (a.run_class != b.run_class) return a.run_class < b.run_class ? -1 : 1;
  switch (a.run_class) {
    case RunClass::kPreRelease:
      return Sign(a.pre_release_rank - b.pre_release_rank);
    case RunClass::kZero:
      return 0;
    case RunClass::kWord:
      return Sign(a.text.compare(b.text));
    case RunClass::kNumber:
      if (a.text.size() != b.text.size()) return a.text.size() < b.text.size() ? -1 : 1;
      return Sign(a.text.compare(b.text));
  }
  return 0;
}

// A leading "v" before a digit ("v1.2.3") is not part of the version.
std::string_view WithoutVPrefix(std::string_view version) {
  if (version.size() >= 2 && (version[0] == 'v' || version[0] == 'V') && IsDigit(version[1])) {
    version.remove_prefix(1);
  }
  return version;
}

}  // namespace

int CompareVersions(std::string_view a, std::string_view b) {
  a = WithoutVPrefix(a);
  b = WithoutVPrefix(b);
  std::size_t position_a = 0;
  std::size_t position_b = 0;
  while (true) {
    const std::optional<Run> run_a = NextRun(a, position_a);
    const std::optional<Run> run_b = NextRun(b, position_b);
    if (!run_a && !run_b) return 0;
    const int order = CompareRuns(run_a.value_or(Run{}), run_b.value_or(Run{}));
    if (order != 0) return order;
  }
}

}  // namespace sg::cpe
