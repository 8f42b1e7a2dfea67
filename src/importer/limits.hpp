#pragma once

#include <cstddef>
#include <cstdint>

namespace sg::importer {

/// Bounds that keep a small hostile upload from costing a large amount of memory or time. A file
/// past one of them is refused with code "fileTooLarge".
inline constexpr std::size_t kMaxCells = 5'000'000;       // rows x columns, after padding
inline constexpr std::size_t kMaxTextBytes = 256u << 20;  // all cell text of one table
inline constexpr std::size_t kMaxSheetRows = 1'048'576;   // Excel's own limit
inline constexpr std::size_t kMaxSheetColumns = 16'384;   // Excel's own limit (XFD)

/// Bounds on the ZIP container of an XLSX workbook (zip-bomb defence).
struct ZipLimits {
  std::uint64_t max_entry_bytes = 100u << 20;  // uncompressed size of one part
  std::uint64_t max_total_bytes = 300u << 20;  // uncompressed size of all parts read
  std::uint64_t max_compression_ratio = 200;   // uncompressed : compressed
  // Parts smaller than this are exempt from the ratio check: small XML compresses very well.
  std::uint64_t ratio_exempt_bytes = 1u << 20;
};

}  // namespace sg::importer
