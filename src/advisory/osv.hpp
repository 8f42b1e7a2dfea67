#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

/// OSV advisory records (https://ossf.github.io/osv-schema/): the model and its JSON/YAML reader.
/// The reader checks structure and the schema's rules (one kind per event, an `introduced` in
/// every range, no `fixed` beside `last_affected`, …); versions are checked against their
/// ecosystem's ordering later, when a record is compiled (advisory/evaluation.hpp).
namespace sg::advisory {

/// A non-fatal finding about a record: it was loaded, but something in it is doubtful.
struct Issue {
  std::string field;    // JSON path, e.g. "affected[0].ranges[1].events"
  std::string code;     // stable camelCase, e.g. "overlappingEvent"
  std::string message;  // a sentence for the person running the import
};

/// The scoring method of a `severity` entry.
enum class SeverityType { kCvssV2, kCvssV3, kCvssV4, kUbuntu, kOther };

/// One `severity` entry: its type and score string (a CVSS vector, or an Ubuntu priority).
struct Severity {
  SeverityType type = SeverityType::kOther;
  std::string type_name;  // as written, e.g. "CVSS_V3"
  std::string score;
};

/// How a range's event versions are ordered.
enum class RangeType {
  kSemVer,     // SemVer 2.0.0 precedence
  kEcosystem,  // the package ecosystem's own ordering
  kGit,        // commit hashes: needs the repository's graph, so never matched by version
};

/// What an event says about the versions from it onwards.
enum class EventKind { kIntroduced, kFixed, kLastAffected, kLimit };

/// One entry of `affected[].ranges[].events`.
struct Event {
  EventKind kind = EventKind::kIntroduced;
  std::string version;
};

/// One `affected[].ranges[]` entry, events in the order the record gives them.
struct Range {
  RangeType type = RangeType::kEcosystem;
  std::string repo;
  std::vector<Event> events;
  std::string database_specific_json;  // kept verbatim (minified), empty when absent
};

/// `affected[].package`: ecosystem ("PyPI", "Debian:12"), name, optional purl (no version).
struct Package {
  std::string ecosystem;
  std::string name;
  std::string purl;
};

/// One `affected[]` entry: a package and the versions of it the record affects.
struct Affected {
  Package package;
  std::vector<Severity> severity;
  std::vector<Range> ranges;
  std::vector<std::string> versions;
  std::string ecosystem_specific_json;  // kept verbatim (minified), empty when absent
  std::string database_specific_json;   // kept verbatim (minified), empty when absent
};

/// One `references[]` entry.
struct Reference {
  std::string type;  // ADVISORY, FIX, WEB, …
  std::string url;
};

/// One `credits[]` entry.
struct Credit {
  std::string name;
  std::string type;
  std::vector<std::string> contact;
};

/// An OSV vulnerability record (安全通報 — a security advisory).
struct Record {
  std::string schema_version;
  std::string id;
  std::string modified;
  std::string published;
  std::string withdrawn;  // empty when the record is in force
  std::vector<std::string> aliases;
  std::vector<std::string> related;
  std::vector<std::string> upstream;
  std::string summary;
  std::string details;
  std::vector<Severity> severity;
  std::vector<Affected> affected;
  std::vector<Reference> references;
  std::vector<Credit> credits;
  std::string database_specific_json;  // kept verbatim (minified), empty when absent
  /// `database_specific.severity` when it is a string (GitHub: "LOW" … "CRITICAL").
  std::string database_severity;
  /// Doubtful but non-fatal findings (see Issue); empty for a clean record.
  std::vector<Issue> issues;

  /// True when the record has been withdrawn: a matcher must ignore it.
  bool IsWithdrawn() const { return !withdrawn.empty(); }
};

/// The text encodings an OSV record is read from.
enum class OsvEncoding { kJson, kYaml };

/// Options of the OSV reader.
struct OsvReadOptions {
  /// Refuse a record that has any Issue, as the OSV linter would (default: load it and report).
  bool strict = false;
  /// Keep `details`, `database_specific` and `ecosystem_specific` (off saves memory in a matcher).
  bool keep_text = true;
  /// Largest record accepted, in bytes.
  std::size_t max_record_bytes = 16u << 20;
};

/// Reads OSV records one after another, reusing its parser's buffers. Not thread-safe: use one
/// reader per thread. Errors: "malformedJson"/"malformedYaml" (not parseable),
/// "invalidAdvisory" (parseable but breaks the schema: `fields` maps each JSON path to its
/// problem codes and the message names the record and the first problems), "recordTooLarge".
class OsvReader {
 public:
  explicit OsvReader(OsvReadOptions options = {});
  ~OsvReader();
  OsvReader(OsvReader&&) noexcept;
  OsvReader& operator=(OsvReader&&) noexcept;

  /// Reads one record from JSON text. `origin` (a file name) only labels error messages.
  Result<Record> ReadJson(std::string_view text, std::string_view origin = {});

  /// Reads one record from YAML text (as the R advisory database stores them). Every scalar is
  /// read as a string; anchors are expanded within the size limit.
  Result<Record> ReadYaml(std::string_view text, std::string_view origin = {});

  /// Reads one record in `encoding`.
  Result<Record> Read(std::string_view text, OsvEncoding encoding, std::string_view origin = {});

 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// Reads one OSV record from JSON with default options (convenience; an OsvReader is faster for
/// many records).
Result<Record> ParseOsvJson(std::string_view text);

/// Reads one OSV record from YAML with default options.
Result<Record> ParseOsvYaml(std::string_view text);

/// The OSV name of a severity type ("CVSS_V3", …) and back; unknown names give kOther.
SeverityType SeverityTypeFromName(std::string_view name);

/// The OSV name of a range type ("SEMVER", "ECOSYSTEM", "GIT").
std::string_view RangeTypeName(RangeType type);

/// The OSV key of an event kind ("introduced", "fixed", "last_affected", "limit").
std::string_view EventKindName(EventKind kind);

}  // namespace sg::advisory
