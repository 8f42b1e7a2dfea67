#include "importer/zip_archive.hpp"

#include <fmt/format.h>
#include <zip.h>

#include <algorithm>
#include <array>
#include <optional>

#include "importer/errors.hpp"

namespace sg::importer {
namespace {

constexpr std::uint64_t kMebibyte = 1u << 20;

struct FileCloser {
  void operator()(zip_file_t* file) const { zip_fclose(file); }
};

std::optional<zip_uint64_t> LocateEntry(zip_t* archive, std::string_view name) {
  const std::string terminated(name);
  const zip_int64_t index = zip_name_locate(archive, terminated.c_str(), ZIP_FL_NOCASE);
  if (index < 0) return std::nullopt;
  return static_cast<zip_uint64_t>(index);
}

Error PartTooLarge(std::string_view name, std::uint64_t size) {
  return FileTooLarge(
      fmt::format("The workbook expands to more data than an import accepts ({} is {} MB or more).",
                  name, size / kMebibyte));
}

Error CompressedTooWell(std::string_view name) {
  return FileTooLarge(fmt::format(
      "The workbook was refused: {} is compressed unusually strongly, as a zip bomb is.", name));
}

}  // namespace

void ZipArchive::Closer::operator()(zip* archive) const { zip_discard(archive); }

ZipArchive::ZipArchive(std::unique_ptr<zip, Closer> archive, ZipLimits limits)
    : archive_(std::move(archive)), limits_(limits) {}

Result<ZipArchive> ZipArchive::Open(std::string_view bytes, ZipLimits limits) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (source == nullptr) {
    std::string detail = zip_error_strerror(&error);
    zip_error_fini(&error);
    return Fail(NotASpreadsheet("it is not a ZIP archive", std::move(detail)));
  }
  zip_t* archive = zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error);
  if (archive == nullptr) {
    std::string detail = zip_error_strerror(&error);
    zip_error_fini(&error);
    zip_source_free(source);  // on failure the source is still ours
    return Fail(NotASpreadsheet("it is not a readable ZIP archive", std::move(detail)));
  }
  zip_error_fini(&error);
  return ZipArchive(std::unique_ptr<zip, Closer>(archive), limits);
}

bool ZipArchive::HasEntry(std::string_view name) const {
  return LocateEntry(archive_.get(), name).has_value();
}

Result<std::string> ZipArchive::GetEntry(std::string_view name) {
  const std::optional<zip_uint64_t> index = LocateEntry(archive_.get(), name);
  if (!index) return Fail(NotASpreadsheet(fmt::format("the part {} is missing", name)));

  zip_stat_t stat;
  zip_stat_init(&stat);
  if (zip_stat_index(archive_.get(), *index, 0, &stat) != 0 ||
      (stat.valid & (ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE)) != (ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE)) {
    return Fail(
        NotASpreadsheet(fmt::format("the part {} is damaged", name), zip_strerror(archive_.get())));
  }
  // First the sizes the archive declares ...
  auto check_size = [&](std::uint64_t size) -> Result<void> {
    if (size > limits_.max_entry_bytes || total_read_ + size > limits_.max_total_bytes) {
      return Fail(PartTooLarge(name, size));
    }
    if (size > limits_.ratio_exempt_bytes &&
        size > limits_.max_compression_ratio * std::max<std::uint64_t>(stat.comp_size, 1)) {
      return Fail(CompressedTooWell(name));
    }
    return {};
  };
  if (Result<void> declared = check_size(stat.size); !declared) {
    return Fail(std::move(declared.error()));
  }

  std::unique_ptr<zip_file_t, FileCloser> file(zip_fopen_index(archive_.get(), *index, 0));
  if (!file) {
    return Fail(NotASpreadsheet(fmt::format("the part {} cannot be opened", name),
                                zip_strerror(archive_.get())));
  }
  // ... then the bytes actually inflated, in case the declared sizes lie.
  std::string content;
  content.reserve(static_cast<std::size_t>(stat.size));
  std::array<char, 64 * 1024> chunk;
  while (true) {
    const zip_int64_t count = zip_fread(file.get(), chunk.data(), chunk.size());
    if (count < 0) {
      return Fail(NotASpreadsheet(fmt::format("the part {} cannot be decompressed", name),
                                  zip_file_strerror(file.get())));
    }
    if (count == 0) break;
    content.append(chunk.data(), static_cast<std::size_t>(count));
    if (Result<void> actual = check_size(content.size()); !actual) {
      return Fail(std::move(actual.error()));
    }
  }
  total_read_ += content.size();
  return content;
}

}  // namespace sg::importer
