#include "advisory/osv.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <exception>
#include <set>
#include <utility>

#include "advisory/cvss.hpp"
#include "advisory/json_support.hpp"

namespace sg::advisory {
namespace {

using detail::FieldPath;
using detail::IndexPath;
using detail::Problems;
using detail::TypeName;

constexpr std::array<std::pair<EventKind, std::string_view>, 4> kEventKeys{{
    {EventKind::kIntroduced, "introduced"},
    {EventKind::kFixed, "fixed"},
    {EventKind::kLastAffected, "last_affected"},
    {EventKind::kLimit, "limit"},
}};

// A YAML document expands to at most this many nodes (anchors can make a small file huge).
constexpr std::size_t kMaxYamlNodes = 1'000'000;
constexpr std::size_t kMaxYamlDepth = 64;

// True for an RFC 3339 UTC timestamp as the OSV schema writes them: YYYY-MM-DDTHH:MM:SS[.f]Z.
bool IsOsvTimestamp(std::string_view text) {
  constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd";
  if (text.size() < kShape.size() + 1 || text.back() != 'Z') return false;
  for (std::size_t index = 0; index < kShape.size(); ++index) {
    const char expected = kShape[index];
    const char actual = text[index];
    if (expected == 'd' ? (actual < '0' || actual > '9') : actual != expected) return false;
  }
  std::string_view rest = text.substr(kShape.size(), text.size() - kShape.size() - 1);
  if (rest.empty()) return true;
  if (rest.front() != '.' || rest.size() < 2) return false;
  return std::all_of(rest.begin() + 1, rest.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsCommitHash(std::string_view text) {
  if (text.size() != 40 && text.size() != 64) return false;
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool HasSpaceOrControl(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) <= ' ' || c == 0x7f; });
}

// Parses one document into a Record; `problems` gathers what makes it invalid (errors) and
// `issues` what is merely doubtful.
class RecordParser {
 public:
  RecordParser(const OsvReadOptions& options, Problems& problems, Problems& issues)
      : options_(options), problems_(problems), issues_(issues) {}

  Record Parse(simdjson::dom::element root) {
    Record record;
    simdjson::dom::object object;
    if (root.get_object().get(object) != simdjson::SUCCESS) {
      problems_.Add("", "mustBeObject",
                    fmt::format("an OSV record is a JSON object, not {}", TypeName(root)));
      return record;
    }
    detail::ReadString(object, "schema_version", "", problems_, record.schema_version);
    if (!detail::ReadString(object, "id", "", problems_, record.id)) {
      if (!detail::FindMember(object, "id")) {
        problems_.Add("id", "required", "every record needs an \"id\"");
      }
    } else if (record.id.empty()) {
      problems_.Add("id", "required", "every record needs a non-empty \"id\"");
    } else if (HasSpaceOrControl(record.id) || record.id.size() > 256) {
      problems_.Add("id", "invalidId", "an id has no spaces or control characters");
    }
    if (!detail::ReadString(object, "modified", "", problems_, record.modified) &&
        !detail::FindMember(object, "modified")) {
      problems_.Add("modified", "required",
                    "every record needs a \"modified\" timestamp (RFC 3339, UTC)");
    }
    ReadTimestamp("modified", record.modified);
    if (detail::ReadString(object, "published", "", problems_, record.published)) {
      ReadTimestamp("published", record.published);
    }
    if (detail::ReadString(object, "withdrawn", "", problems_, record.withdrawn)) {
      ReadTimestamp("withdrawn", record.withdrawn);
    }
    ReadIdList(object, "aliases", record.id, record.aliases);
    ReadIdList(object, "related", record.id, record.related);
    ReadIdList(object, "upstream", record.id, record.upstream);
    detail::ReadString(object, "summary", "", problems_, record.summary);
    if (options_.keep_text) detail::ReadString(object, "details", "", problems_, record.details);
    record.severity = ReadSeverities(object, "");

    if (std::optional<simdjson::dom::array> affected =
            detail::ReadArray(object, "affected", "", problems_)) {
      std::size_t index = 0;
      for (simdjson::dom::element item : *affected) {
        ReadAffected(item, IndexPath("affected", index), record);
        ++index;
      }
    }
    if (record.affected.empty() && !record.IsWithdrawn()) {
      issues_.Add("affected", "noAffectedData",
                  "the record lists no affected package, so it can match nothing");
    }
    if (!record.severity.empty()) {
      for (std::size_t index = 0; index < record.affected.size(); ++index) {
        if (!record.affected[index].severity.empty()) {
          issues_.Add(IndexPath("affected", index) + ".severity", "severityTwice",
                      "a package-level severity is not allowed beside a record-level one");
        }
      }
    }

    if (std::optional<simdjson::dom::array> references =
            detail::ReadArray(object, "references", "", problems_)) {
      std::size_t index = 0;
      for (simdjson::dom::element item : *references) {
        ReadReference(item, IndexPath("references", index), record);
        ++index;
      }
    }
    if (std::optional<simdjson::dom::array> credits =
            detail::ReadArray(object, "credits", "", problems_)) {
      std::size_t index = 0;
      for (simdjson::dom::element item : *credits) {
        ReadCredit(item, IndexPath("credits", index), record);
        ++index;
      }
    }
    if (std::optional<simdjson::dom::object> specific =
            detail::ReadObject(object, "database_specific", "", problems_)) {
      std::string_view severity;
      if ((*specific)["severity"].get_string().get(severity) == simdjson::SUCCESS) {
        record.database_severity.assign(severity);
      }
      if (options_.keep_text) record.database_specific_json = detail::Minify(*specific);
    }
    return record;
  }

 private:
  void ReadTimestamp(std::string_view field, std::string_view value) {
    if (value.empty() || IsOsvTimestamp(value)) return;
    issues_.Add(std::string(field), "invalidTimestamp",
                fmt::format("\"{}\" is not an RFC 3339 UTC timestamp (YYYY-MM-DDTHH:MM:SSZ)",
                            value.substr(0, 64)));
  }

  void ReadIdList(simdjson::dom::object object, std::string_view key, std::string_view id,
                  std::vector<std::string>& out) {
    detail::ReadStringArray(object, key, "", problems_, out);
    std::set<std::string_view> seen;
    bool duplicate = false;
    bool self = false;
    for (const std::string& entry : out) {
      if (!seen.insert(entry).second) duplicate = true;
      if (entry == id) self = true;
    }
    if (duplicate) {
      issues_.Add(std::string(key), "duplicateEntry", "an id is listed more than once");
    }
    if (self) {
      issues_.Add(std::string(key), "containsItself", "the record's own id is listed");
    }
  }

  std::vector<Severity> ReadSeverities(simdjson::dom::object object, std::string_view path) {
    std::vector<Severity> result;
    const std::optional<simdjson::dom::array> items =
        detail::ReadArray(object, "severity", path, problems_);
    if (!items) return result;
    const std::string field = FieldPath(path, "severity");
    std::size_t index = 0;
    for (simdjson::dom::element item : *items) {
      const std::string item_path = IndexPath(field, index++);
      simdjson::dom::object entry;
      if (item.get_object().get(entry) != simdjson::SUCCESS) {
        problems_.Add(item_path, "mustBeObject",
                      fmt::format("must be an object, not {}", TypeName(item)));
        continue;
      }
      Severity severity;
      const bool has_type =
          detail::ReadString(entry, "type", item_path, problems_, severity.type_name);
      const bool has_score =
          detail::ReadString(entry, "score", item_path, problems_, severity.score);
      if (!has_type || !has_score) {
        if (!has_type) problems_.Add(FieldPath(item_path, "type"), "required", "is required");
        if (!has_score) problems_.Add(FieldPath(item_path, "score"), "required", "is required");
        continue;
      }
      severity.type = SeverityTypeFromName(severity.type_name);
      CheckSeverity(severity, item_path);
      result.push_back(std::move(severity));
    }
    return result;
  }

  void CheckSeverity(const Severity& severity, const std::string& path) {
    Result<void> valid;
    switch (severity.type) {
      case SeverityType::kCvssV3: {
        Result<CvssV3> scored = ScoreCvssV3(severity.score);
        if (!scored) valid = std::unexpected(std::move(scored.error()));
        break;
      }
      case SeverityType::kCvssV2: {
        Result<double> scored = ScoreCvssV2(severity.score);
        if (!scored) valid = std::unexpected(std::move(scored.error()));
        break;
      }
      case SeverityType::kCvssV4:
        valid = ValidateCvssV4(severity.score);
        break;
      case SeverityType::kUbuntu:
        break;
      case SeverityType::kOther:
        issues_.Add(FieldPath(path, "type"), "unknownSeverityType",
                    fmt::format("\"{}\" is not a severity type of the OSV schema; kept as is",
                                severity.type_name.substr(0, 64)));
        break;
    }
    if (!valid) issues_.Add(FieldPath(path, "score"), "invalidCvssVector", valid.error().message);
  }

  void ReadAffected(simdjson::dom::element item, const std::string& path, Record& record) {
    simdjson::dom::object object;
    if (item.get_object().get(object) != simdjson::SUCCESS) {
      problems_.Add(path, "mustBeObject", fmt::format("must be an object, not {}", TypeName(item)));
      return;
    }
    Affected affected;
    if (std::optional<simdjson::dom::object> package =
            detail::ReadObject(object, "package", path, problems_)) {
      const std::string package_path = FieldPath(path, "package");
      if (!detail::ReadString(*package, "ecosystem", package_path, problems_,
                              affected.package.ecosystem) ||
          affected.package.ecosystem.empty()) {
        problems_.Add(FieldPath(package_path, "ecosystem"), "required",
                      "a package needs its ecosystem");
      }
      if (!detail::ReadString(*package, "name", package_path, problems_, affected.package.name) ||
          affected.package.name.empty()) {
        problems_.Add(FieldPath(package_path, "name"), "required", "a package needs its name");
      }
      detail::ReadString(*package, "purl", package_path, problems_, affected.package.purl);
    }
    affected.severity = ReadSeverities(object, path);
    if (std::optional<simdjson::dom::array> ranges =
            detail::ReadArray(object, "ranges", path, problems_)) {
      const std::string ranges_path = FieldPath(path, "ranges");
      std::size_t index = 0;
      for (simdjson::dom::element range : *ranges) {
        ReadRange(range, IndexPath(ranges_path, index++), affected);
      }
    }
    detail::ReadStringArray(object, "versions", path, problems_, affected.versions);
    if (affected.ranges.empty() && affected.versions.empty()) {
      issues_.Add(path, "noAffectedVersions",
                  "neither ranges nor versions are given, so no version can match");
    }
    if (options_.keep_text) {
      if (std::optional<simdjson::dom::object> specific =
              detail::ReadObject(object, "ecosystem_specific", path, problems_)) {
        affected.ecosystem_specific_json = detail::Minify(*specific);
      }
      if (std::optional<simdjson::dom::object> specific =
              detail::ReadObject(object, "database_specific", path, problems_)) {
        affected.database_specific_json = detail::Minify(*specific);
      }
    }
    record.affected.push_back(std::move(affected));
  }

  void ReadRange(simdjson::dom::element item, const std::string& path, Affected& affected) {
    simdjson::dom::object object;
    if (item.get_object().get(object) != simdjson::SUCCESS) {
      problems_.Add(path, "mustBeObject", fmt::format("must be an object, not {}", TypeName(item)));
      return;
    }
    Range range;
    std::string type;
    if (!detail::ReadString(object, "type", path, problems_, type)) {
      problems_.Add(FieldPath(path, "type"), "required",
                    "a range needs its type (SEMVER, ECOSYSTEM or GIT)");
      return;
    }
    if (type == "SEMVER") {
      range.type = RangeType::kSemVer;
    } else if (type == "ECOSYSTEM") {
      range.type = RangeType::kEcosystem;
    } else if (type == "GIT") {
      range.type = RangeType::kGit;
    } else {
      problems_.Add(
          FieldPath(path, "type"), "unknownRangeType",
          fmt::format("\"{}\" is not a range type (SEMVER, ECOSYSTEM or GIT)", type.substr(0, 64)));
      return;
    }
    detail::ReadString(object, "repo", path, problems_, range.repo);
    if (range.type == RangeType::kGit && range.repo.empty()) {
      issues_.Add(FieldPath(path, "repo"), "missingRepo", "a GIT range should name its repo");
    }
    if (options_.keep_text) {
      if (std::optional<simdjson::dom::object> specific =
              detail::ReadObject(object, "database_specific", path, problems_)) {
        range.database_specific_json = detail::Minify(*specific);
      }
    }

    const std::string events_path = FieldPath(path, "events");
    const std::optional<simdjson::dom::array> events =
        detail::ReadArray(object, "events", path, problems_);
    if (!events) {
      if (!detail::FindMember(object, "events")) {
        problems_.Add(events_path, "required", "a range needs its events");
      }
      return;
    }
    std::size_t index = 0;
    bool events_valid = true;
    for (simdjson::dom::element event_item : *events) {
      const std::string event_path = IndexPath(events_path, index++);
      std::optional<Event> event = ReadEvent(event_item, event_path, range.type);
      if (event) {
        range.events.push_back(std::move(*event));
      } else {
        events_valid = false;
      }
    }
    if (events_valid) CheckEvents(range, events_path);
    affected.ranges.push_back(std::move(range));
  }

  std::optional<Event> ReadEvent(simdjson::dom::element item, const std::string& path,
                                 RangeType type) {
    simdjson::dom::object object;
    if (item.get_object().get(object) != simdjson::SUCCESS) {
      problems_.Add(path, "mustBeObject", fmt::format("must be an object, not {}", TypeName(item)));
      return std::nullopt;
    }
    std::optional<Event> event;
    std::size_t kinds = 0;
    for (const auto& [kind, key] : kEventKeys) {
      std::string version;
      if (!detail::ReadString(object, key, path, problems_, version)) {
        if (detail::FindMember(object, key)) return std::nullopt;  // of another type: reported
        continue;
      }
      ++kinds;
      if (version.empty()) {
        problems_.Add(FieldPath(path, key), "emptyVersion", "an event's version is not empty");
        return std::nullopt;
      }
      if (type == RangeType::kGit && !(kind == EventKind::kIntroduced && version == "0") &&
          !IsCommitHash(version)) {
        issues_.Add(FieldPath(path, key), "invalidCommit",
                    fmt::format("\"{}\" is not a full-length commit hash", version.substr(0, 80)));
      }
      event = Event{kind, std::move(version)};
    }
    if (kinds != 1) {
      problems_.Add(path, kinds == 0 ? "emptyEvent" : "ambiguousEvent",
                    "an event holds exactly one of introduced, fixed, last_affected and limit");
      return std::nullopt;
    }
    return event;
  }

  // The schema's rules on a range's events, checked without ordering them.
  void CheckEvents(const Range& range, const std::string& path) {
    if (range.events.empty()) {
      problems_.Add(path, "required", "a range needs at least one event");
      return;
    }
    bool has_introduced = false;
    bool has_fixed = false;
    bool has_last_affected = false;
    for (const Event& event : range.events) {
      has_introduced |= event.kind == EventKind::kIntroduced;
      has_fixed |= event.kind == EventKind::kFixed;
      has_last_affected |= event.kind == EventKind::kLastAffected;
    }
    if (!has_introduced) {
      problems_.Add(path, "missingIntroduced",
                    "the range has no \"introduced\" event, so it is not known where it starts");
    }
    if (has_fixed && has_last_affected) {
      issues_.Add(path, "fixedWithLastAffected",
                  "a range should not hold both \"fixed\" and \"last_affected\" events");
    }
    // The OSV linter's "range is distinct" rule: one version both starts and ends a range.
    for (std::size_t first = 0; first < range.events.size(); ++first) {
      if (range.events[first].kind != EventKind::kIntroduced) continue;
      for (const Event& other : range.events) {
        if ((other.kind == EventKind::kFixed || other.kind == EventKind::kLastAffected) &&
            other.version == range.events[first].version) {
          issues_.Add(path, "overlappingEvent",
                      fmt::format("\"{}\" is both introduced and {} in this range",
                                  other.version.substr(0, 80), EventKindName(other.kind)));
        }
      }
    }
  }

  void ReadReference(simdjson::dom::element item, const std::string& path, Record& record) {
    simdjson::dom::object object;
    if (item.get_object().get(object) != simdjson::SUCCESS) {
      problems_.Add(path, "mustBeObject", fmt::format("must be an object, not {}", TypeName(item)));
      return;
    }
    Reference reference;
    detail::ReadString(object, "type", path, problems_, reference.type);
    if (!detail::ReadString(object, "url", path, problems_, reference.url) ||
        reference.url.empty()) {
      issues_.Add(FieldPath(path, "url"), "required", "a reference without a URL was skipped");
      return;
    }
    record.references.push_back(std::move(reference));
  }

  void ReadCredit(simdjson::dom::element item, const std::string& path, Record& record) {
    simdjson::dom::object object;
    if (item.get_object().get(object) != simdjson::SUCCESS) {
      problems_.Add(path, "mustBeObject", fmt::format("must be an object, not {}", TypeName(item)));
      return;
    }
    Credit credit;
    if (!detail::ReadString(object, "name", path, problems_, credit.name) || credit.name.empty()) {
      issues_.Add(FieldPath(path, "name"), "required", "a credit without a name was skipped");
      return;
    }
    detail::ReadString(object, "type", path, problems_, credit.type);
    detail::ReadStringArray(object, "contact", path, problems_, credit.contact);
    record.credits.push_back(std::move(credit));
  }

  const OsvReadOptions& options_;
  Problems& problems_;
  Problems& issues_;
};

// "Advisory GO-2020-0001 (GO-2020-0001.json)", or what is known of it.
std::string Subject(std::string_view id, std::string_view origin) {
  if (!id.empty() && !origin.empty()) return fmt::format("Advisory {} ({})", id, origin);
  if (!id.empty()) return fmt::format("Advisory {}", id);
  if (!origin.empty()) return fmt::format("The advisory in {}", origin);
  return "The advisory";
}

// Converts a YAML document to JSON text with every scalar as a string, within size limits.
class YamlToJson {
 public:
  explicit YamlToJson(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  bool Convert(const YAML::Node& node, std::size_t depth) {
    if (depth > kMaxYamlDepth || ++nodes_ > kMaxYamlNodes || out_.size() > max_bytes_) {
      return false;
    }
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        out_ += "null";
        return true;
      case YAML::NodeType::Scalar:
        detail::AppendJsonString(out_, node.Scalar());
        return true;
      case YAML::NodeType::Sequence: {
        out_.push_back('[');
        bool first = true;
        for (const YAML::Node& child : node) {
          if (!first) out_.push_back(',');
          first = false;
          if (!Convert(child, depth + 1)) return false;
        }
        out_.push_back(']');
        return true;
      }
      case YAML::NodeType::Map: {
        out_.push_back('{');
        bool first = true;
        for (const auto& entry : node) {
          if (!entry.first.IsScalar()) {
            complex_key_ = true;
            return false;
          }
          if (!first) out_.push_back(',');
          first = false;
          detail::AppendJsonString(out_, entry.first.Scalar());
          out_.push_back(':');
          if (!Convert(entry.second, depth + 1)) return false;
        }
        out_.push_back('}');
        return true;
      }
    }
    return false;
  }

  std::string& Text() { return out_; }
  bool ComplexKey() const { return complex_key_; }

 private:
  std::size_t max_bytes_;
  std::size_t nodes_ = 0;
  bool complex_key_ = false;
  std::string out_;
};

Error MalformedYaml(std::string_view subject, std::string why, std::string detail = {}) {
  return Error{ErrorKind::kBadRequest,
               "malformedYaml",
               fmt::format("{} is not valid YAML: {}.", subject, why),
               {},
               std::move(detail)};
}

Error RecordTooLarge(std::string_view subject, std::size_t limit) {
  return Error{
      ErrorKind::kPayloadTooLarge,
      "recordTooLarge",
      fmt::format("{} is larger than the {} MiB an advisory may have.", subject, limit >> 20),
      {},
      {}};
}

}  // namespace

struct OsvReader::State {
  explicit State(OsvReadOptions read_options)
      : options(read_options), parser(detail::MakeParser(read_options.max_record_bytes)) {}
  OsvReadOptions options;
  simdjson::dom::parser parser;
};

OsvReader::OsvReader(OsvReadOptions options) : state_(std::make_unique<State>(options)) {}
OsvReader::~OsvReader() = default;
OsvReader::OsvReader(OsvReader&&) noexcept = default;
OsvReader& OsvReader::operator=(OsvReader&&) noexcept = default;

Result<Record> OsvReader::ReadJson(std::string_view text, std::string_view origin) {
  if (text.size() > state_->options.max_record_bytes) {
    return Fail(RecordTooLarge(Subject({}, origin), state_->options.max_record_bytes));
  }
  if (text.data() == nullptr) text = "";  // simdjson copies from the pointer even when empty
  simdjson::dom::element root;
  if (const simdjson::error_code code = state_->parser.parse(text.data(), text.size()).get(root)) {
    return Fail(detail::MalformedJson(code, Subject({}, origin)));
  }
  Problems problems;
  Problems issues;
  RecordParser parser(state_->options, problems, issues);
  Record record = parser.Parse(root);
  const std::string subject = Subject(record.id, origin);
  if (!problems.Empty()) return Fail(problems.ToError("invalidAdvisory", subject));
  if (state_->options.strict && !issues.Empty()) {
    return Fail(issues.ToError("invalidAdvisory", subject));
  }
  record.issues = issues.Take();
  return record;
}

Result<Record> OsvReader::ReadYaml(std::string_view text, std::string_view origin) {
  const std::string subject = Subject({}, origin);
  if (text.size() > state_->options.max_record_bytes) {
    return Fail(RecordTooLarge(subject, state_->options.max_record_bytes));
  }
  YamlToJson converter(state_->options.max_record_bytes);
  // yaml-cpp reports errors by exception; none may leave this function.
  try {
    const YAML::Node document = YAML::Load(std::string(text));
    if (!converter.Convert(document, 0)) {
      if (converter.ComplexKey()) return Fail(MalformedYaml(subject, "a mapping key is not text"));
      return Fail(MalformedYaml(subject, "it expands to more data than an advisory may have"));
    }
  } catch (const YAML::Exception& error) {
    return Fail(MalformedYaml(
        subject, fmt::format("line {}: {}", error.mark.line + 1, error.msg.substr(0, 200)),
        error.what()));
  } catch (const std::exception& error) {
    return Fail(MalformedYaml(subject, "it could not be read", error.what()));
  }
  Result<Record> record = ReadJson(converter.Text(), origin);
  if (!record && record.error().code == "malformedJson") {
    return Fail(MalformedYaml(subject, "it is not valid UTF-8", record.error().detail));
  }
  return record;
}

Result<Record> OsvReader::Read(std::string_view text, OsvEncoding encoding,
                               std::string_view origin) {
  return encoding == OsvEncoding::kYaml ? ReadYaml(text, origin) : ReadJson(text, origin);
}

Result<Record> ParseOsvJson(std::string_view text) { return OsvReader().ReadJson(text); }

Result<Record> ParseOsvYaml(std::string_view text) { return OsvReader().ReadYaml(text); }

SeverityType SeverityTypeFromName(std::string_view name) {
  if (name == "CVSS_V3") return SeverityType::kCvssV3;
  if (name == "CVSS_V2") return SeverityType::kCvssV2;
  if (name == "CVSS_V4") return SeverityType::kCvssV4;
  if (name == "Ubuntu") return SeverityType::kUbuntu;
  return SeverityType::kOther;
}

std::string_view RangeTypeName(RangeType type) {
  switch (type) {
    case RangeType::kSemVer:
      return "SEMVER";
    case RangeType::kEcosystem:
      return "ECOSYSTEM";
    case RangeType::kGit:
      return "GIT";
  }
  return "ECOSYSTEM";
}

std::string_view EventKindName(EventKind kind) {
  for (const auto& [candidate, key] : kEventKeys) {
    if (candidate == kind) return key;
  }
  return "introduced";
}

}  // namespace sg::advisory
