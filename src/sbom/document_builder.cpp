#include "sbom/document_builder.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <string>

#include "sbom/errors.hpp"
#include "sbom/string_index.hpp"

namespace sg::sbom {
namespace {

/// The key under which two purl-less components count as the same: type, group, name, version.
std::string IdentityKey(const Component& component) {
  std::string key;
  key.reserve(component.group.size() + component.name.size() + component.version.size() + 24);
  key.append("\x1f").append(ComponentTypeName(component.type)).append("\x1f");
  key.append(component.group).append("\x1f").append(component.name).append("\x1f");
  key.append(component.version);
  return key;
}

std::string Describe(const Component& component) {
  if (component.version.empty()) return fmt::format("\"{}\"", component.name);
  return fmt::format("\"{}\" {}", component.name, component.version);
}

}  // namespace

DocumentBuilder::DocumentBuilder(Format format, const ReadOptions& options) : options_(options) {
  document_.format = format;
}

bool DocumentBuilder::Violation(std::string_view location, std::string_view rule,
                                std::string_view message) {
  std::string text = fmt::format("{} (at {})", message, location);
  if (!lenient()) {
    if (!error_) error_ = SbomInvalid(std::string(location), std::string(rule), std::move(text));
    return false;
  }
  Warn(WarningKind::kSchemaViolation, std::move(text), std::string(location));
  return true;
}

bool DocumentBuilder::Fail(Error error) {
  if (!error_) error_ = std::move(error);
  return false;
}

void DocumentBuilder::Warn(WarningKind kind, std::string message, std::string location,
                           std::optional<std::size_t> component) {
  if (document_.warnings.size() >= options_.max_warnings) {
    ++document_.suppressed_warnings;
    return;
  }
  document_.warnings.push_back({kind, std::move(message), component, std::move(location)});
}

std::size_t DocumentBuilder::AddComponent(Component&& component, Origin origin) {
  document_.components.push_back(std::move(component));
  origins_.push_back(origin);
  return document_.components.size() - 1;
}

Component DocumentBuilder::Complete(ComponentDraft& draft) {
  Component component = draft.component;
  component.licenses = Keep(draft.licenses);
  component.hashes = Keep(draft.hashes);
  component.cpes = Keep(draft.cpes);
  component.alternate_purls = Keep(draft.alternate_purls);
  draft.Clear();
  return component;
}

void DocumentBuilder::SetSubject(Component&& component, Origin origin) {
  document_.subject = std::move(component);
  subject_origin_ = origin;
}

void DocumentBuilder::AddOtherRef(std::string_view ref, std::string_view location) {
  other_refs_.push_back({std::string(ref), std::string(location)});
}

void DocumentBuilder::AddEdge(std::string_view from_ref, std::string_view to_ref, EdgeKind kind,
                              Origin origin, bool refs_outlive) {
  if (edge_sources_.empty() || edge_sources_.back().ref != from_ref ||
      edge_sources_.back().origin.position != origin.position) {
    if (!refs_outlive) from_ref = owned_refs_.emplace_back(from_ref);
    edge_sources_.push_back({from_ref, origin});
  }
  if (!refs_outlive) to_ref = owned_refs_.emplace_back(to_ref);
  edges_.push_back({static_cast<std::uint32_t>(edge_sources_.size() - 1), to_ref, kind});
}

std::string DocumentBuilder::ComponentLocation(std::size_t index) const {
  const Origin origin = origins_[index];
  switch (document_.format) {
    case Format::kCycloneDxJson: {
      // Rebuild the pointer from the parent chain; depth is bounded by max_nesting.
      std::string pointer = fmt::format("/components/{}", origin.position);
      std::optional<std::size_t> parent = document_.components[index].parent;
      while (parent) {
        pointer = fmt::format("/components/{}{}", origins_[*parent].position, pointer);
        parent = document_.components[*parent].parent;
      }
      return pointer;
    }
    case Format::kSpdxJson:
      return fmt::format("/packages/{}", origin.position);
    case Format::kCycloneDxXml:
    case Format::kSpdxTagValue:
      return fmt::format("line {}", origin.position);
  }
  return {};
}

std::string DocumentBuilder::SubjectLocation() const {
  switch (document_.format) {
    case Format::kCycloneDxJson:
      return "/metadata/component";
    case Format::kSpdxJson:
      return fmt::format("/packages/{}", subject_origin_.position);
    case Format::kCycloneDxXml:
    case Format::kSpdxTagValue:
      return fmt::format("line {}", subject_origin_.position);
  }
  return {};
}

std::string DocumentBuilder::EdgeLocation(Origin origin) const {
  switch (document_.format) {
    case Format::kCycloneDxJson:
      return fmt::format("/dependencies/{}", origin.position);
    case Format::kSpdxJson:
      return fmt::format("/relationships/{}", origin.position);
    case Format::kCycloneDxXml:
    case Format::kSpdxTagValue:
      return fmt::format("line {}", origin.position);
  }
  return {};
}

/// Every bom-ref of the document, each mapped to what defines it: a component (its index), the
/// subject, or something the model does not hold (an entry of other_refs_).
class DocumentBuilder::RefTargets {
 public:
  static constexpr std::uint32_t kSubject = 0xFFFFFFFFu;
  static constexpr std::uint32_t kOtherBit = 0x80000000u;

  explicit RefTargets(std::size_t expected) : index_(expected) {}
  StringIndex& index() { return index_; }
  const StringIndex& index() const { return index_; }

 private:
  StringIndex index_;
};

Result<Document> DocumentBuilder::Finish() {
  if (!error_) {
    RefTargets targets(document_.components.size() + other_refs_.size() + 1);
    if (IndexRefs(targets)) {
      ResolveEdges(targets);
      WarnDuplicates();
      WarnMissingPurls();
    }
  }
  if (error_) return sg::Fail(std::move(*error_));
  return std::move(document_);
}

bool DocumentBuilder::IndexRefs(RefTargets& targets) {
  // Every bom-ref must be unique within the BOM (CycloneDX; the XSD says so with xs:unique, the
  // JSON validators check it too). SPDXIDs likewise. The first definition wins.
  const auto location_of = [&](std::uint32_t target) {
    if (target == RefTargets::kSubject) return SubjectLocation();
    if (target & RefTargets::kOtherBit)
      return other_refs_[target & ~RefTargets::kOtherBit].location;
    return ComponentLocation(target);
  };
  const auto add = [&](std::string_view ref, std::uint32_t target) {
    if (ref.empty()) return true;
    const auto [first, inserted] = targets.index().Insert(ref, target);
    if (inserted) return true;
    const std::string location = location_of(target);
    const std::string message =
        fmt::format("The bom-ref \"{}\" is used twice, first at {}; bom-refs must be unique", ref,
                    location_of(first));
    if (!lenient()) return Violation(location, "uniqueBomRef", message);
    Warn(WarningKind::kDuplicateBomRef, fmt::format("{} (at {})", message, location), location);
    return true;
  };
  if (document_.subject && !add(document_.subject->bom_ref, RefTargets::kSubject)) return false;
  for (std::size_t index = 0; index < document_.components.size(); ++index) {
    if (!add(document_.components[index].bom_ref, static_cast<std::uint32_t>(index))) {
      return false;
    }
  }
  for (std::size_t index = 0; index < other_refs_.size(); ++index) {
    if (!add(other_refs_[index].ref, static_cast<std::uint32_t>(index) | RefTargets::kOtherBit)) {
      return false;
    }
  }
  return true;
}

void DocumentBuilder::ResolveEdges(const RefTargets& targets) {
  if (edges_.empty()) return;
  const auto resolve = [&](std::string_view ref, Origin origin, Node& node) {
    const std::optional<std::uint32_t> target = targets.index().Find(ref);
    if (target && *target == RefTargets::kSubject) {
      node.kind = NodeKind::kSubject;
      return;
    }
    if (target && !(*target & RefTargets::kOtherBit)) {
      node.kind = NodeKind::kComponent;
      node.index = *target;
      return;
    }
    node.ref = Keep(ref);
    const bool external =
        std::any_of(external_prefixes_.begin(), external_prefixes_.end(),
                    [&](const std::string& prefix) { return ref.starts_with(prefix); });
    if (!target && !external) {
      Warn(WarningKind::kDanglingReference,
           fmt::format("The dependency names \"{}\", which no component or service in the "
                       "document defines (at {})",
                       ref, EdgeLocation(origin)),
           EdgeLocation(origin));
    }
  };
  // Each source is resolved once for all its edges.
  std::vector<Node> sources(edge_sources_.size());
  for (std::size_t index = 0; index < edge_sources_.size(); ++index) {
    resolve(edge_sources_[index].ref, edge_sources_[index].origin, sources[index]);
  }
  document_.dependencies.reserve(edges_.size());
  for (PendingEdge& edge : edges_) {
    Dependency dependency;
    dependency.kind = edge.kind;
    dependency.from = sources[edge.source];
    resolve(edge.to_ref, edge_sources_[edge.source].origin, dependency.to);
    document_.dependencies.push_back(std::move(dependency));
  }
  edges_.clear();
  edge_sources_.clear();
  owned_refs_.clear();
}

void DocumentBuilder::WarnDuplicates() {
  // Keys are views: of the purl, or of a built key kept in a deque (stable addresses).
  StringIndex first_index(document_.components.size());
  std::deque<std::string> built_keys;
  for (std::size_t index = 0; index < document_.components.size(); ++index) {
    const Component& component = document_.components[index];
    std::string_view key = component.purl;
    if (key.empty()) {
      // Without a purl, only name and version together say two entries are the same thing
      // (crypto assets, for one, share names without being duplicates).
      if (component.version.empty()) continue;
      key = built_keys.emplace_back(IdentityKey(component));
    }
    const auto [first, inserted] = first_index.Insert(key, static_cast<std::uint32_t>(index));
    if (inserted) continue;
    const std::string location = ComponentLocation(index);
    const std::string what = component.purl.empty()
                                 ? Describe(component)
                                 : fmt::format("the purl \"{}\"", component.purl);
    Warn(WarningKind::kDuplicateComponent,
         fmt::format("The component {} is listed again (first at {}) (at {})", what,
                     ComponentLocation(first), location),
         location, index);
  }
}

void DocumentBuilder::WarnMissingPurls() {
  for (std::size_t index = 0; index < document_.components.size(); ++index) {
    const Component& component = document_.components[index];
    // Algorithms, keys and data sets have no package URL to give.
    if (!component.purl.empty() || component.type == ComponentType::kCryptographicAsset ||
        component.type == ComponentType::kData) {
      continue;
    }
    if (document_.warnings.size() >= options_.max_warnings) {
      ++document_.suppressed_warnings;
      continue;
    }
    const std::string location = ComponentLocation(index);
    Warn(WarningKind::kMissingPurl,
         fmt::format("The component {} has no purl; {} (at {})", Describe(component),
                     component.cpes.empty()
                         ? "it cannot be matched against advisories until one is added"
                         : "it can only be matched by CPE",
                     location),
         location, index);
  }
}

}  // namespace sg::sbom
