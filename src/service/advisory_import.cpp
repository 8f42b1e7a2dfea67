// Advisory imports (`supplyguard advisories import`): OSV records and NVD CVEs are stored in
// batches, each matched in its own transaction against every system's current SBOM, so what is
// committed is always matched; KEV and EPSS replace their tables, a KEV entry newly added for a
// vulnerability with open findings alerting the systems' stakeholders.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <unordered_map>

#include "advisory/detect.hpp"
#include "advisory/epss.hpp"
#include "advisory/kev.hpp"
#include "advisory/nvd.hpp"
#include "advisory/osv.hpp"
#include "advisory/source.hpp"
#include "auth/crypto.hpp"
#include "service/vulnerability_service.hpp"
#include "service/vulnerability_support.hpp"
#include "version/version.hpp"
#include "vuln/cpe_index.hpp"
#include "vuln/matcher.hpp"
#include "vuln/package.hpp"

namespace sg::service {
namespace json = boost::json;
using namespace vuln_detail;

namespace {

/// A current component that a changed record of an import batch says is affected.
struct ImportHit {
  const storage::CurrentComponent* component = nullptr;
  std::int64_t advisory_row = 0;
  std::string vuln_key;
  std::optional<advisory::FindingSeverity> severity;
  std::vector<std::string> fixed;
};

/// What an import batch changed: the advisory rows (and which of them are withdrawn), and the
/// findings their matching gives.
struct BatchChange {
  std::vector<std::int64_t> changed_rows;
  std::set<std::int64_t> withdrawn_rows;
  std::vector<ImportHit> hits;
};

/// Opens the findings of `change.hits`, closes the open findings of the changed records that no
/// longer hold (withdrawn or revised), and alerts the stakeholders of every system with a new
/// finding: the part of a batch's transaction that OSV and NVD imports share.
Result<void> ApplyBatchChange(storage::Connection& connection, const BatchChange& change,
                              const std::string& now, const std::string& today,
                              AdvisoryImportReport& report) {
  storage::SbomStore sboms(connection);
  std::set<std::tuple<std::int64_t, std::int64_t, std::string, std::string, std::string>>
      matched;  // system, advisory row, ecosystem, package, version
  std::map<std::int64_t, std::set<std::string>> new_by_system;
  std::map<std::int64_t, std::optional<std::int64_t>> worst_by_system;
  for (const ImportHit& hit : change.hits) {
    const storage::CurrentComponent& component = *hit.component;
    if (!matched
             .emplace(component.system_id, hit.advisory_row, component.ecosystem, component.package,
                      component.version)
             .second) {
      continue;
    }
    storage::FindingRow row;
    row.advisory_id = hit.advisory_row;
    row.vuln_key = hit.vuln_key;
    row.ecosystem = component.ecosystem;
    row.package = component.package;
    row.version = component.version;
    row.component_name = component.name;
    row.purl = component.purl;
    row.cvss_v3_tenths = TenthsOf(hit.severity);
    if (hit.severity) row.cvss_vector = hit.severity->vector;
    row.fixed_json = JsonArrayOf(hit.fixed);
    auto opened = sboms.OpenFinding(component.system_id, row, component.sbom_id, now);
    if (!opened) return std::unexpected(opened.error());
    if (opened->second) {
      ++report.findings_opened;
      new_by_system[component.system_id].insert(hit.vuln_key);
      auto& worst = worst_by_system[component.system_id];
      if (row.cvss_v3_tenths && (!worst || *row.cvss_v3_tenths > *worst)) {
        worst = row.cvss_v3_tenths;
      }
    }
  }
  // Findings of changed records that no longer hold: the record was withdrawn or revised.
  auto open = sboms.OpenFindingsOfAdvisories(change.changed_rows);
  if (!open) return std::unexpected(open.error());
  for (const auto& [system_id, finding] : *open) {
    if (matched.contains({system_id, finding.advisory_id, finding.ecosystem, finding.package,
                          finding.version})) {
      continue;
    }
    const bool withdrawn = change.withdrawn_rows.contains(finding.advisory_id);
    if (auto done = sboms.CloseFinding(
            finding.id, withdrawn ? "advisoryWithdrawn" : "noLongerAffected", std::nullopt, now);
        !done) {
      return std::unexpected(done.error());
    }
    ++report.findings_closed;
  }
  for (const auto& [system_id, keys] : new_by_system) {
    auto system = connection.Query("SELECT system_id FROM systems WHERE id = $1", {system_id});
    if (!system) return std::unexpected(system.error());
    const std::string system_key = system->rows.at(0).at(0).value_or("");
    const storage::NewNotification notification = SystemAlert(
        "advisoryFindings", SeverityBand(worst_by_system[system_id]), system_id, system_key,
        fmt::format("{}: {} new {} from advisories just published", system_key, keys.size(),
                    keys.size() == 1 ? "vulnerability" : "vulnerabilities"),
        {keys.begin(), keys.end()});
    if (auto sent = sboms.NotifyStakeholders(notification, today, now); !sent) {
      return std::unexpected(sent.error());
    }
    ++report.systems_alerted;
  }
  return {};
}

/// Keeps an import's first problems for its report, and counts all of them.
void NoteProblem(AdvisoryImportReport& report, std::string problem) {
  ++report.entries_skipped;
  if (report.problems.size() < kKeptRejections) report.problems.push_back(std::move(problem));
}

/// Runs one import batch in a transaction: `write(counts, problems)` stores and matches it.
/// Its counts and problems reach the report once the batch is committed, so a batch rolled
/// back says nothing.
template <typename Write>
Result<void> CommitBatch(storage::Connection& connection, AdvisoryImportReport& report,
                         Write&& write) {
  storage::ImportCounts counts;
  std::vector<std::string> problems;
  auto written = storage::InTransaction(connection, [&]() -> Result<void> {
    counts = {};
    problems.clear();
    return write(counts, problems);
  });
  if (!written) return written;
  report.counts.created += counts.created;
  report.counts.updated += counts.updated;
  report.counts.unchanged += counts.unchanged;
  for (std::string& problem : problems) NoteProblem(report, std::move(problem));
  return {};
}

/// One batch of OSV records: stores them and matches the changed ones against every current
/// SBOM, in one transaction.
class OsvBatchWriter {
 public:
  OsvBatchWriter(storage::Connection& connection, std::string now, std::string today)
      : connection_(connection), now_(std::move(now)), today_(std::move(today)) {}

  Result<void> Write(std::vector<std::pair<advisory::Record, std::string>>& batch,
                     std::vector<advisory::OsvEncoding>& encodings, AdvisoryImportReport& report) {
    return CommitBatch(
        connection_, report,
        [&](storage::ImportCounts& counts, std::vector<std::string>& problems) -> Result<void> {
          storage::AdvisoryStore store(connection_);
          // The records changed here carry the generation this batch moves to; it is moved only
          // when something changed, so a rerun over unchanged records leaves matchers alone.
          auto generation = store.LockGeneration();
          if (!generation) return std::unexpected(generation.error());
          const std::int64_t change_seq = *generation + 1;
          std::vector<std::size_t> changed;  // indexes into batch
          BatchChange change;
          std::unordered_map<std::string, std::pair<std::int64_t, std::string>> row_ids;
          for (std::size_t index = 0; index < batch.size(); ++index) {
            auto& [record, text] = batch[index];
            storage::AdvisoryRow row = AdvisoryRowOf(record, std::move(text), encodings[index]);
            std::int64_t row_id = 0;
            auto outcome = store.Upsert(row, change_seq, now_, &row_id);
            if (!outcome) return std::unexpected(outcome.error());
            switch (*outcome) {
              case storage::UpsertOutcome::kCreated:
                ++counts.created;
                break;
              case storage::UpsertOutcome::kUpdated:
                ++counts.updated;
                break;
              case storage::UpsertOutcome::kUnchanged:
                ++counts.unchanged;
                continue;
            }
            changed.push_back(index);
            change.changed_rows.push_back(row_id);
            if (record.IsWithdrawn()) change.withdrawn_rows.insert(row_id);
            row_ids[record.id] = {row_id, row.vuln_key};
          }
          if (!changed.empty()) {
            // One flaw under several ids across records is one vulnerability: keys follow groups.
            auto keys = store.MergeAliasGroups(change.changed_rows, change_seq);
            if (!keys) return std::unexpected(keys.error());
            for (auto& [record_id, meta] : row_ids) meta.second = keys->at(meta.first);
            if (auto bumped = store.BumpGeneration(); !bumped)
              return std::unexpected(bumped.error());
            if (auto matched = Match(batch, changed, row_ids, change, problems); !matched) {
              return matched;
            }
            if (auto applied = ApplyBatchChange(connection_, change, now_, today_, report);
                !applied) {
              return applied;
            }
          }
          return {};
        });
  }

 private:
  /// Compiles the changed records, notes the entries that cannot be (broken ranges, unknown
  /// ecosystems), and matches the current components of the packages they name.
  Result<void> Match(
      const std::vector<std::pair<advisory::Record, std::string>>& batch,
      const std::vector<std::size_t>& changed,
      const std::unordered_map<std::string, std::pair<std::int64_t, std::string>>& row_ids,
      BatchChange& change, std::vector<std::string>& problems) {
    vuln::AdvisoryIndex index;
    std::set<std::pair<std::string, std::string>> packages;
    std::vector<vuln::IndexProblem> index_problems;
    for (const std::size_t position : changed) {
      const advisory::Record& record = batch[position].first;
      if (record.IsWithdrawn()) continue;
      index.Add(record, &index_problems);
      for (const advisory::Affected& affected : record.affected) {
        if (auto ecosystem = version::FindEcosystem(affected.package.ecosystem)) {
          packages.emplace(std::string(version::Name(*ecosystem)),
                           vuln::NormalizePackageName(*ecosystem, affected.package.name));
        }
      }
    }
    for (const vuln::IndexProblem& problem : index_problems) {
      problems.push_back(
          fmt::format("{}: {} ({})", problem.record_id, problem.message, problem.code));
    }
    storage::SbomStore sboms(connection_);
    auto components = sboms.CurrentComponentsOf({packages.begin(), packages.end()});
    if (!components) return std::unexpected(components.error());
    components_ = std::move(*components);
    for (const storage::CurrentComponent& component : components_) {
      const auto ecosystem = version::FindEcosystem(component.ecosystem);
      if (!ecosystem) continue;
      auto matches =
          index.Match(vuln::PackageVersion{{*ecosystem, component.package}, component.version});
      if (!matches) continue;
      for (vuln::RecordMatch& match : *matches) {
        const auto& [row_id, vuln_key] = row_ids.at(index.Info(match.record).id);
        change.hits.push_back(
            {&component, row_id, vuln_key, std::move(match.severity), std::move(match.fixed)});
      }
    }
    return {};
  }

  storage::Connection& connection_;
  std::string now_;
  std::string today_;
  std::vector<storage::CurrentComponent> components_;  // the batch's, which hits point into
};

/// One batch of NVD CVEs: keeps each for CVSS enrichment (`nvd_cves`), stores those with
/// vulnerable CPE criteria as advisories of source "nvd", and matches the changed ones against
/// the current components that are matched by CPE, in one transaction.
class NvdBatchWriter {
 public:
  NvdBatchWriter(storage::Connection& connection, std::string now, std::string today)
      : connection_(connection), now_(std::move(now)), today_(std::move(today)) {}

  Result<void> Write(std::span<const advisory::NvdCve> batch, AdvisoryImportReport& report) {
    return CommitBatch(
        connection_, report,
        [&](storage::ImportCounts& counts, std::vector<std::string>& problems) -> Result<void> {
          storage::AdvisoryStore store(connection_);
          auto generation = store.LockGeneration();
          if (!generation) return std::unexpected(generation.error());
          const std::int64_t change_seq = *generation + 1;
          BatchChange change;
          vuln::CpeIndex index;
          std::vector<std::pair<std::int64_t, std::string>> rows_of_index;  // row id, vuln key
          for (const advisory::NvdCve& cve : batch) {
            storage::NvdRow row;
            row.cve_id = cve.id;
            row.last_modified = cve.last_modified;
            const auto severity = NvdSeverityOf(cve);
            row.cvss_v3_tenths = TenthsOf(severity);
            if (severity) row.cvss_vector = severity->vector;
            row.description = std::string(cve.Description());
            std::size_t unreadable = 0;
            std::vector<cpe::MatchCriterion> criteria =
                vuln::VulnerableCriteriaOf(cve, &unreadable);
            if (unreadable > 0) {
              problems.push_back(fmt::format(
                  "{}: {} CPE match {} could not be read and {} left out", cve.id, unreadable,
                  unreadable == 1 ? "criterion" : "criteria", unreadable == 1 ? "is" : "are"));
            }
            storage::AdvisoryRow advisory = NvdAdvisoryRowOf(cve, criteria);
            // What the platform keeps of the item: the advisory body (the NVD's own text is not
            // kept by the reader).
            row.body = advisory.body;
            row.digest = advisory.digest;
            auto outcome = store.UpsertNvd(row, now_);
            if (!outcome) return std::unexpected(outcome.error());
            (*outcome == storage::UpsertOutcome::kCreated   ? counts.created
             : *outcome == storage::UpsertOutcome::kUpdated ? counts.updated
                                                            : counts.unchanged) += 1;
            // A CVE without vulnerable criteria is an advisory only if it was one before (its
            // criteria were removed: its findings close).
            if (criteria.empty() && advisory.withdrawn.empty()) {
              auto known = connection_.Query(
                  "SELECT 1 FROM advisories WHERE advisory_id = $1 AND source = 'nvd'", {cve.id});
              if (!known) return std::unexpected(known.error());
              if (known->rows.empty()) continue;
            }
            std::int64_t row_id = 0;
            auto stored = store.Upsert(advisory, change_seq, now_, &row_id);
            if (!stored) return std::unexpected(stored.error());
            if (*stored == storage::UpsertOutcome::kUnchanged) continue;
            change.changed_rows.push_back(row_id);
            if (!advisory.withdrawn.empty()) {
              change.withdrawn_rows.insert(row_id);
              continue;
            }
            index.Add(cve.id, std::move(criteria), severity);
            rows_of_index.emplace_back(row_id, advisory.vuln_key);
          }
          if (!change.changed_rows.empty()) {
            auto keys = store.MergeAliasGroups(change.changed_rows, change_seq);
            if (!keys) return std::unexpected(keys.error());
            for (auto& [row_id, vuln_key] : rows_of_index) vuln_key = keys->at(row_id);
            if (auto bumped = store.BumpGeneration(); !bumped)
              return std::unexpected(bumped.error());
            auto components = storage::SbomStore(connection_).CurrentCpeComponents();
            if (!components) return std::unexpected(components.error());
            components_ = std::move(*components);
            for (const storage::CurrentComponent& component : components_) {
              const auto target = CpeTargetOfCell(component.cpes_json);
              if (!target) continue;
              for (const std::uint32_t record : index.Match(target->wfn)) {
                const auto& [row_id, vuln_key] = rows_of_index[record];
                change.hits.push_back({&component, row_id, vuln_key, index.Severity(record), {}});
              }
            }
            if (auto applied = ApplyBatchChange(connection_, change, now_, today_, report);
                !applied) {
              return applied;
            }
          }
          return {};
        });
  }

 private:
  storage::Connection& connection_;
  std::string now_;
  std::string today_;
  std::vector<storage::CurrentComponent> components_;
};

/// Alerts the stakeholders of every system with an open finding of a vulnerability that the
/// KEV catalogue has just added (`added`, CVE ids): known exploitation changes what to fix first.
Result<void> AlertNewlyExploited(storage::Connection& connection,
                                 const std::vector<std::string>& added, const std::string& now,
                                 const std::string& today, AdvisoryImportReport& report) {
  std::map<std::int64_t, std::pair<std::string, std::set<std::string>>> by_system;
  constexpr std::size_t kChunk = 400;
  for (std::size_t first = 0; first < added.size(); first += kChunk) {
    const std::size_t count = std::min(kChunk, added.size() - first);
    std::vector<storage::Param> params;
    std::string list;
    for (std::size_t index = 0; index < count; ++index) {
      if (index > 0) list += ", ";
      params.emplace_back(added[first + index]);
      list += fmt::format("${}", params.size());
    }
    auto rows = connection.Query(
        fmt::format("SELECT DISTINCT f.system_id, s.system_id, f.vuln_key FROM findings f JOIN "
                    "systems s ON s.id = f.system_id AND s.deleted_at IS NULL WHERE f.closed_at "
                    "IS NULL AND (f.vuln_key IN ({0}) OR f.advisory_id IN (SELECT advisory_id "
                    "FROM advisory_aliases WHERE alias IN ({0})))",
                    list),
        params);
    if (!rows) return std::unexpected(rows.error());
    for (auto& row : rows->rows) {
      auto& [system_key, keys] = by_system[IntOf(row[0])];
      system_key = std::move(*row[1]);
      keys.insert(std::move(*row[2]));
    }
  }
  storage::SbomStore sboms(connection);
  for (const auto& [system_id, entry] : by_system) {
    const auto& [system_key, keys] = entry;
    const storage::NewNotification notification = SystemAlert(
        "kevAdded", "critical", system_id, system_key,
        fmt::format("{}: {} {} newly listed as known exploited (CISA KEV)", system_key, keys.size(),
                    keys.size() == 1 ? "vulnerability with open findings is"
                                     : "vulnerabilities with open findings are"),
        {keys.begin(), keys.end()});
    if (auto sent = sboms.NotifyStakeholders(notification, today, now); !sent) {
      return std::unexpected(sent.error());
    }
    ++report.systems_alerted;
  }
  return {};
}

Result<std::string> ReadWholeFile(const std::filesystem::path& path, std::size_t limit) {
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  if (error)
    return Fail(
        Error::BadRequest(fmt::format("cannot read {}: {}", path.string(), error.message())));
  if (size > limit) {
    return Fail(
        Error::TooLarge(fmt::format("{} is larger than {} MiB", path.string(), limit >> 20)));
  }
  std::ifstream stream(path, std::ios::binary);
  std::string bytes(static_cast<std::size_t>(size), '\0');
  stream.read(bytes.data(), static_cast<std::streamsize>(size));
  if (!stream) return Fail(Error::BadRequest(fmt::format("cannot read {}", path.string())));
  return bytes;
}

}  // namespace

Result<AdvisoryImportReport> VulnerabilityService::ImportAdvisories(
    const Caller& caller, const std::filesystem::path& path,
    const std::function<void(const AdvisoryImportProgress&)>& progress) {
  if (caller.role != domain::Role::kAuthority) return Fail(Error::Forbidden());
  AdvisoryImportReport report;
  std::error_code fs_error;
  const bool directory = std::filesystem::is_directory(path, fs_error);
  std::string bytes;
  advisory::AdvisoryFormat format = advisory::AdvisoryFormat::kUnknown;
  if (directory) {
    report.format = "osvDirectory";
  } else {
    if (!std::filesystem::is_regular_file(path, fs_error)) {
      return Fail(Error::BadRequest(
          fmt::format("{} is neither a directory nor a readable file", path.string()), "notFound"));
    }
    // Archives are read in place; other files whole (the KEV and NVD files are tens of MB).
    std::ifstream head_stream(path, std::ios::binary);
    std::string head(4096, '\0');
    head_stream.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(head_stream.gcount()));
    format = advisory::DetectAdvisoryFormat(head);
    if (format != advisory::AdvisoryFormat::kOsvZip) {
      auto whole = ReadWholeFile(path, std::size_t{2} << 30);
      if (!whole) return std::unexpected(whole.error());
      bytes = std::move(*whole);
      format = advisory::DetectAdvisoryFormat(bytes);
    }
    if (format == advisory::AdvisoryFormat::kUnknown) {
      return Fail(Error::BadRequest(
          fmt::format("{} is not an advisory file SupplyGuard reads (an OSV record or archive, an "
                      "NVD CVE API 2.0 file, the CISA KEV catalogue or an EPSS CSV)",
                      path.string()),
          "unknownAdvisoryFormat"));
    }
    report.format = std::string(advisory::AdvisoryFormatName(format));
  }

  auto connection = database_.Acquire();
  if (!connection) return std::unexpected(connection.error());
  const std::string now = FormatTimestamp(clock_.Now());
  const std::string today = ScopeOf(caller, clock_).today;
  storage::AdvisoryStore store(**connection);
  auto import_id = store.StartImport(path.string(), report.format, now);
  if (!import_id) return std::unexpected(import_id.error());
  report.import_id = *import_id;
  auto reject = [&](std::string reason) {
    ++report.counts.rejected;
    if (report.rejections.size() < kKeptRejections) report.rejections.push_back(std::move(reason));
  };
  auto finish = [&](const Result<void>& outcome) -> Result<AdvisoryImportReport> {
    const std::string end = FormatTimestamp(clock_.Now());
    (void)store.UpdateImport(*import_id, report.counts,
                             outcome ? std::string_view("complete") : std::string_view("failed"),
                             outcome ? "" : outcome.error().message, end);
    if (!outcome) return std::unexpected(outcome.error());
    if (audit_) {
      AuditEvent event{"advisory.import", "advisory_import", IdText(*import_id),
                       json::object{{"source", path.string()},
                                    {"format", report.format},
                                    {"read", report.counts.read},
                                    {"created", report.counts.created},
                                    {"updated", report.counts.updated},
                                    {"rejected", report.counts.rejected},
                                    {"findings_opened", report.findings_opened}}};
      (void)audit_->Record(**connection, caller, event);
    }
    return report;
  };

  if (format == advisory::AdvisoryFormat::kKevCatalogue) {
    auto catalogue = advisory::ParseKevCatalogue(bytes);
    if (!catalogue) return finish(std::unexpected(catalogue.error()));
    std::vector<storage::KevRow> rows;
    for (const advisory::KevEntry& entry : catalogue->entries) {
      rows.push_back({entry.cve_id, entry.vendor_project, entry.product, entry.vulnerability_name,
                      entry.date_added, entry.due_date, entry.required_action,
                      entry.known_ransomware_campaign_use});
    }
    for (const auto& rejection : catalogue->rejected) {
      reject(fmt::format("vulnerabilities[{}]: {}", rejection.index, rejection.error.message));
    }
    report.counts.read = static_cast<std::int64_t>(rows.size() + catalogue->rejected.size());
    report.counts.created = static_cast<std::int64_t>(rows.size());
    auto stored = storage::InTransaction(**connection, [&]() -> Result<void> {
      auto before = (**connection).Query("SELECT cve_id FROM kev");
      if (!before) return std::unexpected(before.error());
      std::set<std::string> known;
      for (auto& row : before->rows) known.insert(std::move(*row[0]));
      if (auto replaced = store.ReplaceKev(rows, catalogue->catalog_version); !replaced) {
        return replaced;
      }
      std::vector<std::string> added;
      for (const storage::KevRow& row : rows) {
        if (!known.contains(row.cve_id)) added.push_back(row.cve_id);
      }
      return AlertNewlyExploited(**connection, added, now, today, report);
    });
    return finish(stored);
  }
  if (format == advisory::AdvisoryFormat::kEpssCsv) {
    auto table = advisory::ParseEpss(bytes);
    if (!table) return finish(std::unexpected(table.error()));
    std::vector<storage::EpssRow> rows;
    rows.reserve(table->scores.size());
    for (const advisory::EpssScore& score : table->scores) {
      rows.push_back(
          {score.cve, std::llround(score.epss * 1e6), std::llround(score.percentile * 1e6)});
    }
    for (const auto& rejection : table->rejected) {
      reject(fmt::format("line {}: {}", rejection.line, rejection.error.message));
    }
    report.counts.read = static_cast<std::int64_t>(rows.size() + table->rejected.size());
    report.counts.created = static_cast<std::int64_t>(rows.size());
    auto stored = storage::InTransaction(
        **connection, [&]() -> Result<void> { return store.ReplaceEpss(rows, table->score_date); });
    return finish(stored);
  }
  if (format == advisory::AdvisoryFormat::kNvdFeed) {
    auto feed = advisory::ParseNvdFeed(bytes);
    if (!feed) return finish(std::unexpected(feed.error()));
    for (const auto& rejection : feed->rejected) {
      reject(fmt::format("vulnerabilities[{}]: {}", rejection.index, rejection.error.message));
    }
    report.counts.read = static_cast<std::int64_t>(feed->cves.size() + feed->rejected.size());
    NvdBatchWriter writer(**connection, now, today);
    const std::span<const advisory::NvdCve> cves(feed->cves);
    for (std::size_t first = 0; first < cves.size(); first += kImportBatch) {
      auto written =
          writer.Write(cves.subspan(first, std::min(kImportBatch, cves.size() - first)), report);
      if (!written) return finish(written);
      (void)store.UpdateImport(*import_id, report.counts, std::nullopt, "",
                               FormatTimestamp(clock_.Now()));
      if (progress) progress({first + std::min(kImportBatch, cves.size() - first), cves.size()});
    }
    return finish({});
  }

  // OSV: a directory, an archive or one record.
  std::unique_ptr<advisory::RecordSource> source;
  if (directory) {
    auto opened = advisory::OpenOsvDirectory(path);
    if (!opened) return finish(std::unexpected(opened.error()));
    source = std::move(*opened);
  } else if (format == advisory::AdvisoryFormat::kOsvZip) {
    auto opened = advisory::OpenOsvZip(path);
    if (!opened) return finish(std::unexpected(opened.error()));
    source = std::move(*opened);
  }
  OsvBatchWriter writer(**connection, now, today);
  std::vector<std::pair<advisory::Record, std::string>> batch;
  std::vector<advisory::OsvEncoding> encodings;
  auto flush = [&]() -> Result<void> {
    if (batch.empty()) return {};
    auto written = writer.Write(batch, encodings, report);
    batch.clear();
    encodings.clear();
    if (!written) return written;
    (void)store.UpdateImport(*import_id, report.counts, std::nullopt, "",
                             FormatTimestamp(clock_.Now()));
    return {};
  };
  if (!source) {
    const auto encoding = format == advisory::AdvisoryFormat::kOsvYaml
                              ? advisory::OsvEncoding::kYaml
                              : advisory::OsvEncoding::kJson;
    advisory::OsvReader reader;
    auto record = reader.Read(bytes, encoding, path.filename().string());
    report.counts.read = 1;
    if (!record) return finish(std::unexpected(record.error()));
    batch.emplace_back(std::move(*record), std::move(bytes));
    encodings.push_back(encoding);
    return finish(flush());
  }
  while (true) {
    auto item = source->Next();
    if (!item) return finish(std::unexpected(item.error()));
    if (!*item) break;
    ++report.counts.read;
    if (!(*item)->record) {
      reject(fmt::format("{}: {}", (*item)->origin, (*item)->record.error().message));
      continue;
    }
    batch.emplace_back(std::move(*(*item)->record), std::move((*item)->text));
    encodings.push_back((*item)->encoding);
    if (batch.size() >= kImportBatch) {
      if (auto flushed = flush(); !flushed) return finish(flushed);
      if (progress) {
        const auto done = source->Progress();
        progress({done.items_done, done.items_total});
      }
    }
  }
  return finish(flush());
}

}  // namespace sg::service
