// The osv-scalibr comparison vectors (version-vectors/osv-scalibr-semantic/semantic/testdata),
// "a <op> b" per line, each checked both ways. osv-scalibr's own parsers are lenient; where an
// ecosystem's real tool refuses a version the vectors use, the case is listed in kExceptions with
// the reason, and must keep failing: an exception that starts to pass fails the test, as does any
// unlisted case that fails.
#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "version/lang/lang.hpp"
#include "version/lang/test_data.hpp"

namespace sg::version::lang {
namespace {

namespace fs = std::filesystem;

using Comparator = Result<int> (*)(std::string_view, std::string_view);
using Transform = std::function<std::string(const std::string&)>;

struct PairCase {
  int line = 0;
  std::string a;
  std::string op;
  std::string b;
};

std::vector<PairCase> LoadPairs(std::string_view file_name) {
  const fs::path path = testing::SbomDataDir() / "version-vectors" / "osv-scalibr-semantic" /
                        "semantic" / "testdata" / std::string(file_name);
  std::istringstream lines(testing::ReadFile(path));
  std::vector<PairCase> cases;
  std::string text;
  int line = 0;
  while (std::getline(lines, text)) {
    ++line;
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (text.empty() || text.starts_with("# ") || text.starts_with("// ")) continue;
    std::istringstream fields(text);
    PairCase pair;
    pair.line = line;
    std::string extra;
    if (!(fields >> pair.a >> pair.op >> pair.b) || (fields >> extra) ||
        (pair.op != "<" && pair.op != "=" && pair.op != ">")) {
      throw std::runtime_error(path.string() + ":" + std::to_string(line) + ": unreadable line");
    }
    cases.push_back(std::move(pair));
  }
  if (cases.empty()) throw std::runtime_error("no cases in " + path.string());
  return cases;
}

struct Exception {
  std::string_view run;
  std::string_view file;
  int line;
  std::string_view reason;
};

constexpr std::string_view kSemVerV = "SemVer 2.0.0 has no 'v' prefix";
constexpr std::string_view kSemVerParts = "SemVer 2.0.0 needs exactly major.minor.patch";
constexpr std::string_view kCargoV = "Cargo's semver crate refuses a 'v' prefix";
constexpr std::string_view kCargoParts = "Cargo's semver crate needs exactly major.minor.patch";
constexpr std::string_view kCargoU64 = "Cargo's semver crate keeps major/minor/patch in u64";
constexpr std::string_view kGoParts = "golang.org/x/mod/semver refuses more than three parts";
constexpr std::string_view kPubV = "pub_semver's Version.parse refuses a 'v' prefix";
constexpr std::string_view kPubParts = "pub_semver's Version.parse needs exactly major.minor.patch";
constexpr std::string_view kPubInt64 = "pub_semver parses major/minor/patch as 64-bit Dart ints";
constexpr std::string_view kNuGetInt32 =
    "NuGet keeps version parts in a 32-bit int (larger ones wrap silently); refused here";
constexpr std::string_view kGemLetter =
    "Gem::Version refuses it: a letter segment needs a '.' before it (VERSION_PATTERN)";

// osv-scalibr's parsers accept these; the ecosystems' own tools do not.
// clang-format off
constexpr Exception kExceptions[] = {
    {"SemVer", "semver-versions.txt", 18, kSemVerV},
    {"SemVer", "semver-versions.txt", 19, kSemVerV},
    {"SemVer", "semver-versions.txt", 20, kSemVerV},
    {"SemVer", "semver-versions.txt", 21, kSemVerV},
    {"SemVer", "semver-versions.txt", 22, kSemVerV},
    {"SemVer", "semver-versions.txt", 23, kSemVerV},
    {"SemVer", "semver-versions.txt", 24, kSemVerV},
    {"SemVer", "semver-versions.txt", 25, kSemVerV},
    {"SemVer", "semver-versions.txt", 26, kSemVerV},
    {"SemVer", "semver-versions.txt", 27, kSemVerV},
    {"SemVer", "semver-versions.txt", 28, kSemVerV},
    {"SemVer", "semver-versions.txt", 29, kSemVerV},
    {"SemVer", "semver-versions.txt", 50, kSemVerV},
    {"SemVer", "semver-versions.txt", 51, kSemVerV},
    {"SemVer", "semver-versions.txt", 52, kSemVerV},
    {"SemVer", "semver-versions.txt", 53, kSemVerV},
    {"SemVer", "semver-versions.txt", 54, kSemVerV},
    {"SemVer", "semver-versions.txt", 55, kSemVerV},
    {"SemVer", "semver-versions.txt", 56, kSemVerV},
    {"SemVer", "semver-versions.txt", 57, kSemVerV},
    {"SemVer", "semver-versions.txt", 58, kSemVerV},
    {"SemVer", "semver-versions.txt", 59, kSemVerV},
    {"SemVer", "semver-versions.txt", 60, kSemVerV},
    {"SemVer", "semver-versions.txt", 61, kSemVerV},
    {"SemVer", "semver-versions.txt", 76, kSemVerV},
    {"SemVer", "semver-versions.txt", 78, kSemVerV},
    {"SemVer", "semver-versions.txt", 80, kSemVerV},
    {"SemVer", "semver-versions.txt", 82, kSemVerV},
    {"SemVer", "semver-versions.txt", 86, kSemVerV},
    {"SemVer", "semver-versions.txt", 87, kSemVerParts},
    {"SemVer", "semver-versions.txt", 92, kSemVerParts},
    {"Go", "semver-versions.txt", 92, kGoParts},
    {"Go with v", "semver-versions.txt", 92, kGoParts},
    {"Go without v", "semver-versions.txt", 92, kGoParts},
    {"crates.io", "semver-versions.txt", 18, kCargoV},
    {"crates.io", "semver-versions.txt", 19, kCargoV},
    {"crates.io", "semver-versions.txt", 20, kCargoV},
    {"crates.io", "semver-versions.txt", 21, kCargoV},
    {"crates.io", "semver-versions.txt", 22, kCargoV},
    {"crates.io", "semver-versions.txt", 23, kCargoV},
    {"crates.io", "semver-versions.txt", 24, kCargoV},
    {"crates.io", "semver-versions.txt", 25, kCargoV},
    {"crates.io", "semver-versions.txt", 26, kCargoV},
    {"crates.io", "semver-versions.txt", 27, kCargoV},
    {"crates.io", "semver-versions.txt", 28, kCargoV},
    {"crates.io", "semver-versions.txt", 29, kCargoV},
    {"crates.io", "semver-versions.txt", 50, kCargoV},
    {"crates.io", "semver-versions.txt", 51, kCargoV},
    {"crates.io", "semver-versions.txt", 52, kCargoV},
    {"crates.io", "semver-versions.txt", 53, kCargoV},
    {"crates.io", "semver-versions.txt", 54, kCargoV},
    {"crates.io", "semver-versions.txt", 55, kCargoV},
    {"crates.io", "semver-versions.txt", 56, kCargoV},
    {"crates.io", "semver-versions.txt", 57, kCargoV},
    {"crates.io", "semver-versions.txt", 58, kCargoV},
    {"crates.io", "semver-versions.txt", 59, kCargoV},
    {"crates.io", "semver-versions.txt", 60, kCargoV},
    {"crates.io", "semver-versions.txt", 61, kCargoV},
    {"crates.io", "semver-versions.txt", 76, kCargoV},
    {"crates.io", "semver-versions.txt", 78, kCargoV},
    {"crates.io", "semver-versions.txt", 80, kCargoV},
    {"crates.io", "semver-versions.txt", 82, kCargoV},
    {"crates.io", "semver-versions.txt", 86, kCargoV},
    {"crates.io", "semver-versions.txt", 87, kCargoParts},
    {"crates.io", "semver-versions.txt", 88, kCargoU64},
    {"crates.io", "semver-versions.txt", 92, kCargoParts},
    {"NuGet", "nuget-versions.txt", 39, kNuGetInt32},
    {"NuGet", "nuget-versions.txt", 40, kNuGetInt32},
    {"Pub", "pub-versions.txt", 38, kPubV},
    {"Pub", "pub-versions.txt", 39, kPubV},
    {"Pub", "pub-versions.txt", 40, kPubV},
    {"Pub", "pub-versions.txt", 41, kPubV},
    {"Pub", "pub-versions.txt", 42, kPubV},
    {"Pub", "pub-versions.txt", 43, kPubV},
    {"Pub", "pub-versions.txt", 44, kPubV},
    {"Pub", "pub-versions.txt", 45, kPubV},
    {"Pub", "pub-versions.txt", 46, kPubV},
    {"Pub", "pub-versions.txt", 47, kPubV},
    {"Pub", "pub-versions.txt", 48, kPubV},
    {"Pub", "pub-versions.txt", 49, kPubV},
    {"Pub", "pub-versions.txt", 70, kPubV},
    {"Pub", "pub-versions.txt", 71, kPubV},
    {"Pub", "pub-versions.txt", 72, kPubV},
    {"Pub", "pub-versions.txt", 73, kPubV},
    {"Pub", "pub-versions.txt", 74, kPubV},
    {"Pub", "pub-versions.txt", 75, kPubV},
    {"Pub", "pub-versions.txt", 76, kPubV},
    {"Pub", "pub-versions.txt", 77, kPubV},
    {"Pub", "pub-versions.txt", 78, kPubV},
    {"Pub", "pub-versions.txt", 79, kPubV},
    {"Pub", "pub-versions.txt", 80, kPubV},
    {"Pub", "pub-versions.txt", 81, kPubV},
    {"Pub", "pub-versions.txt", 96, kPubV},
    {"Pub", "pub-versions.txt", 98, kPubV},
    {"Pub", "pub-versions.txt", 100, kPubV},
    {"Pub", "pub-versions.txt", 102, kPubV},
    {"Pub", "pub-versions.txt", 106, kPubV},
    {"Pub", "pub-versions.txt", 107, kPubParts},
    {"Pub", "pub-versions.txt", 108, kPubInt64},
    {"Pub", "pub-versions.txt", 112, kPubParts},
    {"RubyGems", "rubygems-versions.txt", 3, kGemLetter},
    {"RubyGems", "rubygems-versions.txt", 27, kGemLetter},
};
// clang-format on

const Exception* FindException(std::string_view run, std::string_view file, int line) {
  for (const Exception& exception : kExceptions) {
    if (exception.run == run && exception.file == file && exception.line == line) {
      return &exception;
    }
  }
  return nullptr;
}

int Expected(std::string_view op) { return op == "<" ? -1 : (op == "=" ? 0 : 1); }

// Empty when `compare` orders the pair as the vector says, both ways; else what went wrong.
std::string Check(Comparator compare, const std::string& a, const std::string& op,
                  const std::string& b) {
  const Result<int> forward = compare(a, b);
  if (!forward) return "error: " + forward.error().message;
  const Result<int> backward = compare(b, a);
  if (!backward) return "error: " + backward.error().message;
  const int expected = Expected(op);
  if (*forward != expected) return "compare(a, b) gave " + std::to_string(*forward);
  if (*backward != -expected) return "compare(b, a) gave " + std::to_string(*backward);
  return {};
}

void RunVectors(std::string_view run, std::string_view file, Comparator compare,
                const Transform& transform = nullptr) {
  const std::vector<PairCase> cases = LoadPairs(file);
  int passed = 0;
  int expected_failures = 0;
  std::set<int> lines;
  for (const PairCase& pair : cases) {
    lines.insert(pair.line);
    const std::string a = transform ? transform(pair.a) : pair.a;
    const std::string b = transform ? transform(pair.b) : pair.b;
    const std::string problem = Check(compare, a, pair.op, b);
    const Exception* exception = FindException(run, file, pair.line);
    const std::string where = std::string(file) + ":" + std::to_string(pair.line) + " [" +
                              std::string(run) + "] " + a + " " + pair.op + " " + b;
    if (exception == nullptr && !problem.empty()) {
      ADD_FAILURE() << where << ": " << problem;
    } else if (exception != nullptr && problem.empty()) {
      ADD_FAILURE() << where << ": listed as an exception (" << exception->reason
                    << ") but passes; remove it from kExceptions";
    } else if (exception != nullptr) {
      ++expected_failures;
    } else {
      ++passed;
    }
  }
  for (const Exception& exception : kExceptions) {
    if (exception.run == run && exception.file == file && !lines.contains(exception.line)) {
      ADD_FAILURE() << "kExceptions names " << file << ":" << exception.line << " [" << run
                    << "], which holds no case";
    }
  }
  std::printf("[vectors] %s [%s]: %zu cases, %d passed, %d listed exceptions\n",
              std::string(file).c_str(), std::string(run).c_str(), cases.size(), passed,
              expected_failures);
}

std::string WithV(const std::string& version) {
  return version.starts_with('v') ? version : "v" + version;
}
std::string WithoutV(const std::string& version) {
  return version.starts_with('v') ? version.substr(1) : version;
}

TEST(LangVectors, SemVerOrdersTheSemverVectors) {
  RunVectors("SemVer", "semver-versions.txt", &CompareSemVer);
}

TEST(LangVectors, GoOrdersTheSemverVectorsAsWritten) {
  RunVectors("Go", "semver-versions.txt", &CompareGo);
}

TEST(LangVectors, GoOrdersTheSemverVectorsAllWithAVPrefix) {
  RunVectors("Go with v", "semver-versions.txt", &CompareGo, WithV);
}

TEST(LangVectors, GoOrdersTheSemverVectorsAllWithoutAVPrefix) {
  RunVectors("Go without v", "semver-versions.txt", &CompareGo, WithoutV);
}

TEST(LangVectors, CratesIoOrdersTheSemverVectors) {
  RunVectors("crates.io", "semver-versions.txt", &CompareCratesIo);
}

TEST(LangVectors, BitnamiOrdersTheSemverVectorsAsOsvScalibrDoes) {
  RunVectors("Bitnami", "semver-versions.txt", &CompareBitnami);
}

TEST(LangVectors, CranOrdersTheCranVectors) {
  RunVectors("CRAN", "cran-versions.txt", &CompareCran);
}

TEST(LangVectors, HackageOrdersTheHackageVectors) {
  RunVectors("Hackage", "hackage-versions.txt", &CompareHackage);
}

TEST(LangVectors, NuGetOrdersTheNuGetVectors) {
  RunVectors("NuGet", "nuget-versions.txt", &CompareNuGet);
}

TEST(LangVectors, PackagistOrdersThePackagistVectors) {
  RunVectors("Packagist", "packagist-versions.txt", &ComparePackagist);
}

TEST(LangVectors, PubOrdersThePubVectors) { RunVectors("Pub", "pub-versions.txt", &ComparePub); }

TEST(LangVectors, RubyGemsOrdersTheRubyGemsVectors) {
  RunVectors("RubyGems", "rubygems-versions.txt", &CompareRubyGems);
}

}  // namespace
}  // namespace sg::version::lang
