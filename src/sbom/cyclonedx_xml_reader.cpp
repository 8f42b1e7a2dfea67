#include <expat.h>
#include <fmt/format.h>

#include <algorithm>
#include <bitset>
#include <charconv>
#include <memory>
#include <string>
#include <vector>

#include "sbom/cyclonedx_schema.hpp"
#include "sbom/document_builder.hpp"
#include "sbom/errors.hpp"
#include "sbom/spdx_license_list.hpp"
#include "sbom/text_readers.hpp"

namespace sg::sbom {
namespace {

namespace cdx = cyclonedx;
using cdx::Field;
using cdx::ObjectKind;

/// Expat joins a namespace URI and a local name with this byte ("uri\x1Fname").
constexpr char kNamespaceSeparator = '\x1F';
/// XML_Parse takes an int length, so large documents go in slices.
constexpr std::size_t kChunkBytes = 1u << 20;
/// Element nesting beyond this is refused whatever the elements are.
constexpr std::size_t kMaxElementDepth = 1024;

/// What an open element is to the reader.
enum class Element : std::uint8_t {
  kBom,
  kMetadata,
  kMetadataTimestamp,
  kTools,
  kComponentList,
  kComponent,
  kComponentText,  // a text child of <component> the model keeps (name, purl, …)
  kSupplier,
  kSupplierName,
  kLicenses,
  kLicense,
  kLicenseText,  // <id> or <name> of a <license>
  kExpression,
  kHashes,
  kHash,
  kProperties,
  kSwid,
  kPedigree,
  kPatches,
  kPatch,
  kResolves,
  kServices,
  kService,
  kServiceData,
  kDependencies,
  kDependency,
  kCitations,
  kCitation,
  kCitationList,       // <pointers> or <expressions>
  kCitationTimestamp,  // <timestamp> of a <citation>
};

/// Where a component's data goes; see the JSON reader.
enum class Placement { kModel, kSubject, kAside };

struct Frame {
  Frame(Element element_kind, std::uint32_t start_line) : element(element_kind), line(start_line) {}

  Element element;
  std::uint32_t line = 0;
  Field field = Field::kUnknown;            // for text children: which field
  std::bitset<128> seen;                    // child fields seen (duplicates, required ones)
  std::size_t count = 0;                    // list elements: entries seen
  std::size_t expressions = 0;              // <licenses>: of which expressions
  Placement placement = Placement::kModel;  // <components>: where its components go
  std::optional<std::size_t> parent;        // <components>: their parent component
  std::size_t depth = 0;                    // <components>/<services>: nesting depth
  std::string ref;                          // <dependency>: its ref
};

/// A component being read: its data, its slot in the model once it has children, and where it
/// goes.
struct OpenComponent : ComponentDraft {
  std::optional<std::size_t> slot;
  Placement placement = Placement::kModel;
  std::uint32_t line = 0;
  std::size_t depth = 0;
  bool is_external = false;
  bool has_version = false;
  bool has_version_range = false;
};

/// Splits expat's "uri\x1Flocal" into its parts (uri empty when the name has no namespace).
std::pair<std::string_view, std::string_view> SplitName(const char* name) {
  const std::string_view qualified(name);
  const std::size_t separator = qualified.find(kNamespaceSeparator);
  if (separator == std::string_view::npos) return {{}, qualified};
  return {qualified.substr(0, separator), qualified.substr(separator + 1)};
}

/// The value of the un-namespaced attribute `name`.
std::optional<std::string_view> FindAttribute(const char** attributes, std::string_view name) {
  for (const char** pair = attributes; pair && *pair; pair += 2) {
    if (std::string_view(pair[0]) == name) return std::string_view(pair[1]);
  }
  return std::nullopt;
}

/// XSD token/normalizedString values: leading and trailing white space is not part of the value.
std::string_view TrimXml(std::string_view text) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

struct ParserFreer {
  void operator()(XML_ParserStruct* parser) const { XML_ParserFree(parser); }
};

/// A streaming (SAX) reader of CycloneDX XML: expat calls back for each element, the reader keeps
/// a stack of the open elements it cares about and skips every other subtree by counting depth.
class CycloneDxXmlReader {
 public:
  CycloneDxXmlReader(XML_Parser parser, DocumentBuilder& builder)
      : parser_(parser), builder_(builder) {}

  void StartElement(const char* name, const char** attributes);
  void EndElement();
  void CharacterData(std::string_view data) {
    if (skip_depth_ == 0 && capturing_) text_.append(data);
  }
  void RefuseDoctype() {
    saw_doctype_ = true;
    XML_StopParser(parser_, XML_FALSE);
  }
  bool saw_doctype() const { return saw_doctype_; }
  bool saw_root() const { return saw_root_; }

 private:
  std::uint32_t Line() const {
    return static_cast<std::uint32_t>(XML_GetCurrentLineNumber(parser_));
  }
  std::string Where(std::uint32_t line) const { return fmt::format("line {}", line); }

  bool Since(cdx::VersionSet versions) const { return cdx::Includes(versions, version_); }

  /// Records a violation at `line`; stops the parse unless lenient.
  void Violation(std::uint32_t line, std::string_view rule, std::string_view message) {
    if (!builder_.Violation(Where(line), rule, message)) XML_StopParser(parser_, XML_FALSE);
  }
  void Stop(Error error) {
    builder_.Fail(std::move(error));
    XML_StopParser(parser_, XML_FALSE);
  }

  void Push(Frame frame) {
    capturing_ = frame.element == Element::kComponentText ||
                 frame.element == Element::kSupplierName ||
                 frame.element == Element::kLicenseText || frame.element == Element::kExpression ||
                 frame.element == Element::kHash || frame.element == Element::kMetadataTimestamp ||
                 frame.element == Element::kCitationTimestamp;
    text_.clear();
    stack_.push_back(std::move(frame));
  }
  void Skip() { skip_depth_ = 1; }

  /// Checks that `local` is a field of `object` here and not repeated; false if the element is
  /// to be skipped.
  bool AcceptChild(Frame& parent, ObjectKind object, std::string_view local, Field& field);

  void StartRoot(std::string_view uri, std::string_view local, const char** attributes);
  void StartComponent(const Frame& list, const char** attributes);
  void EndComponent(const Frame& frame);
  void StartLicense(const char** attributes, bool expression);
  void CheckAttachment(const char** attributes, std::uint32_t line);
  std::optional<std::string_view> RequiredRef(const char** attributes, std::string_view name,
                                              std::uint32_t line);
  void EndText(const Frame& frame, std::string_view text);
  void EndLicenses(const Frame& frame);
  void EndCitation(const Frame& frame);

  OpenComponent* CurrentComponent() {
    return open_components_.empty() ? nullptr : &open_components_.back();
  }
  std::vector<License>* LicenseTarget() {
    return license_owner_ ? &open_components_[*license_owner_].licenses : nullptr;
  }

  XML_Parser parser_;
  DocumentBuilder& builder_;
  cdx::Version version_ = cdx::Version::k1_6;
  std::string namespace_;
  std::vector<Frame> stack_;
  std::vector<OpenComponent> open_components_;
  std::size_t skip_depth_ = 0;
  std::size_t element_depth_ = 0;
  bool capturing_ = false;
  std::string text_;
  bool saw_doctype_ = false;
  bool saw_root_ = false;
  // The licence being read and whose licences they are (an index in open_components_).
  License license_;
  std::optional<std::size_t> license_owner_;
  Hash hash_;
  bool hash_algorithm_known_ = false;
};

bool CycloneDxXmlReader::AcceptChild(Frame& parent, ObjectKind object, std::string_view local,
                                     Field& field) {
  const cdx::FieldLookup lookup = cdx::LookupField(object, local, version_, cdx::Syntax::kXml);
  const std::uint32_t line = Line();
  if (!lookup.allowed) {
    Violation(line, "unknownField",
              lookup.field == Field::kUnknown
                  ? fmt::format("<{}> is not an element of this object in CycloneDX {}", local,
                                cdx::VersionName(version_))
                  : fmt::format("<{}> is not allowed here in CycloneDX {}", local,
                                cdx::VersionName(version_)));
    return false;
  }
  const auto bit = static_cast<std::size_t>(lookup.field);
  // 1.6 made these component elements repeatable (maxOccurs="unbounded").
  const bool repeatable = object == ObjectKind::kComponent &&
                          (lookup.field == Field::kOmniborId || lookup.field == Field::kSwhid ||
                           lookup.field == Field::kData);
  if (parent.seen.test(bit) && !repeatable) {
    Violation(line, "maxOccurs", fmt::format("<{}> may appear only once here", local));
    return false;
  }
  parent.seen.set(bit);
  field = lookup.field;
  return true;
}

void CycloneDxXmlReader::StartElement(const char* name, const char** attributes) {
  if (builder_.failed()) return;
  if (++element_depth_ > kMaxElementDepth) {
    Stop(SbomTooDeep(Where(Line()), kMaxElementDepth));
    return;
  }
  if (skip_depth_ > 0) {
    ++skip_depth_;
    return;
  }
  const auto [uri, local] = SplitName(name);
  if (stack_.empty()) {
    StartRoot(uri, local, attributes);
    return;
  }
  // Elements of other namespaces are extensions (or XML signatures): allowed, not read.
  if (uri != namespace_) {
    Skip();
    return;
  }
  const std::uint32_t line = Line();
  Frame& parent = stack_.back();
  Field field = Field::kUnknown;
  switch (parent.element) {
    case Element::kBom:
      if (!AcceptChild(parent, ObjectKind::kBom, local, field)) return Skip();
      switch (field) {
        case Field::kMetadata:
          return Push({Element::kMetadata, line});
        case Field::kComponents: {
          Frame list{Element::kComponentList, line};
          list.depth = 1;
          return Push(std::move(list));
        }
        case Field::kServices: {
          Frame list{Element::kServices, line};
          list.depth = 1;
          return Push(std::move(list));
        }
        case Field::kDependencies:
          return Push({Element::kDependencies, line});
        case Field::kProperties:
          return Push({Element::kProperties, line});
        case Field::kCitations:
          return Push({Element::kCitations, line});
        default:
          return Skip();
      }
    case Element::kMetadata:
      if (!AcceptChild(parent, ObjectKind::kMetadata, local, field)) return Skip();
      switch (field) {
        case Field::kTimestamp:
          return Push({Element::kMetadataTimestamp, line});
        case Field::kComponent: {
          Frame list{Element::kComponentList, line};
          list.placement = Placement::kSubject;
          list.depth = 1;
          StartComponent(list, attributes);
          return;
        }
        case Field::kTools:
          return Push({Element::kTools, line});
        case Field::kLicenses:
          license_owner_.reset();
          return Push({Element::kLicenses, line});
        case Field::kProperties:
          return Push({Element::kProperties, line});
        default:
          return Skip();
      }
    case Element::kTools:
      if (local == "components" && Since(cdx::kSince1_5)) {
        Frame list{Element::kComponentList, line};
        list.placement = Placement::kAside;
        list.depth = 1;
        return Push(std::move(list));
      }
      if (local == "services" && Since(cdx::kSince1_5)) {
        Frame list{Element::kServices, line};
        list.depth = 1;
        return Push(std::move(list));
      }
      if (local != "tool")
        Violation(line, "unknownField", fmt::format("<{}> is not a tool", local));
      return Skip();
    case Element::kComponentList:
      if (local != "component") {
        Violation(line, "unknownField",
                  fmt::format("<components> holds <component> elements, not <{}>", local));
        return Skip();
      }
      return StartComponent(parent, attributes);
    case Element::kComponent: {
      if (!AcceptChild(parent, ObjectKind::kComponent, local, field)) return Skip();
      OpenComponent& open = open_components_.back();
      switch (field) {
        case Field::kName:
        case Field::kVersion:
        case Field::kGroup:
        case Field::kPurl:
        case Field::kPublisher:
        case Field::kAuthor:
        case Field::kCpe:
        case Field::kScope:
        case Field::kVersionRange: {
          if (field == Field::kVersion) open.has_version = true;
          if (field == Field::kVersionRange) open.has_version_range = true;
          Frame text{Element::kComponentText, line};
          text.field = field;
          return Push(std::move(text));
        }
        case Field::kSupplier:
          return Push({Element::kSupplier, line});
        case Field::kHashes:
          return Push({Element::kHashes, line});
        case Field::kLicenses:
          license_owner_ = open_components_.size() - 1;
          return Push({Element::kLicenses, line});
        case Field::kSwid: {
          if (!FindAttribute(attributes, "tagId")) {
            Violation(line, "required", "<swid> needs a tagId attribute");
          }
          if (!FindAttribute(attributes, "name")) {
            Violation(line, "required", "<swid> needs a name attribute");
          }
          return Push({Element::kSwid, line});
        }
        case Field::kPedigree:
          return Push({Element::kPedigree, line});
        case Field::kProperties:
          return Push({Element::kProperties, line});
        case Field::kComponents: {
          Frame list{Element::kComponentList, line};
          list.depth = open.depth + 1;
          if (open.placement == Placement::kModel) {
            // The parent goes into the model before its children, so it needs its index now.
            if (!open.slot) {
              Component placeholder;
              placeholder.parent = open.component.parent;
              open.slot = builder_.AddComponent(std::move(placeholder), {open.line});
            }
            list.parent = open.slot;
          } else {
            list.placement =
                open.placement == Placement::kSubject ? Placement::kModel : Placement::kAside;
          }
          return Push(std::move(list));
        }
        default:
          return Skip();
      }
    }
    case Element::kSupplier:
      if (local == "name" && !parent.seen.test(0)) {
        parent.seen.set(0);
        return Push({Element::kSupplierName, line});
      }
      return Skip();
    case Element::kLicenses:
      if (local == "license" || local == "expression") {
        ++parent.count;
        if (local == "expression") ++parent.expressions;
        return StartLicense(attributes, local == "expression");
      }
      if (local == "expression-detailed" && Since(cdx::kSince1_7)) {
        // An expression given as an attribute, with per-identifier details the model drops.
        ++parent.count;
        ++parent.expressions;
        StartLicense(attributes, true);
        if (const auto expression = FindAttribute(attributes, "expression")) {
          license_.value = builder_.Keep(TrimXml(*expression));
          if (std::vector<License>* target = LicenseTarget()) target->push_back(license_);
        } else {
          Violation(line, "required", "<expression-detailed> needs an expression attribute");
        }
        stack_.pop_back();
        capturing_ = false;
        return Skip();
      }
      Violation(line, "unknownField",
                fmt::format("<licenses> holds <license> or <expression>, not <{}>", local));
      return Skip();
    case Element::kLicense:
      if (!AcceptChild(parent, ObjectKind::kLicense, local, field)) return Skip();
      if (field == Field::kId || field == Field::kName) {
        Frame text{Element::kLicenseText, line};
        text.field = field;
        return Push(std::move(text));
      }
      if (field == Field::kText) CheckAttachment(attributes, line);
      if (field == Field::kProperties) return Push({Element::kProperties, line});
      return Skip();
    case Element::kHashes:
      if (local != "hash") {
        Violation(line, "unknownField", fmt::format("<hashes> holds <hash>, not <{}>", local));
        return Skip();
      }
      hash_ = Hash{};
      hash_algorithm_known_ = false;
      if (const auto alg = FindAttribute(attributes, "alg")) {
        if (const auto algorithm = cdx::ParseHashAlgorithm(*alg, version_)) {
          hash_.algorithm = *algorithm;
          hash_algorithm_known_ = true;
        } else {
          Violation(line, "notInEnum",
                    fmt::format("\"{}\" is not a CycloneDX {} hash algorithm", *alg,
                                cdx::VersionName(version_)));
        }
      } else {
        Violation(line, "required", "<hash> needs an alg attribute");
      }
      return Push({Element::kHash, line});
    case Element::kProperties:
      if (local == "property" && Since(cdx::kSince1_6) && !FindAttribute(attributes, "name")) {
        Violation(line, "required", "<property> needs a name attribute");
      }
      return Skip();
    case Element::kSwid:
      if (local == "text") CheckAttachment(attributes, line);
      return Skip();
    case Element::kPedigree:
      if (!AcceptChild(parent, ObjectKind::kPedigree, local, field)) return Skip();
      if (field == Field::kAncestors || field == Field::kDescendants || field == Field::kVariants) {
        Frame list{Element::kComponentList, line};
        list.placement = Placement::kAside;
        list.depth = open_components_.empty() ? 1 : open_components_.back().depth + 1;
        return Push(std::move(list));
      }
      if (field == Field::kPatches) return Push({Element::kPatches, line});
      return Skip();
    case Element::kPatches:
      if (local != "patch") return Skip();
      if (const auto type = FindAttribute(attributes, "type")) {
        if (!cdx::IsOneOf(cdx::Enumeration::kPatchType, *type)) {
          Violation(line, "notInEnum", cdx::NotOneOfMessage(cdx::Enumeration::kPatchType, *type));
        }
      } else {
        Violation(line, "required", "<patch> needs a type attribute");
      }
      return Push({Element::kPatch, line});
    case Element::kPatch:
      if (local == "resolves") return Push({Element::kResolves, line});
      return Skip();
    case Element::kResolves:
      if (local == "issue") {
        if (const auto type = FindAttribute(attributes, "type")) {
          if (!cdx::IsOneOf(cdx::Enumeration::kIssueType, *type)) {
            Violation(line, "notInEnum", cdx::NotOneOfMessage(cdx::Enumeration::kIssueType, *type));
          }
        } else {
          Violation(line, "required", "<issue> needs a type attribute");
        }
      }
      return Skip();
    case Element::kServices: {
      if (local != "service") {
        Violation(line, "unknownField",
                  fmt::format("<services> holds <service> elements, not <{}>", local));
        return Skip();
      }
      if (parent.depth > builder_.options().max_nesting) {
        return Stop(SbomTooDeep(Where(line), builder_.options().max_nesting));
      }
      if (const auto ref = FindAttribute(attributes, "bom-ref")) {
        if (ref->empty() && Since(cdx::kSince1_5)) {
          Violation(line, "minLength", "A bom-ref must not be empty");
        }
        if (!ref->empty()) builder_.AddOtherRef(*ref, Where(line));
      }
      Frame service{Element::kService, line};
      service.depth = parent.depth;
      return Push(std::move(service));
    }
    case Element::kService:
      if (!AcceptChild(parent, ObjectKind::kService, local, field)) return Skip();
      if (field == Field::kData) return Push({Element::kServiceData, line});
      if (field == Field::kServices) {
        Frame list{Element::kServices, line};
        list.depth = parent.depth + 1;
        return Push(std::move(list));
      }
      if (field == Field::kLicenses) {
        license_owner_.reset();
        return Push({Element::kLicenses, line});
      }
      if (field == Field::kProperties) return Push({Element::kProperties, line});
      return Skip();
    case Element::kServiceData:
      // 1.5+ wraps classifications in <dataflow> elements.
      if (local == "dataflow") return Push({Element::kServiceData, line});
      if (local == "classification") {
        if (const auto flow = FindAttribute(attributes, "flow")) {
          if (!cdx::IsOneOf(cdx::Enumeration::kDataFlow, *flow)) {
            Violation(line, "notInEnum", cdx::NotOneOfMessage(cdx::Enumeration::kDataFlow, *flow));
          }
        } else {
          Violation(line, "required", "<classification> needs a flow attribute");
        }
      }
      return Skip();
    case Element::kDependencies: {
      if (local != "dependency") {
        Violation(line, "unknownField",
                  fmt::format("<dependencies> holds <dependency> elements, not <{}>", local));
        return Skip();
      }
      Frame dependency{Element::kDependency, line};
      if (const auto ref = RequiredRef(attributes, "<dependency>", line)) {
        dependency.ref.assign(*ref);
      }
      return Push(std::move(dependency));
    }
    case Element::kDependency: {
      if (local != "dependency" && local != "provides") return Skip();
      const auto ref = RequiredRef(attributes, fmt::format("<{}>", local), line);
      if (ref && !parent.ref.empty() && !ref->empty()) {
        builder_.AddEdge(parent.ref, *ref,
                         local == "provides" ? EdgeKind::kProvides : EdgeKind::kDependsOn, {line});
      }
      if (local == "provides") return Skip();
      Frame dependency{Element::kDependency, line};
      if (ref) dependency.ref.assign(*ref);
      return Push(std::move(dependency));
    }
    case Element::kCitations:
      if (local != "citation") return Skip();
      if (const auto ref = FindAttribute(attributes, "bom-ref"); ref && !ref->empty()) {
        builder_.AddOtherRef(*ref, Where(line));
      }
      return Push({Element::kCitation, line});
    case Element::kCitation:
      if (!AcceptChild(parent, ObjectKind::kCitation, local, field)) return Skip();
      if (field == Field::kPointers || field == Field::kExpressions) {
        return Push({Element::kCitationList, line});
      }
      if (field == Field::kTimestamp) return Push({Element::kCitationTimestamp, line});
      return Skip();
    case Element::kCitationList:
      ++parent.count;
      return Skip();
    default:
      // Text elements hold no elements worth reading.
      return Skip();
  }
}

void CycloneDxXmlReader::StartRoot(std::string_view uri, std::string_view local,
                                   const char** attributes) {
  saw_root_ = true;
  if (local != "bom") {
    if (local == "RDF" || local == "Document" || uri.find("spdx") != std::string_view::npos) {
      return Stop(SbomUnsupportedFormat(
          "The document is SPDX as RDF/XML or XML, which is not read; export it as SPDX 2.3 JSON "
          "or tag-value, or as CycloneDX."));
    }
    return Stop(SbomUnsupportedFormat(
        fmt::format("The XML root element is <{}>, not a CycloneDX <bom>.", local)));
  }
  const std::optional<cdx::Version> version = cdx::VersionFromNamespace(uri);
  if (!version) {
    if (cdx::IsCycloneDxNamespace(uri)) {
      return Stop(SbomUnsupportedVersion(fmt::format(
          "The namespace {} is not that of a CycloneDX version read; export the SBOM as "
          "CycloneDX 1.4 or later (1.2 and 1.3 are also read).",
          uri)));
    }
    return Stop(SbomUnsupportedFormat(
        fmt::format("The <bom> element is in the namespace \"{}\", not a CycloneDX one "
                    "(http://cyclonedx.org/schema/bom/1.6 …).",
                    uri)));
  }
  version_ = *version;
  namespace_ = std::string(uri);
  Document& document = builder_.document();
  document.spec_version = std::string(cdx::VersionName(version_));
  const std::uint32_t line = Line();
  if (const auto serial = FindAttribute(attributes, "serialNumber")) {
    document.serial_number = std::string(*serial);
    if (!cdx::IsSerialNumber(*serial)) {
      Violation(line, "pattern",
                fmt::format("The serialNumber \"{}\" is not \"urn:uuid:\" followed by a "
                            "lower-case UUID",
                            *serial));
    }
  }
  if (const auto revision = FindAttribute(attributes, "version")) {
    std::int64_t number = 0;
    const std::string_view digits = TrimXml(*revision);
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
    if (error != std::errc() || end != digits.data() + digits.size() || digits.empty()) {
      Violation(line, "type", fmt::format("The BOM version \"{}\" is not an integer", *revision));
    } else {
      document.document_version = number;
    }
  }
  Push({Element::kBom, line});
}

void CycloneDxXmlReader::StartComponent(const Frame& list, const char** attributes) {
  const std::uint32_t line = Line();
  if (list.depth > builder_.options().max_nesting) {
    return Stop(SbomTooDeep(Where(line), builder_.options().max_nesting));
  }
  OpenComponent open;
  open.placement = list.placement;
  open.line = line;
  open.depth = list.depth;
  open.component.parent = list.parent;
  if (const auto type = FindAttribute(attributes, "type")) {
    if (const auto parsed = cdx::ParseComponentType(*type, version_)) {
      open.component.type = *parsed;
    } else {
      open.component.type = ComponentType::kOther;
      Violation(line, "notInEnum",
                fmt::format("The component type \"{}\" is not one of {} (CycloneDX {})", *type,
                            cdx::ComponentTypeList(version_), cdx::VersionName(version_)));
    }
  } else {
    Violation(line, "required", "<component> needs a type attribute");
  }
  if (const auto ref = FindAttribute(attributes, "bom-ref")) {
    if (ref->empty() && Since(cdx::kSince1_5)) {
      Violation(line, "minLength", "A bom-ref must not be empty");
    }
    if (open.placement == Placement::kAside) {
      if (!ref->empty()) builder_.AddOtherRef(*ref, Where(line));
    } else {
      open.component.bom_ref = builder_.Keep(*ref);
    }
  }
  if (const auto external = FindAttribute(attributes, "isExternal")) {
    if (!Since(cdx::kSince1_7)) {
      Violation(line, "unknownField", "isExternal exists from CycloneDX 1.7 on");
    } else if (*external == "true" || *external == "1") {
      open.is_external = true;
    } else if (*external != "false" && *external != "0") {
      Violation(line, "type", "isExternal must be true or false");
    }
  }
  open.component.is_external = open.is_external;
  open_components_.push_back(std::move(open));
  Push({Element::kComponent, line});
}

void CycloneDxXmlReader::EndComponent(const Frame& frame) {
  OpenComponent open = std::move(open_components_.back());
  open_components_.pop_back();
  if (!frame.seen.test(static_cast<std::size_t>(Field::kName))) {
    Violation(open.line, "required", "<component> needs a <name>");
  }
  if (open.has_version && open.has_version_range) {
    Violation(open.line, "oneOf", "A component may have a version or a versionRange, not both");
  }
  if (open.has_version_range && !open.is_external) {
    Violation(open.line, "notAllowed",
              "A versionRange is only allowed on a component with isExternal=\"true\"");
  }
  if (builder_.failed()) return;
  switch (open.placement) {
    case Placement::kModel:
      if (open.slot) {
        builder_.document().components[*open.slot] = builder_.Complete(open);
      } else {
        builder_.AddComponent(builder_.Complete(open), {open.line});
      }
      break;
    case Placement::kSubject:
      builder_.SetSubject(builder_.Complete(open), {open.line});
      break;
    case Placement::kAside:
      break;
  }
}

void CycloneDxXmlReader::StartLicense(const char** attributes, bool expression) {
  const std::uint32_t line = Line();
  license_ = License{};
  license_.form = LicenseForm::kExpression;
  if (const auto acknowledgement = FindAttribute(attributes, "acknowledgement")) {
    if (const auto parsed = cdx::ParseAcknowledgement(*acknowledgement)) {
      license_.acknowledgement = *parsed;
    } else {
      Violation(
          line, "notInEnum",
          fmt::format("The acknowledgement \"{}\" is not declared or concluded", *acknowledgement));
    }
  }
  if (const auto ref = FindAttribute(attributes, "bom-ref"); ref && !ref->empty()) {
    builder_.AddOtherRef(*ref, Where(line));
  }
  Push({expression ? Element::kExpression : Element::kLicense, line});
}

void CycloneDxXmlReader::CheckAttachment(const char** attributes, std::uint32_t line) {
  if (const auto encoding = FindAttribute(attributes, "encoding");
      encoding && !cdx::IsAttachmentEncoding(*encoding)) {
    Violation(
        line, "notInEnum",
        fmt::format("The encoding \"{}\" is not base64 (the only encoding allowed)", *encoding));
  }
}

std::optional<std::string_view> CycloneDxXmlReader::RequiredRef(const char** attributes,
                                                                std::string_view name,
                                                                std::uint32_t line) {
  const auto ref = FindAttribute(attributes, "ref");
  if (!ref) {
    Violation(line, "required", fmt::format("{} needs a ref attribute", name));
  } else if (ref->empty() && Since(cdx::kSince1_5)) {
    Violation(line, "minLength", "A ref must not be empty");
  }
  return ref;
}

void CycloneDxXmlReader::EndText(const Frame& frame, std::string_view raw) {
  const std::string_view text = TrimXml(raw);
  switch (frame.element) {
    case Element::kComponentText: {
      Component& component = open_components_.back().component;
      switch (frame.field) {
        case Field::kName:
          component.name = builder_.Keep(text);
          break;
        case Field::kVersion:
          component.version = builder_.Keep(text);
          break;
        case Field::kGroup:
          component.group = builder_.Keep(text);
          break;
        case Field::kPurl:
          component.purl = builder_.Keep(text);
          break;
        case Field::kPublisher:
          component.publisher = builder_.Keep(text);
          break;
        case Field::kAuthor:
          component.author = builder_.Keep(text);
          break;
        case Field::kVersionRange:
          component.version_range = builder_.Keep(text);
          break;
        case Field::kCpe:
          open_components_.back().cpes.push_back(builder_.Keep(text));
          break;
        case Field::kScope:
          if (const auto scope = cdx::ParseScope(text)) {
            component.scope = *scope;
          } else {
            Violation(frame.line, "notInEnum",
                      cdx::NotOneOfMessage(cdx::Enumeration::kScope, text));
          }
          break;
        default:
          break;
      }
      return;
    }
    case Element::kSupplierName:
      if (OpenComponent* open = CurrentComponent()) open->component.supplier = builder_.Keep(text);
      return;
    case Element::kLicenseText:
      license_.value = builder_.Keep(text);
      if (frame.field == Field::kName) {
        license_.form = LicenseForm::kName;
        return;
      }
      license_.form = LicenseForm::kId;
      if (const auto listed = FindLicenseId(text); !listed || *listed != text) {
        Violation(frame.line, "notInEnum",
                  fmt::format("\"{}\" is not an SPDX licence identifier (licence list {}); use "
                              "<name> for a licence without one",
                              text, LicenseListVersion()));
      }
      return;
    case Element::kExpression:
      license_.value = builder_.Keep(text);
      if (std::vector<License>* target = LicenseTarget()) target->push_back(std::move(license_));
      return;
    case Element::kHash:
      hash_.value = builder_.Keep(text);
      if (!cdx::IsHashContent(text)) {
        Violation(frame.line, "pattern", "A hash must be 32, 40, 64, 96 or 128 hexadecimal digits");
      } else if (hash_algorithm_known_) {
        if (OpenComponent* open = CurrentComponent()) {
          open->hashes.push_back(hash_);
        }
      }
      return;
    case Element::kMetadataTimestamp:
    case Element::kCitationTimestamp:
      if (frame.element == Element::kMetadataTimestamp) {
        builder_.document().created = std::string(text);
      }
      if (!cdx::IsDateTime(text, /*require_offset=*/false)) {
        Violation(frame.line, "format",
                  fmt::format("The timestamp \"{}\" is not an xs:dateTime such as "
                              "2024-05-01T08:00:00Z",
                              text));
      }
      return;
    default:
      return;
  }
}

void CycloneDxXmlReader::EndLicenses(const Frame& frame) {
  // Up to 1.6 the XSD's licenseChoiceType is a choice: <license> elements or one <expression>.
  // (In JSON, 1.4 allowed a mix; 1.7 allows it in both.)
  if (!Since(cdx::kSince1_7) && frame.expressions > 0 && frame.count > 1) {
    Violation(frame.line, "oneOf",
              fmt::format("In CycloneDX {}, <licenses> holds either <license> elements or a "
                          "single <expression>",
                          cdx::VersionName(version_)));
  }
}

void CycloneDxXmlReader::EndCitation(const Frame& frame) {
  const auto has = [&](Field field) { return frame.seen.test(static_cast<std::size_t>(field)); };
  if (!has(Field::kTimestamp)) Violation(frame.line, "required", "<citation> needs a <timestamp>");
  if (!has(Field::kAttributedTo) && !has(Field::kProcess)) {
    Violation(frame.line, "anyOf", "A citation must name who it is attributed to or the process");
  }
  if (has(Field::kPointers) == has(Field::kExpressions)) {
    Violation(frame.line, "oneOf", "A citation has either pointers or expressions (exactly one)");
  }
}

void CycloneDxXmlReader::EndElement() {
  if (element_depth_ > 0) --element_depth_;
  if (builder_.failed()) return;
  if (skip_depth_ > 0) {
    --skip_depth_;
    return;
  }
  if (stack_.empty()) return;
  Frame frame = std::move(stack_.back());
  switch (frame.element) {
    case Element::kComponent:
      EndComponent(frame);
      break;
    case Element::kLicense: {
      const bool has_id = frame.seen.test(static_cast<std::size_t>(Field::kId));
      const bool has_name = frame.seen.test(static_cast<std::size_t>(Field::kName));
      if (has_id == has_name) {
        Violation(frame.line, "oneOf", "A <license> needs either an <id> or a <name>");
      } else if (std::vector<License>* target = LicenseTarget()) {
        target->push_back(std::move(license_));
      }
      break;
    }
    case Element::kLicenses:
      EndLicenses(frame);
      break;
    case Element::kService:
      if (!frame.seen.test(static_cast<std::size_t>(Field::kName))) {
        Violation(frame.line, "required", "<service> needs a <name>");
      }
      break;
    case Element::kCitation:
      EndCitation(frame);
      break;
    case Element::kCitationList:
      if (frame.count == 0) Violation(frame.line, "minItems", "The list must not be empty");
      break;
    default:
      if (capturing_) EndText(frame, text_);
      break;
  }
  stack_.pop_back();
  capturing_ = false;
  text_.clear();
}

}  // namespace

Result<Document> ReadCycloneDxXmlText(std::string_view bytes, const ReadOptions& options) {
  DocumentBuilder builder(Format::kCycloneDxXml, options);
  std::unique_ptr<XML_ParserStruct, ParserFreer> parser(
      XML_ParserCreateNS(nullptr, kNamespaceSeparator));
  if (!parser) return Fail(Error::Internal("XML_ParserCreateNS failed"));
  CycloneDxXmlReader reader(parser.get(), builder);
  XML_SetUserData(parser.get(), &reader);
  // No DTD of any kind: a DOCTYPE stops the parse before its entities are even declared, which
  // rules out entity expansion ("billion laughs") and external entities alike.
  XML_SetParamEntityParsing(parser.get(), XML_PARAM_ENTITY_PARSING_NEVER);
  XML_SetStartDoctypeDeclHandler(
      parser.get(), [](void* user_data, const XML_Char*, const XML_Char*, const XML_Char*, int) {
        static_cast<CycloneDxXmlReader*>(user_data)->RefuseDoctype();
      });
  XML_SetEntityDeclHandler(
      parser.get(), [](void* user_data, const XML_Char*, int, const XML_Char*, int, const XML_Char*,
                       const XML_Char*, const XML_Char*, const XML_Char*) {
        static_cast<CycloneDxXmlReader*>(user_data)->RefuseDoctype();
      });
  XML_SetElementHandler(
      parser.get(),
      [](void* user_data, const XML_Char* name, const XML_Char** attributes) {
        static_cast<CycloneDxXmlReader*>(user_data)->StartElement(name, attributes);
      },
      [](void* user_data, const XML_Char*) {
        static_cast<CycloneDxXmlReader*>(user_data)->EndElement();
      });
  XML_SetCharacterDataHandler(parser.get(), [](void* user_data, const XML_Char* text, int length) {
    static_cast<CycloneDxXmlReader*>(user_data)->CharacterData(
        std::string_view(text, static_cast<std::size_t>(length)));
  });

  std::size_t offset = 0;
  XML_Status status = XML_STATUS_OK;
  do {
    const std::size_t length = std::min(kChunkBytes, bytes.size() - offset);
    const bool is_final = offset + length == bytes.size();
    status = XML_Parse(parser.get(), bytes.data() + offset, static_cast<int>(length), is_final);
    offset += length;
  } while (status == XML_STATUS_OK && offset < bytes.size());

  if (reader.saw_doctype()) {
    return Fail(XmlDtdForbidden(fmt::format(
        "The XML declares a DOCTYPE (line {}); DTDs and entity declarations are refused for "
        "safety. Remove the <!DOCTYPE …> declaration and upload the SBOM again.",
        XML_GetCurrentLineNumber(parser.get()))));
  }
  if (builder.failed()) return builder.Finish();
  if (status != XML_STATUS_OK) {
    const XML_Error code = XML_GetErrorCode(parser.get());
    return Fail(SbomMalformed(
        fmt::format("The document is not well-formed XML at line {}, column "
                    "{}: {}.",
                    XML_GetCurrentLineNumber(parser.get()),
                    XML_GetCurrentColumnNumber(parser.get()) + 1, XML_ErrorString(code)),
        XML_ErrorString(code)));
  }
  if (!reader.saw_root()) return Fail(SbomMalformed("The document has no XML root element."));
  return builder.Finish();
}

}  // namespace sg::sbom
