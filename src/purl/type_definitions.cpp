#include <algorithm>
#include <array>
#include <string_view>

#include "purl/purl.hpp"

namespace sg::purl {
namespace {

// From purl-spec types/*-definition.json (requirement and case_sensitive of each component, the
// required qualifiers); purl_test.cpp checks this table against those files. A component whose
// definition says nothing about case is case-sensitive (the schema's default). The labels and
// namespace names are SupplyGuard's wording for messages.
constexpr std::array kTypes = {
    TypeDefinition{"alpm", "Arch Linux", Requirement::kRequired, "vendor", false, false, true, true,
                   ""},
    TypeDefinition{"apk", "APK", Requirement::kRequired, "vendor", false, false, true, true, ""},
    TypeDefinition{"bazel", "Bazel", Requirement::kProhibited, "", true, true, true, true, ""},
    TypeDefinition{"bitbucket", "Bitbucket", Requirement::kRequired, "user or organization", false,
                   false, true, true, ""},
    TypeDefinition{"bitnami", "Bitnami", Requirement::kProhibited, "", true, false, true, true, ""},
    TypeDefinition{"brew", "Homebrew", Requirement::kOptional, "tap", false, false, true, true, ""},
    TypeDefinition{"cargo", "Cargo", Requirement::kProhibited, "", true, true, true, true, ""},
    TypeDefinition{"chrome-extension", "Chrome extension", Requirement::kProhibited, "", true,
                   false, true, true, ""},
    TypeDefinition{"cocoapods", "CocoaPods", Requirement::kProhibited, "", true, true, true, true,
                   ""},
    TypeDefinition{"composer", "Composer", Requirement::kRequired, "vendor", false, false, true,
                   true, ""},
    TypeDefinition{"conan", "Conan", Requirement::kOptional, "vendor", true, true, true, true, ""},
    TypeDefinition{"conda", "Conda", Requirement::kProhibited, "", true, true, true, true, ""},
    TypeDefinition{"cpan", "CPAN", Requirement::kOptional, "CPAN author ID", true, true, true, true,
                   ""},
    TypeDefinition{"cran", "CRAN", Requirement::kProhibited, "", true, true, true, true, ""},
    TypeDefinition{"deb", "Debian", Requirement::kRequired, "vendor", false, false, true, true, ""},
    TypeDefinition{"docker", "Docker", Requirement::kOptional, "", true, true, true, true, ""},
    TypeDefinition{"gem", "RubyGems", Requirement::kProhibited, "", true, true, true, true, ""},
    TypeDefinition{"generic", "generic", Requirement::kOptional, "", true, true, true, true, ""},
    TypeDefinition{"git", "Git", Requirement::kRequired, "the git host", true, true, true, true,
                   ""},
    TypeDefinition{"github", "GitHub", Requirement::kRequired, "user or organization", false, false,
                   true, true, ""},
    TypeDefinition{"golang", "Go", Requirement::kRequired, "", true, true, true, true, ""},
    TypeDefinition{"hackage", "Hackage", Requirement::kProhibited, "", true, true, true, true, ""},
    TypeDefinition{"hex", "Hex", Requirement::kOptional, "organization", false, false, true, true,
                   ""},
    TypeDefinition{"huggingface", "Hugging Face", Requirement::kRequired, "user or organization",
                   true, true, false, true, ""},
    TypeDefinition{"julia", "Julia", Requirement::kProhibited, "", true, true, true, true, "uuid"},
    TypeDefinition{"luarocks", "LuaRocks", Requirement::kOptional, "user manifest", false, false,
                   true, true, ""},
    TypeDefinition{"maven", "Maven", Requirement::kRequired, "groupId", true, true, true, true, ""},
    TypeDefinition{"mlflow", "MLflow", Requirement::kProhibited, "", true, true, true, true, ""},
    TypeDefinition{"npm", "npm", Requirement::kOptional, "scope", true, true, true, true, ""},
    TypeDefinition{"nuget", "NuGet", Requirement::kProhibited, "", true, true, true, true, ""},
    TypeDefinition{"oci", "OCI", Requirement::kProhibited, "", true, false, false, true, ""},
    TypeDefinition{"opam", "opam", Requirement::kProhibited, "", true, true, true, true, ""},
    TypeDefinition{"otp", "OTP", Requirement::kProhibited, "", true, false, true, false, ""},
    TypeDefinition{"pub", "Pub", Requirement::kProhibited, "", true, false, true, true, ""},
    TypeDefinition{"pypi", "PyPI", Requirement::kProhibited, "", true, false, false, true, ""},
    TypeDefinition{"qpkg", "QNX", Requirement::kRequired, "vendor", false, true, true, true, ""},
    TypeDefinition{"rpm", "RPM", Requirement::kRequired, "vendor", false, true, true, true, ""},
    TypeDefinition{"swid", "SWID", Requirement::kOptional, "softwareCreator", true, true, true,
                   true, "tag_id"},
    TypeDefinition{"swift", "Swift", Requirement::kRequired, "source host and owner", true, true,
                   true, true, ""},
    TypeDefinition{"vcpkg", "vcpkg", Requirement::kProhibited, "", true, true, true, true, ""},
    TypeDefinition{"vscode-extension", "VS Code extension", Requirement::kRequired, "publisher",
                   false, false, false, true, ""},
    TypeDefinition{"yocto", "Yocto", Requirement::kOptional, "layer", false, true, true, true, ""},
};

static_assert(std::ranges::is_sorted(kTypes, {}, &TypeDefinition::type));

// Every SBOM component's purl looks its type up, so the types are also hashed (at compile time)
// into an open-addressing table of indexes into kTypes; -1 marks a free slot.
constexpr std::size_t kTypeSlots = 128;

constexpr std::size_t TypeSlotOf(std::string_view type) {
  const auto byte = [&](std::size_t position) {
    return static_cast<std::size_t>(static_cast<unsigned char>(type[position]));
  };
  return (type.size() * 13 + byte(0) * 31 + byte(type.size() / 2) * 7 + byte(type.size() - 1)) &
         (kTypeSlots - 1);
}

constexpr auto kTypeIndex = [] {
  std::array<int, kTypeSlots> slots{};
  slots.fill(-1);
  for (std::size_t index = 0; index < kTypes.size(); ++index) {
    std::size_t position = TypeSlotOf(kTypes[index].type);
    while (slots[position] >= 0) position = (position + 1) & (kTypeSlots - 1);
    slots[position] = static_cast<int>(index);
  }
  return slots;
}();

}  // namespace

std::span<const TypeDefinition> RegisteredTypes() { return kTypes; }

std::optional<TypeDefinition> FindTypeDefinition(std::string_view type) {
  if (type.empty()) return std::nullopt;
  for (std::size_t position = TypeSlotOf(type);; position = (position + 1) & (kTypeSlots - 1)) {
    const int index = kTypeIndex[position];
    if (index < 0) return std::nullopt;
    if (kTypes[static_cast<std::size_t>(index)].type == type) {
      return kTypes[static_cast<std::size_t>(index)];
    }
  }
}

}  // namespace sg::purl
