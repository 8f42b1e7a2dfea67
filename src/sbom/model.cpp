#include "sbom/model.hpp"

namespace sg::sbom {

void* Arena::AllocateSlow(std::size_t size, std::size_t alignment) {
  // Chunks double up to 1 MiB; a text larger than the next chunk gets a chunk of its own, and
  // the current chunk keeps serving small ones.
  const std::size_t needed = size + alignment;
  const bool oversized = needed > next_chunk_;
  const std::size_t chunk = oversized ? needed : next_chunk_;
  if (!oversized && next_chunk_ < (std::size_t{1} << 20)) next_chunk_ *= 2;
  chunks_.push_back(std::make_unique_for_overwrite<char[]>(chunk));
  capacity_ += chunk;
  char* const begin = chunks_.back().get();
  if (oversized && next_ != nullptr) {
    auto address = reinterpret_cast<std::uintptr_t>(begin);
    address = (address + alignment - 1) & ~(std::uintptr_t{alignment} - 1);
    return reinterpret_cast<void*>(address);
  }
  next_ = begin;
  end_ = begin + chunk;
  return Allocate(size, alignment);
}

std::string_view FormatName(Format format) {
  switch (format) {
    case Format::kCycloneDxJson:
      return "CycloneDX JSON";
    case Format::kCycloneDxXml:
      return "CycloneDX XML";
    case Format::kSpdxJson:
      return "SPDX JSON";
    case Format::kSpdxTagValue:
      return "SPDX tag-value";
  }
  return "unknown";
}

std::string_view FormatMediaType(Format format) {
  switch (format) {
    case Format::kCycloneDxJson:
      return "application/vnd.cyclonedx+json";
    case Format::kCycloneDxXml:
      return "application/vnd.cyclonedx+xml";
    case Format::kSpdxJson:
      return "application/spdx+json";
    case Format::kSpdxTagValue:
      return "text/spdx";
  }
  return "application/octet-stream";
}

std::string_view ComponentTypeName(ComponentType type) {
  switch (type) {
    case ComponentType::kApplication:
      return "application";
    case ComponentType::kFramework:
      return "framework";
    case ComponentType::kLibrary:
      return "library";
    case ComponentType::kContainer:
      return "container";
    case ComponentType::kPlatform:
      return "platform";
    case ComponentType::kOperatingSystem:
      return "operating-system";
    case ComponentType::kDevice:
      return "device";
    case ComponentType::kDeviceDriver:
      return "device-driver";
    case ComponentType::kFirmware:
      return "firmware";
    case ComponentType::kFile:
      return "file";
    case ComponentType::kMachineLearningModel:
      return "machine-learning-model";
    case ComponentType::kData:
      return "data";
    case ComponentType::kCryptographicAsset:
      return "cryptographic-asset";
    case ComponentType::kOther:
      return "other";
  }
  return "other";
}

std::string_view HashAlgorithmName(HashAlgorithm algorithm) {
  switch (algorithm) {
    case HashAlgorithm::kMd2:
      return "MD2";
    case HashAlgorithm::kMd4:
      return "MD4";
    case HashAlgorithm::kMd5:
      return "MD5";
    case HashAlgorithm::kMd6:
      return "MD6";
    case HashAlgorithm::kSha1:
      return "SHA-1";
    case HashAlgorithm::kSha224:
      return "SHA-224";
    case HashAlgorithm::kSha256:
      return "SHA-256";
    case HashAlgorithm::kSha384:
      return "SHA-384";
    case HashAlgorithm::kSha512:
      return "SHA-512";
    case HashAlgorithm::kSha3_256:
      return "SHA3-256";
    case HashAlgorithm::kSha3_384:
      return "SHA3-384";
    case HashAlgorithm::kSha3_512:
      return "SHA3-512";
    case HashAlgorithm::kBlake2b256:
      return "BLAKE2b-256";
    case HashAlgorithm::kBlake2b384:
      return "BLAKE2b-384";
    case HashAlgorithm::kBlake2b512:
      return "BLAKE2b-512";
    case HashAlgorithm::kBlake3:
      return "BLAKE3";
    case HashAlgorithm::kAdler32:
      return "ADLER32";
    case HashAlgorithm::kStreebog256:
      return "Streebog-256";
    case HashAlgorithm::kStreebog512:
      return "Streebog-512";
  }
  return "unknown";
}

std::string_view EdgeKindName(EdgeKind kind) {
  switch (kind) {
    case EdgeKind::kDependsOn:
      return "dependsOn";
    case EdgeKind::kDevDependsOn:
      return "devDependsOn";
    case EdgeKind::kOptionalDependsOn:
      return "optionalDependsOn";
    case EdgeKind::kContains:
      return "contains";
    case EdgeKind::kProvides:
      return "provides";
    case EdgeKind::kDescendantOf:
      return "descendantOf";
  }
  return "unknown";
}

std::string_view NodeRef(const Document& document, const Node& node) {
  switch (node.kind) {
    case NodeKind::kComponent:
      return document.components[node.index].bom_ref;
    case NodeKind::kSubject:
      return document.subject ? std::string_view(document.subject->bom_ref) : std::string_view();
    case NodeKind::kUnresolved:
      return node.ref;
  }
  return node.ref;
}

std::string_view WarningCode(WarningKind kind) {
  switch (kind) {
    case WarningKind::kSchemaViolation:
      return "sbomSchemaViolation";
    case WarningKind::kDuplicateBomRef:
      return "duplicateBomRef";
    case WarningKind::kDuplicateComponent:
      return "duplicateComponent";
    case WarningKind::kMissingPurl:
      return "componentWithoutPurl";
    case WarningKind::kDanglingReference:
      return "danglingReference";
    case WarningKind::kDeprecatedLicense:
      return "deprecatedLicense";
    case WarningKind::kUnknownLicense:
      return "unknownLicense";
    case WarningKind::kSeveralDescribedPackages:
      return "severalDescribedPackages";
  }
  return "unknown";
}

}  // namespace sg::sbom
