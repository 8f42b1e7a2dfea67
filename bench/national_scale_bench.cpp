// The inventory at national scale (issue 4, "National scale"): every system's SBOM components in
// one vuln::Inventory, matched against every public advisory plus synthetic ones.
//
//   national_scale_bench [--systems 50000] [--components 15000000] [--advisories 250000]
//                        [--agencies 3000] [--seed 2026] [--workers 2] [--batches 7]
//                        [--batch-size 1000] [--lookups 2000] [--replacements 1000]
//                        [--rematch-runs 3] [--unused-share 0.15] [--data DIR] [--quick]
//
// --quick divides systems, components, advisories and agencies by 100 (a 1% run).
// --unused-share is the fraction of synthetic advisories on packages no system uses. The
// default is a worst case: 250,000 advisories over the ~2,400 real packages of the catalogue
// make nearly every held version affected by dozens of records (real fleets see far fewer).
//
// The fleet: systems of lognormal sizes (mean components/systems, at most 5,000), in agencies
// of skewed sizes, whose components are drawn, with Zipf popularity, from real package names
// and versions: every package of the Go, crates.io and CRAN OSV sets with every version their
// records name and the versions either side, and the packages of the real CycloneDX examples.
// The advisories: the three OSV sets as published, then synthetic records up to --advisories,
// on real packages with SEMVER or ECOSYSTEM ranges between real versions, or on packages
// no system uses (--unused-share). Everything is deterministic for a seed.
//
// Measured and printed: inventory build and memory (the inventory's own estimate and the RSS
// growth, per component), advisory index build and memory, full re-match (median of
// --rematch-runs; target < 60 s on 2 cores), batches of new advisories → affected systems and
// agencies (median; target < 1 s), reverse lookup by package (median and p99; target < 50 ms),
// and replacing one system's SBOM. Progress goes to stderr, results to stdout, ending with a
// Markdown table.
#include <fmt/format.h>
#include <malloc.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "advisory/source.hpp"
#include "sbom/reader.hpp"
#include "testing/reference_data.hpp"
#include "version/version.hpp"
#include "vuln/inventory.hpp"
#include "vuln/matcher.hpp"

namespace {

namespace fs = std::filesystem;
using sg::version::Ecosystem;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::duration duration) { return std::chrono::duration<double>(duration).count(); }

/// CPU seconds this process has used, all threads: with wall time it shows whether a second
/// worker added work or only shared a core that another process was using.
double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& time) {
    return static_cast<double>(time.tv_sec) + static_cast<double>(time.tv_usec) * 1e-6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

struct Options {
  std::size_t systems = 50'000;
  std::size_t components = 15'000'000;
  std::size_t advisories = 250'000;
  std::size_t agencies = 3'000;
  std::uint64_t seed = 2026;
  unsigned workers = 2;
  std::size_t batches = 7;
  std::size_t batch_size = 1'000;
  std::size_t lookups = 2'000;
  std::size_t replacements = 1'000;
  std::size_t rematch_runs = 3;
  double unused_share = 0.15;  // of synthetic advisories, on packages no system uses
  fs::path data = sg::testing::SourceRoot() / ".." / "shared" / "reference" / "sbom-data";
};

Options ParseOptions(int argc, char** argv) {
  Options options;
  bool quick = false;
  for (int index = 1; index < argc; ++index) {
    const std::string_view flag = argv[index];
    if (flag == "--quick") {
      quick = true;
      continue;
    }
    if (flag == "--help" || flag == "-h") {
      std::cout << "national_scale_bench [--systems N] [--components N] [--advisories N] "
                   "[--agencies N] [--seed N] [--workers N] [--batches N] [--batch-size N] "
                   "[--lookups N] [--replacements N] [--rematch-runs N] [--unused-share F] "
                   "[--data DIR] [--quick]\n";
      std::exit(0);
    }
    if (index + 1 >= argc) {
      std::cerr << "missing value after " << flag << "\n";
      std::exit(2);
    }
    const std::string value = argv[++index];
    const auto number = [&] { return static_cast<std::size_t>(std::stoull(value)); };
    if (flag == "--systems") {
      options.systems = number();
    } else if (flag == "--components") {
      options.components = number();
    } else if (flag == "--advisories") {
      options.advisories = number();
    } else if (flag == "--agencies") {
      options.agencies = number();
    } else if (flag == "--seed") {
      options.seed = number();
    } else if (flag == "--workers") {
      options.workers = static_cast<unsigned>(number());
    } else if (flag == "--batches") {
      options.batches = number();
    } else if (flag == "--batch-size") {
      options.batch_size = number();
    } else if (flag == "--lookups") {
      options.lookups = number();
    } else if (flag == "--replacements") {
      options.replacements = number();
    } else if (flag == "--rematch-runs") {
      options.rematch_runs = number();
    } else if (flag == "--unused-share") {
      options.unused_share = std::clamp(std::stod(value), 0.0, 1.0);
    } else if (flag == "--data") {
      options.data = value;
    } else {
      std::cerr << "unknown flag " << flag << " (--help)\n";
      std::exit(2);
    }
  }
  if (quick) {
    options.systems = std::max<std::size_t>(1, options.systems / 100);
    options.components = std::max<std::size_t>(1, options.components / 100);
    options.advisories = std::max<std::size_t>(1, options.advisories / 100);
    options.agencies = std::max<std::size_t>(1, options.agencies / 100);
  }
  options.systems = std::max<std::size_t>(1, options.systems);
  options.agencies = std::max<std::size_t>(1, options.agencies);
  options.workers = std::max(1u, options.workers);
  return options;
}

/// A field of /proc/self/status in bytes ("VmRSS", "VmHWM"); 0 when unreadable.
std::size_t ProcStatusBytes(std::string_view field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with(field) && line.size() > field.size() && line[field.size()] == ':') {
      return static_cast<std::size_t>(std::stoull(line.substr(field.size() + 1))) * 1024;
    }
  }
  return 0;
}

/// Resident memory after handing freed heap back to the system, so that a delta measures what
/// is held rather than what the allocator kept.
std::size_t TrimmedRss() {
  malloc_trim(0);
  return ProcStatusBytes("VmRSS");
}

std::string FirstLineWith(const fs::path& file, std::string_view prefix) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with(prefix)) {
      const std::size_t colon = line.find(':');
      return colon == std::string::npos ? line
                                        : line.substr(line.find_first_not_of(" \t", colon + 1));
    }
  }
  return "unknown";
}

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen;
}

/// The value at quantile `q` (0..1) of `values` (sorted in place).
double Quantile(std::vector<double>& values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size())));
  return values[std::min(values.size() - 1, rank == 0 ? 0 : rank - 1)];
}

double Median(std::vector<double> values) { return Quantile(values, 0.5); }

/// "1.2.3" → "1.2.4" (or "1.2.2" with step -1): the last run of digits moved by `step`, for
/// plausible versions beside those that advisories name; empty when there is none.
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

// --- The catalogue of real packages and versions -------------------------------------------

/// A package systems may hold, with the versions they may hold of it.
struct CatalogPackage {
  Ecosystem ecosystem = Ecosystem::kGo;
  std::string osv_ecosystem;          // as an advisory names it: "Go", "crates.io", "CRAN", …
  std::string name;                   // normalised (vuln::NormalizePackageName)
  std::vector<std::string> versions;  // ascending in the ecosystem's order, as OSV writes them
  std::vector<std::string> held_versions;  // the same, as a component names them (Go: "v…")
  bool semver_ranges = false;              // advisories give SEMVER ranges (else ECOSYSTEM)
};

/// Versions are collected bare (Go without its "v") and made a catalogue entry at the end.
struct PendingPackage {
  std::string osv_ecosystem;
  std::vector<std::string> versions;
};

bool UsesSemVerRanges(Ecosystem ecosystem) {
  return ecosystem == Ecosystem::kGo || ecosystem == Ecosystem::kCratesIo ||
         ecosystem == Ecosystem::kNpm;
}

std::vector<CatalogPackage> BuildCatalog(
    const std::vector<sg::advisory::Record>& records,
    const std::vector<sg::vuln::PackageVersion>& sbom_packages) {
  std::map<std::pair<Ecosystem, std::string>, PendingPackage> pending;
  const auto add = [&](Ecosystem ecosystem, std::string_view osv_ecosystem, std::string_view name,
                       std::string version) {
    if (ecosystem == Ecosystem::kGo && version.starts_with('v')) version.erase(0, 1);
    PendingPackage& package = pending[{ecosystem, sg::vuln::NormalizePackageName(ecosystem, name)}];
    if (package.osv_ecosystem.empty()) package.osv_ecosystem = osv_ecosystem;
    for (int step : {-1, 1}) {
      if (std::string other = Neighbour(version, step); !other.empty()) {
        package.versions.push_back(std::move(other));
      }
    }
    package.versions.push_back(std::move(version));
  };
  for (const sg::advisory::Record& record : records) {
    if (record.IsWithdrawn()) continue;
    for (const sg::advisory::Affected& affected : record.affected) {
      const auto ecosystem = sg::version::FindEcosystem(affected.package.ecosystem);
      if (!ecosystem) continue;
      for (const std::string& version : affected.versions) {
        add(*ecosystem, affected.package.ecosystem, affected.package.name, version);
      }
      for (const auto& range : affected.ranges) {
        for (const auto& event : range.events) {
          if (event.version != "0") {
            add(*ecosystem, affected.package.ecosystem, affected.package.name, event.version);
          }
        }
      }
    }
  }
  for (const sg::vuln::PackageVersion& package : sbom_packages) {
    add(package.package.ecosystem, sg::version::Name(package.package.ecosystem),
        package.package.name, package.version);
  }

  std::vector<CatalogPackage> catalog;
  for (auto& [key, package] : pending) {
    const Ecosystem ecosystem = key.first;
    CatalogPackage entry;
    entry.ecosystem = ecosystem;
    entry.osv_ecosystem = package.osv_ecosystem;
    entry.name = key.second;
    entry.semver_ranges = UsesSemVerRanges(ecosystem);
    for (std::string& version : package.versions) {
      // Kept only when both a component and an advisory range could name it.
      if (!sg::version::Validate(ecosystem, version)) continue;
      if (entry.semver_ranges && !sg::version::Validate(Ecosystem::kSemVer, version)) continue;
      entry.versions.push_back(std::move(version));
    }
    const auto less = [&](const std::string& a, const std::string& b) {
      const auto order = sg::version::Compare(ecosystem, a, b);
      return order ? *order < 0 : a < b;
    };
    std::sort(entry.versions.begin(), entry.versions.end(), less);
    entry.versions.erase(std::unique(entry.versions.begin(), entry.versions.end(),
                                     [&](const std::string& a, const std::string& b) {
                                       const auto order = sg::version::Compare(ecosystem, a, b);
                                       return order && *order == 0;
                                     }),
                         entry.versions.end());
    if (entry.versions.empty()) continue;
    for (const std::string& version : entry.versions) {
      entry.held_versions.push_back(ecosystem == Ecosystem::kGo ? "v" + version : version);
    }
    catalog.push_back(std::move(entry));
  }
  return catalog;
}

// --- Advisories ----------------------------------------------------------------------------

const char* const kCvssVectors[] = {
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N",
    "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:L/I:L/A:N", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"};

/// Makes synthetic OSV records: real packages with ranges between real versions, or packages no
/// system uses.
class AdvisoryFactory {
 public:
  AdvisoryFactory(const std::vector<CatalogPackage>& catalog,
                  const std::discrete_distribution<std::size_t>& popularity, std::uint64_t seed)
      : catalog_(catalog), popularity_(popularity), random_(seed) {}

  /// A record `id` on a package chosen by popularity (`popular`), uniformly, or (`unused`) one
  /// no system holds.
  sg::advisory::Record Make(std::string id, bool popular, bool unused) {
    sg::advisory::Record record;
    record.id = std::move(id);
    record.modified = "2026-01-01T00:00:00Z";
    record.published = "2026-01-01T00:00:00Z";
    record.aliases.push_back(fmt::format("CVE-2099-{}", 100000 + serial_++));
    if (random_() % 2 == 0) {
      record.severity.push_back({sg::advisory::SeverityType::kCvssV3, "CVSS_V3",
                                 kCvssVectors[random_() % std::size(kCvssVectors)]});
    }
    sg::advisory::Affected affected;
    if (unused) {
      const std::size_t module = random_() % 20'000;
      const bool go = module % 2 == 0;
      affected.package = {go ? "Go" : "crates.io",
                          go ? fmt::format("github.com/sg-synthetic/module-{}", module)
                             : fmt::format("sg-synthetic-crate-{}", module),
                          ""};
      sg::advisory::Range range{sg::advisory::RangeType::kSemVer, "", {}, ""};
      const std::size_t minor = random_() % 20;
      range.events.push_back({sg::advisory::EventKind::kIntroduced, fmt::format("1.{}.0", minor)});
      range.events.push_back({sg::advisory::EventKind::kFixed, fmt::format("1.{}.3", minor)});
      affected.ranges.push_back(std::move(range));
    } else {
      const CatalogPackage& package =
          catalog_[popular ? popularity_(random_) : random_() % catalog_.size()];
      affected.package = {package.osv_ecosystem, package.name, ""};
      const std::size_t count = package.versions.size();
      const std::size_t range_count = random_() % 5 == 0 ? 2 : 1;
      // Sorted boundaries in [0, count]: a range runs from versions[low] (or "0") up to, not
      // including, versions[high] (or open when high == count).
      std::vector<std::size_t> bounds;
      for (std::size_t bound = 0; bound < 2 * range_count; ++bound) {
        bounds.push_back(random_() % (count + 1));
      }
      std::sort(bounds.begin(), bounds.end());
      for (std::size_t range_index = 0; range_index < range_count; ++range_index) {
        std::size_t low = bounds[2 * range_index];
        std::size_t high = bounds[2 * range_index + 1];
        if (high == low) high = std::min(count, low + 1);
        sg::advisory::Range range{package.semver_ranges ? sg::advisory::RangeType::kSemVer
                                                        : sg::advisory::RangeType::kEcosystem,
                                  "",
                                  {},
                                  ""};
        const bool from_start = range_index == 0 && (low == 0 || random_() % 10 == 0);
        range.events.push_back({sg::advisory::EventKind::kIntroduced,
                                from_start || low >= count ? "0" : package.versions[low]});
        if (high < count) {
          range.events.push_back({sg::advisory::EventKind::kFixed, package.versions[high]});
        } else if (random_() % 2 == 0) {
          range.events.push_back(
              {sg::advisory::EventKind::kLastAffected, package.versions[count - 1]});
        }
        affected.ranges.push_back(std::move(range));
      }
    }
    record.affected.push_back(std::move(affected));
    return record;
  }

 private:
  const std::vector<CatalogPackage>& catalog_;
  std::discrete_distribution<std::size_t> popularity_;
  std::mt19937_64 random_;
  std::size_t serial_ = 0;
};

std::vector<sg::advisory::Record> LoadRecords(const fs::path& folder, std::size_t& rejected) {
  auto source = sg::advisory::OpenOsvDirectory(folder, {.keep_text = false});
  if (!source) throw std::runtime_error(source.error().message);
  auto loaded = sg::advisory::LoadAll(**source);
  if (!loaded) throw std::runtime_error(loaded.error().message);
  rejected += loaded->rejected.size();
  return std::move(loaded->records);
}

std::string Thousands(std::size_t value) {
  std::string digits = std::to_string(value);
  for (std::ptrdiff_t position = static_cast<std::ptrdiff_t>(digits.size()) - 3; position > 0;
       position -= 3) {
    digits.insert(static_cast<std::size_t>(position), ",");
  }
  return digits;
}

std::string Megabytes(double bytes) { return fmt::format("{:.1f} MB", bytes / 1e6); }

}  // namespace

int main(int argc, char** argv) {
  const Options options = ParseOptions(argc, argv);
  const auto progress = [](std::string_view message) {
    std::cerr << "[national-scale] " << message << std::endl;
  };
  const std::string cpu = FirstLineWith("/proc/cpuinfo", "model name");
  const std::string load_before = LoadAverage();
  std::cout << "# National-scale inventory benchmark\n\n"
            << fmt::format("machine: {} logical CPUs ({}), {} RAM; load average at start {}\n",
                           std::thread::hardware_concurrency(), cpu,
                           FirstLineWith("/proc/meminfo", "MemTotal"), load_before)
            << fmt::format(
                   "scale: {} systems, {} components, {} agencies, {} advisories ({:.0f}% of "
                   "synthetic ones on packages no system uses), seed {}, {} workers\n\n",
                   Thousands(options.systems), Thousands(options.components),
                   Thousands(options.agencies), Thousands(options.advisories),
                   options.unused_share * 100, options.seed, options.workers);

  // --- Real advisories and the catalogue drawn from them ---
  progress("reading the public OSV records");
  std::size_t rejected = 0;
  const auto read_start = Clock::now();
  std::vector<sg::advisory::Record> real_records;
  for (const char* folder :
       {"osv-golang-vulndb/data/osv", "osv-rustsec/crates", "osv-r-advisory-database/vulns"}) {
    std::vector<sg::advisory::Record> records = LoadRecords(options.data / folder, rejected);
    std::move(records.begin(), records.end(), std::back_inserter(real_records));
  }
  const double read_seconds = Seconds(Clock::now() - read_start);
  std::vector<sg::vuln::PackageVersion> sbom_packages;
  for (const char* file :
       {"cyclonedx-bom-examples/SBOM/proton-bridge/proton-bridge-v1.6.3.bom.json",
        "cyclonedx-bom-examples/SBOM/dropwizard-1.3.15/bom.json",
        "cyclonedx-bom-examples/SBOM/laravel-7.12.0/bom.1.4.json",
        "cyclonedx-bom-examples/SBOM/cern-lhc-vdm-editor-e564943/bom.json"}) {
    auto document = sg::sbom::ReadSbom(sg::testing::ReadFileBytes(options.data / file));
    if (!document) throw std::runtime_error(document.error().message);
    for (const auto& package : sg::vuln::PackagesOfDocument(*document).packages) {
      sbom_packages.push_back(package.Owned());
    }
  }
  std::vector<CatalogPackage> catalog = BuildCatalog(real_records, sbom_packages);
  std::mt19937_64 random(options.seed);
  // Popularity: a seeded shuffle, then Zipf weights (1/rank).
  std::shuffle(catalog.begin(), catalog.end(), random);
  std::vector<double> weights(catalog.size());
  for (std::size_t rank = 0; rank < catalog.size(); ++rank) {
    weights[rank] = 1.0 / static_cast<double>(rank + 1);
  }
  std::discrete_distribution<std::size_t> popularity(weights.begin(), weights.end());
  std::vector<std::size_t> pair_base(catalog.size() + 1, 0);
  for (std::size_t package = 0; package < catalog.size(); ++package) {
    pair_base[package + 1] = pair_base[package] + catalog[package].versions.size();
  }
  const std::size_t universe = pair_base.back();
  std::map<std::string, std::size_t> by_ecosystem;
  for (const CatalogPackage& package : catalog) ++by_ecosystem[package.osv_ecosystem];
  std::string ecosystems;
  for (const auto& [name, count] : by_ecosystem) {
    ecosystems += fmt::format("{}{} {}", ecosystems.empty() ? "" : ", ", name, count);
  }
  std::cout << fmt::format(
      "catalogue: {} real packages ({}), {} (package, version) pairs to draw from; "
      "{} public records read in {:.1f} s ({} files refused)\n",
      Thousands(catalog.size()), ecosystems, Thousands(universe), Thousands(real_records.size()),
      read_seconds, rejected);

  // --- The fleet ---
  progress("generating the fleet and building the inventory");
  // A system holds a package once, now and then in two versions; so its size is bounded by the
  // catalogue, and by 5,000.
  const std::size_t max_size =
      std::max<std::size_t>(1, std::min<std::size_t>({5'000, catalog.size(), universe}));
  const std::size_t target =
      std::clamp(options.components, options.systems, options.systems * max_size);
  const double mean = static_cast<double>(target) / static_cast<double>(options.systems);
  const double sigma = 0.8;
  std::lognormal_distribution<double> size_distribution(std::log(mean) - sigma * sigma / 2, sigma);
  std::vector<std::size_t> sizes(options.systems);
  std::size_t total = 0;
  for (std::size_t& size : sizes) {
    size =
        std::clamp<std::size_t>(static_cast<std::size_t>(size_distribution(random)), 1, max_size);
    total += size;
  }
  // Nudge random systems by one until the total is exact (target is reachable by its clamp).
  while (total != target) {
    std::size_t& size = sizes[random() % sizes.size()];
    if (total < target && size < max_size) {
      ++size;
      ++total;
    } else if (total > target && size > 1) {
      --size;
      --total;
    }
  }
  std::vector<sg::vuln::AgencyId> agency_of(options.systems);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (sg::vuln::AgencyId& agency : agency_of) {
    // Skewed: small ids are large agencies with many systems.
    const double u = unit(random);
    agency = static_cast<sg::vuln::AgencyId>(
        std::min<double>(static_cast<double>(options.agencies) - 1,
                         std::floor(static_cast<double>(options.agencies) * u * u)));
  }
  const auto system_id = [](std::size_t index) { return sg::vuln::SystemId{1'000'000 + index}; };

  const std::size_t rss_before_inventory = TrimmedRss();
  sg::vuln::Inventory inventory;
  std::vector<sg::vuln::PackageVersion> buffer(max_size);
  std::vector<std::pair<double, std::size_t>> keys(catalog.size());
  std::vector<std::size_t> second_versions;
  Clock::duration replace_time{};
  const auto build_start = Clock::now();
  for (std::size_t system = 0; system < options.systems; ++system) {
    // The system's packages: a weighted sample without replacement (Efraimidis–Spirakis: the
    // largest log(u)/weight), so popular packages are in most systems and none is drawn twice.
    const std::size_t size = sizes[system];
    const std::size_t package_count = std::max<std::size_t>(1, size - size / 20);
    for (std::size_t package = 0; package < catalog.size(); ++package) {
      keys[package] = {std::log(unit(random) + 1e-300) / weights[package], package};
    }
    std::nth_element(keys.begin(), keys.begin() + static_cast<std::ptrdiff_t>(package_count - 1),
                     keys.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    std::size_t held = 0;
    const auto hold = [&](std::size_t package, std::size_t version) {
      sg::vuln::PackageVersion& component = buffer[held++];
      component.package.ecosystem = catalog[package].ecosystem;
      component.package.name.assign(catalog[package].name);  // reuses the buffer's capacity
      component.version.assign(catalog[package].held_versions[version]);
    };
    second_versions.clear();
    for (std::size_t chosen = 0; chosen < package_count; ++chosen) {
      const std::size_t package = keys[chosen].second;
      const std::size_t version = random() % catalog[package].versions.size();
      hold(package, version);
      if (catalog[package].versions.size() > 1) {
        second_versions.push_back(pair_base[package] +
                                  (version + 1) % catalog[package].versions.size());
      }
    }
    // The rest (a twentieth): a second version of some of those packages.
    std::shuffle(second_versions.begin(), second_versions.end(), random);
    for (std::size_t extra = 0; held < size && extra < second_versions.size(); ++extra) {
      const std::size_t pair = second_versions[extra];
      const auto package = static_cast<std::size_t>(
          std::upper_bound(pair_base.begin(), pair_base.end(), pair) - pair_base.begin() - 1);
      hold(package, pair - pair_base[package]);
    }
    const auto replace_start = Clock::now();
    inventory.ReplaceSystem(system_id(system), agency_of[system],
                            std::span<const sg::vuln::PackageVersion>(buffer.data(), held));
    replace_time += Clock::now() - replace_start;
  }
  const auto shrink_start = Clock::now();
  inventory.ShrinkToFit();
  const double shrink_seconds = Seconds(Clock::now() - shrink_start);
  const double build_wall_seconds = Seconds(Clock::now() - build_start);
  buffer = {};
  keys = {};
  const std::size_t rss_after_inventory = TrimmedRss();
  const double inventory_seconds = Seconds(replace_time) + shrink_seconds;
  const std::size_t components = inventory.component_count();
  const double per_component_estimate =
      static_cast<double>(inventory.MemoryBytes()) / static_cast<double>(components);
  const double per_component_rss =
      static_cast<double>(rss_after_inventory -
                          std::min(rss_after_inventory, rss_before_inventory)) /
      static_cast<double>(components);
  std::cout << fmt::format(
      "inventory: {} systems, {} components, {} packages, {} distinct pairs; built in {:.2f} s "
      "(ReplaceSystem {:.2f} s = {:.2f} M components/s, ShrinkToFit {:.2f} s; {:.2f} s with "
      "generation)\n",
      Thousands(inventory.system_count()), Thousands(components),
      Thousands(inventory.package_count()), Thousands(inventory.pair_count()), inventory_seconds,
      Seconds(replace_time), static_cast<double>(components) / Seconds(replace_time) / 1e6,
      shrink_seconds, build_wall_seconds);
  std::cout << fmt::format(
      "inventory memory: MemoryBytes {} = {:.1f} B/component; RSS growth {} = {:.1f} B/component\n",
      Megabytes(static_cast<double>(inventory.MemoryBytes())), per_component_estimate,
      Megabytes(static_cast<double>(rss_after_inventory -
                                    std::min(rss_after_inventory, rss_before_inventory))),
      per_component_rss);

  // --- The advisory index ---
  progress("building the advisory index");
  const std::size_t rss_before_index = TrimmedRss();
  sg::vuln::AdvisoryIndex index;
  std::vector<sg::vuln::IndexProblem> problems;
  Clock::duration add_time{};
  const auto index_start = Clock::now();
  {
    const auto add_start = Clock::now();
    for (const sg::advisory::Record& record : real_records) index.Add(record, &problems);
    add_time += Clock::now() - add_start;
  }
  const std::size_t real_indexed = index.record_count();
  AdvisoryFactory factory(catalog, popularity, options.seed + 1);
  const std::size_t synthetic_target =
      options.advisories > real_indexed ? options.advisories - real_indexed : 0;
  std::vector<sg::advisory::Record> chunk;
  for (std::size_t made = 0; made < synthetic_target;) {
    chunk.clear();
    for (; chunk.size() < 10'000 && made < synthetic_target; ++made) {
      const bool unused = unit(random) < options.unused_share;
      chunk.push_back(factory.Make(fmt::format("SG-SYN-{:07}", made), false, unused));
    }
    const auto add_start = Clock::now();
    for (const sg::advisory::Record& record : chunk) index.Add(record, &problems);
    add_time += Clock::now() - add_start;
  }
  chunk = {};
  const double index_wall_seconds = Seconds(Clock::now() - index_start);
  const std::size_t rss_after_index = TrimmedRss();
  const std::size_t index_rss = rss_after_index - std::min(rss_after_index, rss_before_index);
  real_records = {};
  std::cout << fmt::format(
      "advisory index: {} records ({} public, {} synthetic), {} entries, {} packages; "
      "Add {:.2f} s ({:.2f} s with generation); RSS growth {}; {} entries refused\n",
      Thousands(index.record_count()), Thousands(real_indexed),
      Thousands(index.record_count() - real_indexed), Thousands(index.entry_count()),
      Thousands(index.package_count()), Seconds(add_time), index_wall_seconds,
      Megabytes(static_cast<double>(index_rss)), problems.size());

  // --- Full re-match ---
  progress("full re-match");
  std::vector<double> rematch_seconds, rematch_cpu_seconds;
  sg::vuln::InventoryMatch full;
  for (std::size_t run = 0; run < std::max<std::size_t>(1, options.rematch_runs); ++run) {
    const double cpu_start = ProcessCpuSeconds();
    const auto start = Clock::now();
    full = inventory.FullRematch(index, options.workers);
    rematch_seconds.push_back(Seconds(Clock::now() - start));
    rematch_cpu_seconds.push_back(ProcessCpuSeconds() - cpu_start);
    progress(fmt::format("  run {}: {:.2f} s", run + 1, rematch_seconds.back()));
  }
  const double rematch_median = Median(rematch_seconds);
  std::string rematch_runs_text;
  for (const double run_seconds : rematch_seconds) {
    rematch_runs_text += fmt::format("{}{:.2f}", rematch_runs_text.empty() ? "" : " ", run_seconds);
  }
  std::vector<double> rematch_one_worker;
  double rematch_one_worker_cpu = 0;
  {
    const double cpu_start = ProcessCpuSeconds();
    const auto start = Clock::now();
    const sg::vuln::InventoryMatch single = inventory.FullRematch(index, 1);
    rematch_one_worker.push_back(Seconds(Clock::now() - start));
    rematch_one_worker_cpu = ProcessCpuSeconds() - cpu_start;
    if (single.hits != full.hits) std::cerr << "warning: 1 and 2 workers disagree\n";
  }
  std::cout << fmt::format(
      "full re-match: median {:.2f} s of {} runs ({} s) on {} workers, {:.2f} CPU-s; {:.2f} s "
      "on 1 worker, {:.2f} CPU-s; {} pairs evaluated ({} unreadable), {} (pair, record) hits, {} "
      "findings, {} systems and "
      "{} agencies affected\n",
      rematch_median, rematch_seconds.size(), rematch_runs_text, options.workers,
      Median(rematch_cpu_seconds), rematch_one_worker[0], rematch_one_worker_cpu,
      Thousands(full.pairs_evaluated), Thousands(full.unreadable_pairs),
      Thousands(full.hits.size()), Thousands(full.findings),
      Thousands(full.affected_systems.size()), Thousands(full.affected_agencies.size()));
  full = {};

  // --- Batches of new advisories ---
  progress("batches of new advisories");
  std::vector<double> batch_seconds, batch_index_seconds, batch_match_seconds;
  std::vector<double> batch_systems, batch_agencies, batch_findings;
  std::vector<double> live_add_seconds, live_replace_seconds;
  AdvisoryFactory news(catalog, popularity, options.seed + 2);
  for (std::size_t batch = 0; batch < options.batches; ++batch) {
    std::vector<sg::advisory::Record> records;
    for (std::size_t made = 0; made < options.batch_size; ++made) {
      // Half on popular packages (the case that reaches most systems), 40% on any package,
      // 10% on packages nobody uses.
      const std::size_t kind = made % 10;
      records.push_back(
          news.Make(fmt::format("SG-NEW-{}-{:05}", batch, made), kind < 5, kind == 9));
    }
    const auto start = Clock::now();
    sg::vuln::AdvisoryIndex batch_index;
    for (const sg::advisory::Record& record : records) batch_index.Add(record);
    const auto indexed = Clock::now();
    const sg::vuln::InventoryMatch match = inventory.MatchAdvisories(batch_index, options.workers);
    const auto end = Clock::now();
    batch_seconds.push_back(Seconds(end - start));
    batch_index_seconds.push_back(Seconds(indexed - start));
    batch_match_seconds.push_back(Seconds(end - indexed));
    // What a server does with the same batch: brings its index of every advisory up to date
    // (new records added), then the same records revised (each replaced).
    const auto live_start = Clock::now();
    for (const sg::advisory::Record& record : records) index.Add(record);
    const auto live_added = Clock::now();
    for (const sg::advisory::Record& record : records) index.Add(record);
    live_add_seconds.push_back(Seconds(live_added - live_start));
    live_replace_seconds.push_back(Seconds(Clock::now() - live_added));
    batch_systems.push_back(static_cast<double>(match.affected_systems.size()));
    batch_agencies.push_back(static_cast<double>(match.affected_agencies.size()));
    batch_findings.push_back(static_cast<double>(match.findings));
  }
  const double batch_max =
      batch_seconds.empty() ? 0 : *std::max_element(batch_seconds.begin(), batch_seconds.end());
  std::cout << fmt::format(
      "batch of {} new advisories: median {:.1f} ms (index {:.1f} ms + match {:.1f} ms), max "
      "{:.1f} ms over {} batches; median {} systems, {} agencies, {} findings affected\n",
      options.batch_size, Median(batch_seconds) * 1e3, Median(batch_index_seconds) * 1e3,
      Median(batch_match_seconds) * 1e3, batch_max * 1e3, batch_seconds.size(),
      Thousands(static_cast<std::size_t>(Median(batch_systems))),
      Thousands(static_cast<std::size_t>(Median(batch_agencies))),
      Thousands(static_cast<std::size_t>(Median(batch_findings))));
  std::cout << fmt::format(
      "server index kept current: a batch of {} applied to the index of every advisory: median "
      "{:.1f} ms to add, {:.1f} ms to replace (a rebuild from records: {:.2f} s); {} live, {} "
      "replaced\n",
      options.batch_size, Median(live_add_seconds) * 1e3, Median(live_replace_seconds) * 1e3,
      Seconds(add_time), Thousands(index.record_count()), Thousands(index.removed_count()));

  // --- Reverse lookups ---
  progress("reverse lookups");
  std::vector<double> lookup_seconds;
  std::vector<double> lookup_version_seconds;
  std::size_t lookup_holdings = 0;
  std::size_t version_holdings = 0;
  for (std::size_t lookup = 0; lookup < options.lookups; ++lookup) {
    const CatalogPackage& package = catalog[popularity(random)];
    const sg::vuln::PackageKey key{package.ecosystem, package.name};
    const std::string& version = package.held_versions[random() % package.held_versions.size()];
    auto start = Clock::now();
    const auto holdings = inventory.SystemsWithPackage(key);
    lookup_seconds.push_back(Seconds(Clock::now() - start));
    lookup_holdings += holdings.size();
    start = Clock::now();
    version_holdings += inventory.SystemsWithPackage(key, version).size();
    lookup_version_seconds.push_back(Seconds(Clock::now() - start));
  }
  // The most popular package: the largest answer there is.
  const sg::vuln::PackageKey top{catalog[0].ecosystem, catalog[0].name};
  std::vector<double> top_seconds;
  std::size_t top_holdings = 0;
  for (int repeat = 0; repeat < 21; ++repeat) {
    const auto start = Clock::now();
    top_holdings = inventory.SystemsWithPackage(top).size();
    top_seconds.push_back(Seconds(Clock::now() - start));
  }
  const double lookup_median = Median(lookup_seconds);
  const double lookup_p99 = Quantile(lookup_seconds, 0.99);
  const double lookup_max = lookup_seconds.empty() ? 0 : lookup_seconds.back();
  std::cout << fmt::format(
      "reverse lookup by package ({} lookups, packages drawn by popularity, {:.0f} holdings on "
      "average): median {:.3f} ms, p99 {:.3f} ms, max {:.3f} ms; by package and version ({:.0f} "
      "holdings on average): median {:.3f} ms, p99 {:.3f} ms; most popular package ({}, {} "
      "holdings): median {:.3f} ms\n",
      lookup_seconds.size(),
      lookup_seconds.empty()
          ? 0.0
          : static_cast<double>(lookup_holdings) / static_cast<double>(lookup_seconds.size()),
      lookup_median * 1e3, lookup_p99 * 1e3, lookup_max * 1e3,
      lookup_seconds.empty()
          ? 0.0
          : static_cast<double>(version_holdings) / static_cast<double>(lookup_seconds.size()),
      Median(lookup_version_seconds) * 1e3, Quantile(lookup_version_seconds, 0.99) * 1e3,
      catalog[0].name, Thousands(top_holdings), Median(top_seconds) * 1e3);

  // --- A system's new SBOM: replace its components and match it ---
  progress("replacing systems");
  std::vector<double> replace_seconds, match_system_seconds;
  std::size_t system_findings = 0;
  std::map<std::pair<Ecosystem, std::string>, std::size_t> catalog_index;
  for (std::size_t package = 0; package < catalog.size(); ++package) {
    catalog_index[{catalog[package].ecosystem, catalog[package].name}] = package;
  }
  for (std::size_t replacement = 0; replacement < options.replacements; ++replacement) {
    const std::size_t system = random() % options.systems;
    const auto pairs = inventory.FindPairs(system_id(system));
    if (!pairs) continue;
    // The new SBOM: one component in ten moved to another version of its package.
    std::vector<sg::vuln::PackageVersion> components;
    components.reserve(pairs->size());
    for (const sg::vuln::PairId pair : *pairs) {
      sg::vuln::PackageVersion component{inventory.Package(pair),
                                         std::string(inventory.Version(pair))};
      if (random() % 10 == 0) {
        const CatalogPackage& entry =
            catalog[catalog_index[{component.package.ecosystem, component.package.name}]];
        component.version = entry.held_versions[random() % entry.held_versions.size()];
      }
      components.push_back(std::move(component));
    }
    const auto start = Clock::now();
    inventory.ReplaceSystem(system_id(system), agency_of[system], components);
    const auto replaced = Clock::now();
    system_findings += inventory.MatchSystem(system_id(system), index).size();
    const auto end = Clock::now();
    replace_seconds.push_back(Seconds(replaced - start));
    match_system_seconds.push_back(Seconds(end - replaced));
  }
  std::cout << fmt::format(
      "new SBOM for one system ({} replacements, a tenth of components changed): replace median "
      "{:.3f} ms, p99 {:.3f} ms; its match against the full index median {:.2f} ms, p99 {:.2f} "
      "ms ({:.0f} findings per system on average)\n",
      replace_seconds.size(), Median(replace_seconds) * 1e3, Quantile(replace_seconds, 0.99) * 1e3,
      Median(match_system_seconds) * 1e3, Quantile(match_system_seconds, 0.99) * 1e3,
      replace_seconds.empty()
          ? 0.0
          : static_cast<double>(system_findings) / static_cast<double>(replace_seconds.size()));

  const std::string load_after = LoadAverage();
  std::cout << fmt::format("peak RSS {}; load average at end {}\n\n",
                           Megabytes(static_cast<double>(ProcStatusBytes("VmHWM"))), load_after);

  // --- The table ---
  const auto verdict = [](bool met) { return met ? "yes" : "**no**"; };
  std::cout << fmt::format(
                   "| National scale ({} systems, {} components, {} agencies, {} advisories; {} "
                   "CPUs, {}) | figure | target | met |\n",
                   Thousands(options.systems), Thousands(components), Thousands(options.agencies),
                   Thousands(index.record_count()), std::thread::hardware_concurrency(), cpu)
            << "| --- | ---: | ---: | :---: |\n"
            << fmt::format(
                   "| Inventory build (ReplaceSystem per system + ShrinkToFit) | {:.2f} s "
                   "| — | |\n",
                   inventory_seconds)
            << fmt::format(
                   "| Memory per indexed component (MemoryBytes; RSS growth) | {:.1f} B; "
                   "{:.1f} B | — | |\n",
                   per_component_estimate, per_component_rss)
            << fmt::format(
                   "| Advisory index build ({} records; RSS growth) | {:.2f} s; {} | — | |\n",
                   Thousands(index.record_count()), Seconds(add_time),
                   Megabytes(static_cast<double>(index_rss)))
            << fmt::format(
                   "| Full re-match ({} workers, median of {}; CPU time) | {:.2f} s; {:.2f} CPU-s "
                   "| < 60 s | {} |\n",
                   options.workers, rematch_seconds.size(), rematch_median,
                   Median(rematch_cpu_seconds), verdict(rematch_median < 60))
            << fmt::format(
                   "| {} new advisories → affected systems and agencies (median of {}) "
                   "| {:.1f} ms | < 1 s | {} |\n",
                   options.batch_size, batch_seconds.size(), Median(batch_seconds) * 1e3,
                   verdict(Median(batch_seconds) < 1))
            << fmt::format(
                   "| Reverse lookup by package (median; p99) | {:.3f} ms; {:.3f} ms | "
                   "< 50 ms | {} |\n",
                   lookup_median * 1e3, lookup_p99 * 1e3, verdict(lookup_p99 < 0.05))
            << fmt::format(
                   "| New SBOM for one system: replace + match (medians) | {:.3f} ms + "
                   "{:.2f} ms | — | |\n",
                   Median(replace_seconds) * 1e3, Median(match_system_seconds) * 1e3)
            << fmt::format(
                   "| Server index kept current: {} records added; the same replaced "
                   "(medians) | {:.1f} ms; {:.1f} ms (rebuild: {:.2f} s) | — | |\n",
                   options.batch_size, Median(live_add_seconds) * 1e3,
                   Median(live_replace_seconds) * 1e3, Seconds(add_time));
  return 0;
}
