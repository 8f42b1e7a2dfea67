#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <ranges>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "sbom/model.hpp"
#include "sbom/reader.hpp"

namespace sg::sbom {

/// Where a component or a dependency entry sits in its document, kept compactly while reading so
/// that locations are only spelled out for the warnings that need them.
struct Origin {
  /// JSON: position among its siblings (components[ordinal]); XML and tag-value: line number.
  std::uint32_t position = 0;
};

/// A component being read whose lists are not complete yet: they grow in vectors (reused from
/// one component to the next) and move into the document's arena when the component ends.
struct ComponentDraft {
  Component component;
  std::vector<License> licenses;
  std::vector<Hash> hashes;
  std::vector<std::string_view> cpes;
  std::vector<std::string_view> alternate_purls;

  /// Empty again, keeping the lists' capacity.
  void Clear() {
    component = Component{};
    licenses.clear();
    hashes.clear();
    cpes.clear();
    alternate_purls.clear();
  }
};

/// Collects what a reader finds into a Document, applies the conformance policy to rule
/// violations, and finishes the document: bom-ref uniqueness, dependency resolution, duplicate
/// and purl-less components. Shared by every reader; internal to the module.
///
/// A reader stops at the first fatal problem: the builder's methods that may fail return false
/// once the builder holds an error, and Finish() then returns that error.
class DocumentBuilder {
 public:
  DocumentBuilder(Format format, const ReadOptions& options);

  Document& document() { return document_; }

  /// A copy of `text` in the document's arena, for the model's views.
  std::string_view Keep(std::string_view text) { return document_.arena->Keep(text); }
  /// A copy of `items` (a vector, an array) in the document's arena, for the model's spans.
  template <std::ranges::contiguous_range Items>
  requires(!std::convertible_to<const Items&, std::string_view>)
      std::span<const std::ranges::range_value_t<Items>> Keep(const Items& items) {
    return document_.arena->Keep(std::span<const std::ranges::range_value_t<Items>>(items));
  }

  /// The component of `draft` with its lists moved into the arena; `draft` is left empty (its
  /// vectors keep their capacity) for the next component.
  Component Complete(ComponentDraft& draft);
  const ReadOptions& options() const { return options_; }
  bool lenient() const { return options_.conformance == Conformance::kLenient; }

  /// A schema rule is broken at `location` (rule code, e.g. "notInEnum"). Strict: records an
  /// "sbomInvalid" error and returns false. Lenient: records a warning and returns true.
  bool Violation(std::string_view location, std::string_view rule, std::string_view message);

  /// Records a fatal error; returns false so callers can `return builder.Fail(…)`.
  bool Fail(Error error);
  bool failed() const { return error_.has_value(); }

  /// Adds a warning (or counts it past ReadOptions::max_warnings).
  void Warn(WarningKind kind, std::string message, std::string location,
            std::optional<std::size_t> component = std::nullopt);

  /// Appends a component and returns its index. `component.parent` must already be set.
  std::size_t AddComponent(Component&& component, Origin origin);
  void SetSubject(Component&& component, Origin origin);

  /// A bom-ref / SPDXID defined by something the model does not keep (a service, a licence, an
  /// SPDX file, a pedigree ancestor): it counts for uniqueness and is not a dangling reference.
  void AddOtherRef(std::string_view ref, std::string_view location);

  /// References starting with `prefix` point into other documents (SPDX "DocumentRef-"): edges
  /// to them stay unresolved without a dangling-reference warning.
  void AddExternalPrefix(std::string prefix) { external_prefixes_.push_back(std::move(prefix)); }

  /// A dependency edge as written; resolved in Finish(). Consecutive edges from the same
  /// reference and entry share one source. Both references are copied unless `refs_outlive`
  /// says they stay valid until Finish() (the JSON readers' views into the parsed text).
  void AddEdge(std::string_view from_ref, std::string_view to_ref, EdgeKind kind, Origin origin,
               bool refs_outlive = false);

  /// Resolves references and adds the document-wide warnings; returns the document or the first
  /// error met while reading.
  Result<Document> Finish();

  /// The location text of component `index` ("/components/2/components/0", "line 14").
  std::string ComponentLocation(std::size_t index) const;
  std::string SubjectLocation() const;
  /// The location of a dependency entry ("/dependencies/4", "line 30").
  std::string EdgeLocation(Origin origin) const;

 private:
  /// The "from" end of consecutive edges (a CycloneDX dependency entry, an SPDX relationship).
  struct EdgeSource {
    std::string_view ref;  // outlives the builder's work, or in owned_refs_
    Origin origin;
  };

  struct PendingEdge {
    std::uint32_t source;  // index in edge_sources_
    std::string_view to_ref;
    EdgeKind kind;
  };

  struct OtherRef {
    std::string ref;
    std::string location;
  };

  class RefTargets;
  bool IndexRefs(RefTargets& targets);
  void ResolveEdges(const RefTargets& targets);
  void WarnDuplicates();
  void WarnMissingPurls();

  Document document_;
  ReadOptions options_;
  std::optional<Error> error_;
  std::vector<Origin> origins_;
  Origin subject_origin_;
  std::vector<OtherRef> other_refs_;
  std::vector<EdgeSource> edge_sources_;
  std::deque<std::string> owned_refs_;  // copies the views of edges point into
  std::vector<PendingEdge> edges_;
  std::vector<std::string> external_prefixes_;
};

}  // namespace sg::sbom
