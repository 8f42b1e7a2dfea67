// SBOM ingest against a plain parse of the same bytes (issue 4, "Ingest"): for each real
// CycloneDX JSON example and a synthetic ~20,000-component one, measures in the same run
//   parse/<file>   simdjson DOM parse of the bytes (the floor: a SIMD JSON parser, nothing else)
//   ingest/<file>  what the platform does before storing and indexing an SBOM: sbom::ReadSbom
//                  (format detection, strict schema rules, the model) then, for each component,
//                  the purl parsed and mapped to its OSV package (vuln::PackagesOfDocument); the
//                  bytes lie in a buffer with 64 bytes of slack after them, as the server leaves
//                  after an upload's body, so JSON is parsed in place as on the server
// and prints a table of the medians: MB/s of each and the ratio ingest time / parse time
// (target: within 3×).
//
//   sbom_ingest_bench [--data DIR] [--synthetic-components N] [Google Benchmark flags]
//
// Without --benchmark_repetitions it runs 9 repetitions and reports aggregates only; the
// summary always uses the median of the repetitions, so a noisy, shared machine moves both
// columns of a row together.
#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "advisory/source.hpp"
#include "sbom/reader.hpp"
#include "testing/reference_data.hpp"
#include "version/version.hpp"
#include "vuln/inventory.hpp"

namespace {

namespace fs = std::filesystem;
using sg::version::Ecosystem;

/// One SBOM under test, its bytes read (and padded for simdjson) before any timing.
struct Input {
  std::string name;
  std::string bytes;
  simdjson::padded_string padded;
  std::size_t components = 0;
  std::size_t packages = 0;
};

/// The real CycloneDX JSON examples, relative to sbom-data.
const std::vector<std::pair<std::string, std::string>> kRealFiles = {
    {"proton-bridge-v1.6.3",
     "cyclonedx-bom-examples/SBOM/proton-bridge/proton-bridge-v1.6.3.bom.json"},
    {"dropwizard-1.3.15", "cyclonedx-bom-examples/SBOM/dropwizard-1.3.15/bom.json"},
    {"laravel-7.12.0-1.2", "cyclonedx-bom-examples/SBOM/laravel-7.12.0/bom.1.2.json"},
    {"laravel-7.12.0-1.3", "cyclonedx-bom-examples/SBOM/laravel-7.12.0/bom.1.3.json"},
    {"laravel-7.12.0-1.4", "cyclonedx-bom-examples/SBOM/laravel-7.12.0/bom.1.4.json"},
    {"cern-lhc-vdm-editor", "cyclonedx-bom-examples/SBOM/cern-lhc-vdm-editor-e564943/bom.json"},
};

/// "1.2.3" → "1.2.4" (with step 1): the last run of digits moved by `step`, for plausible
/// versions beside the ones advisories name; empty when there is none.
std::string Neighbour(std::string_view version, int step) {
  const std::size_t end = version.size();
  if (end == 0 || !std::isdigit(static_cast<unsigned char>(version[end - 1]))) return {};
  std::size_t begin = end;
  while (begin > 0 && std::isdigit(static_cast<unsigned char>(version[begin - 1]))) --begin;
  if (end - begin > 9) return {};
  const long number = std::stol(std::string(version.substr(begin, end - begin))) + step;
  if (number < 0) return {};
  return std::string(version.substr(0, begin)) + std::to_string(number);
}

/// Real (package, version) pairs from the Go and crates.io OSV records: every version an event
/// or a `versions` list names, and the patch versions around each.
std::vector<std::pair<std::string, std::string>> RealPurls(const fs::path& data) {
  std::set<std::pair<std::string, std::string>> purls;  // (purl type/name, version)
  const std::pair<const char*, const char*> kSets[] = {{"osv-golang-vulndb/data/osv", "golang"},
                                                       {"osv-rustsec/crates", "cargo"}};
  for (const auto& [folder, type] : kSets) {
    auto source = sg::advisory::OpenOsvDirectory(data / folder, {.keep_text = false});
    if (!source) throw std::runtime_error(source.error().message);
    auto loaded = sg::advisory::LoadAll(**source);
    if (!loaded) throw std::runtime_error(loaded.error().message);
    const bool go = std::string_view(type) == "golang";
    const Ecosystem ecosystem = go ? Ecosystem::kGo : Ecosystem::kCratesIo;
    for (const sg::advisory::Record& record : loaded->records) {
      for (const sg::advisory::Affected& affected : record.affected) {
        if (affected.package.name == "stdlib" || affected.package.name == "toolchain") continue;
        std::vector<std::string> versions = affected.versions;
        for (const auto& range : affected.ranges) {
          for (const auto& event : range.events) {
            if (event.version != "0") versions.push_back(event.version);
          }
        }
        for (const std::string& version : std::vector<std::string>(versions)) {
          for (int step : {-2, -1, 1, 2, 3}) {
            if (std::string other = Neighbour(version, step); !other.empty()) {
              versions.push_back(std::move(other));
            }
          }
        }
        for (const std::string& version : versions) {
          if (!sg::version::Validate(ecosystem, version)) continue;
          purls.emplace(fmt::format("pkg:{}/{}", type, affected.package.name),
                        go ? "v" + version : version);
        }
      }
    }
  }
  return {purls.begin(), purls.end()};
}

/// A CycloneDX 1.5 JSON SBOM of `count` components shaped like cyclonedx-gomod's output (hash,
/// licence, purl, VCS reference per component; a dependency graph), drawn from real package
/// names and versions.
std::string SyntheticCycloneDx(const std::vector<std::pair<std::string, std::string>>& purls,
                               std::size_t count, std::uint32_t seed) {
  std::mt19937_64 random(seed);
  std::vector<std::size_t> order(purls.size());
  for (std::size_t index = 0; index < order.size(); ++index) order[index] = index;
  std::shuffle(order.begin(), order.end(), random);
  count = std::min(count, order.size());
  const char* const kLicenses[] = {"MIT", "Apache-2.0", "BSD-3-Clause", "ISC", "MPL-2.0"};
  std::string out;
  out.reserve(count * 900);
  out +=
      "{\n  \"bomFormat\": \"CycloneDX\",\n  \"specVersion\": \"1.5\",\n"
      "  \"serialNumber\": \"urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79\",\n"
      "  \"version\": 1,\n  \"metadata\": {\n    \"timestamp\": \"2026-01-01T00:00:00Z\",\n"
      "    \"component\": {\"bom-ref\": \"app\", \"type\": \"application\", "
      "\"name\": \"national-portal\", \"version\": \"1.0.0\"}\n  },\n  \"components\": [\n";
  std::vector<std::string> refs;
  refs.reserve(count);
  for (std::size_t position = 0; position < count; ++position) {
    const auto& [package, version] = purls[order[position]];
    const std::string_view name = std::string_view(package).substr(package.find('/') + 1);
    const std::string purl = fmt::format("{}@{}", package, version);
    refs.push_back(purl);
    const std::uint64_t digest = random();
    fmt::format_to(std::back_inserter(out),
                   "    {{\n      \"bom-ref\": \"{0}\",\n      \"type\": \"library\",\n"
                   "      \"name\": \"{1}\",\n      \"version\": \"{2}\",\n"
                   "      \"scope\": \"required\",\n      \"hashes\": [{{\"alg\": \"SHA-256\", "
                   "\"content\": \"{3:016x}{4:016x}{5:016x}{6:016x}\"}}],\n"
                   "      \"licenses\": [{{\"license\": {{\"id\": \"{7}\"}}}}],\n"
                   "      \"purl\": \"{0}\",\n      \"externalReferences\": [{{\"url\": "
                   "\"https://{1}\", \"type\": \"vcs\"}}]\n    }}{8}\n",
                   purl, name, version, digest, digest * 3, digest * 5, digest * 7,
                   kLicenses[digest % 5], position + 1 < count ? "," : "");
  }
  out += "  ],\n  \"dependencies\": [\n    {\"ref\": \"app\", \"dependsOn\": [";
  for (std::size_t position = 0; position < std::min<std::size_t>(count, 50); ++position) {
    fmt::format_to(std::back_inserter(out), "{}\"{}\"", position > 0 ? ", " : "", refs[position]);
  }
  out += "]}";
  // Each component depends on up to three later ones: a graph as wide as a real one.
  for (std::size_t position = 0; position < count; ++position) {
    fmt::format_to(std::back_inserter(out), ",\n    {{\"ref\": \"{}\", \"dependsOn\": [",
                   refs[position]);
    const std::size_t edges = position + 1 < count ? random() % 4 : 0;
    std::set<std::size_t> targets;
    for (std::size_t edge = 0; edge < edges; ++edge) {
      targets.insert(position + 1 + random() % (count - position - 1));
    }
    bool first = true;
    for (const std::size_t target : targets) {
      fmt::format_to(std::back_inserter(out), "{}\"{}\"", first ? "" : ", ", refs[target]);
      first = false;
    }
    out += "]}";
  }
  out += "\n  ]\n}\n";
  return out;
}

std::vector<Input>& Inputs() {
  static std::vector<Input> inputs;
  return inputs;
}

void ParseBenchmark(benchmark::State& state, const Input* input) {
  simdjson::dom::parser parser;
  if (parser.allocate(input->padded.size()) != simdjson::SUCCESS) {
    state.SkipWithError("simdjson cannot allocate");
    return;
  }
  for (auto _ : state) {
    simdjson::dom::element root;
    const auto error = parser.parse(input->padded).get(root);
    if (error != simdjson::SUCCESS) {
      state.SkipWithError(simdjson::error_message(error));
      return;
    }
    benchmark::DoNotOptimize(root);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * input->bytes.size()));
}

void IngestBenchmark(benchmark::State& state, const Input* input) {
  // As the server reads an upload: a body with slack after it, parsed where it lies.
  sg::sbom::ReadOptions options;
  options.readable_past_end = input->bytes.capacity() - input->bytes.size();
  for (auto _ : state) {
    auto document = sg::sbom::ReadSbom(input->bytes, options);
    if (!document) {
      state.SkipWithError(document.error().message.c_str());
      return;
    }
    const sg::vuln::DocumentPackages packages = sg::vuln::PackagesOfDocument(*document);
    benchmark::DoNotOptimize(packages.packages.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * input->bytes.size()));
  state.counters["components"] = static_cast<double>(input->components);
}

/// The median per-iteration times of one benchmark, in its time unit.
struct Medians {
  double real = 0;
  double cpu = 0;
};

/// Keeps the median of each benchmark's repetitions for the summary table.
class MedianCollector : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      const bool median = run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
      const bool single = run.run_type == Run::RT_Iteration && run.repetitions <= 1;
      if (median || single) {
        medians_[run.run_name.function_name] = {run.GetAdjustedRealTime(),
                                                run.GetAdjustedCPUTime()};
      }
    }
    ConsoleReporter::ReportRuns(runs);
  }

  std::optional<Medians> Find(const std::string& name) const {
    const auto found = medians_.find(name);
    if (found == medians_.end()) return std::nullopt;
    return found->second;
  }

 private:
  std::map<std::string, Medians> medians_;
};

}  // namespace

int main(int argc, char** argv) {
  fs::path data = sg::testing::SourceRoot() / ".." / "shared" / "reference" / "sbom-data";
  std::size_t synthetic_components = 20000;
  std::vector<char*> arguments = {argv[0]};
  bool repetitions_given = false;
  for (int index = 1; index < argc; ++index) {
    const std::string_view argument = argv[index];
    if (argument == "--data" && index + 1 < argc) {
      data = argv[++index];
    } else if (argument == "--synthetic-components" && index + 1 < argc) {
      synthetic_components = std::stoul(argv[++index]);
    } else {
      if (argument.starts_with("--benchmark_repetitions")) repetitions_given = true;
      arguments.push_back(argv[index]);
    }
  }
  // Repetitions so that the summary has medians; the console shows only the aggregates.
  std::string repetitions = "--benchmark_repetitions=9";
  std::string aggregates = "--benchmark_report_aggregates_only=true";
  if (!repetitions_given) {
    arguments.push_back(repetitions.data());
    arguments.push_back(aggregates.data());
  }
  int benchmark_argc = static_cast<int>(arguments.size());
  arguments.push_back(nullptr);

  // Everything read and generated before the first measurement.
  for (const auto& [name, relative] : kRealFiles) {
    Input input;
    input.name = name;
    input.bytes = sg::testing::ReadFileBytes(data / relative);
    Inputs().push_back(std::move(input));
  }
  {
    Input input;
    input.name = fmt::format("synthetic-{}", synthetic_components);
    input.bytes = SyntheticCycloneDx(RealPurls(data), synthetic_components, 2026);
    Inputs().push_back(std::move(input));
  }
  std::vector<Input*> usable;
  for (Input& input : Inputs()) {
    input.padded = simdjson::padded_string(input.bytes);
    auto document = sg::sbom::ReadSbom(input.bytes);
    if (!document) {
      std::cerr << "skipped " << input.name << ": " << document.error().code << ": "
                << document.error().message << "\n";
      continue;
    }
    input.components = document->components.size();
    input.packages = sg::vuln::PackagesOfDocument(*document).packages.size();
    usable.push_back(&input);
  }
  for (Input* input : usable) {
    // The room the server reserves after a request body (http::kRequestBodySlack).
    input->bytes.reserve(input->bytes.size() + 64);
    benchmark::RegisterBenchmark(("parse/" + input->name).c_str(), ParseBenchmark, input)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("ingest/" + input->name).c_str(), IngestBenchmark, input)
        ->Unit(benchmark::kMicrosecond);
  }

  benchmark::Initialize(&benchmark_argc, arguments.data());
  if (benchmark::ReportUnrecognizedArguments(benchmark_argc, arguments.data())) return 1;
  MedianCollector reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();

  // Both columns of a row come from the same run. CPU time is the figure: on a shared machine
  // wall time also counts the time other processes held the core; the wall-time ratio is shown
  // beside it.
  std::cout << "\n## SBOM ingest vs plain simdjson parse (medians of the repetitions, same run)\n\n"
            << "| SBOM | bytes | components | matchable | simdjson parse MB/s | "
               "ingest MB/s | ingest / parse (CPU time) | ingest / parse (wall time) |\n"
            << "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n";
  for (const Input* input : usable) {
    const auto parse = reporter.Find("parse/" + input->name);
    const auto ingest = reporter.Find("ingest/" + input->name);
    if (!parse || !ingest) continue;
    // Times are in microseconds per iteration (the unit registered above).
    const double megabytes = static_cast<double>(input->bytes.size()) / 1e6;
    std::cout << fmt::format("| {} | {} | {} | {} | {:.0f} | {:.0f} | {:.2f}× | {:.2f}× |\n",
                             input->name, input->bytes.size(), input->components, input->packages,
                             megabytes / (parse->cpu * 1e-6), megabytes / (ingest->cpu * 1e-6),
                             ingest->cpu / parse->cpu, ingest->real / parse->real);
  }
  if (usable.size() != Inputs().size()) {
    std::cerr << "some SBOMs could not be read (see above)\n";
    return 1;
  }
  return 0;
}
