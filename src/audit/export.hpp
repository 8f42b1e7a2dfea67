#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "storage/audit_store.hpp"

namespace sg::audit {

enum class ExportFormat { kJsonLines, kCsv };

/// One entry as a JSON object on one line (ending in "\n"), every column included, hashes too, so
/// that an export can be checked against the chain later. `changes` is kept as the exact text the
/// hash covers (a JSON string holding JSON), not re-serialised.
std::string JsonLine(const storage::AuditEntry& entry);

/// The CSV header and one row (RFC 4180, CRLF). A cell a spreadsheet would read as a formula
/// (= + - @ …) is prefixed with ' as in every export of the platform, so a CSV is for reading,
/// not for checking hashes: use JSON lines for that.
std::string CsvHeader();
std::string CsvRow(const storage::AuditEntry& entry);

/// Writes the entries matching `query`'s filters (all of them, oldest first; its paging and order
/// are ignored) to `sink` in `format`, a few hundred at a time. Returns how many were written.
Result<std::int64_t> ExportEntries(storage::AuditStore& store, storage::AuditQuery query,
                                   ExportFormat format,
                                   const std::function<Result<void>(std::string_view)>& sink);

}  // namespace sg::audit
