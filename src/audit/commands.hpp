#pragma once

#include <filesystem>
#include <optional>
#include <string_view>

#include "audit/retention.hpp"
#include "audit/verify.hpp"
#include "core/error.hpp"
#include "storage/audit_store.hpp"

namespace sg::audit {

/// `supplyguard audit-log verify --db URL [--key FILE]`: opens the database (without migrating
/// it) and verifies its audit log. Signatures are checked against the key in `key_file` (a public
/// key file or the server key file), by default the server key next to a SQLite database; with
/// neither, against the public keys stored with them (VerifyReport::trusted_key is then false).
/// The command exits 0 when the report is ok and 1 otherwise, printing Describe(report).
Result<VerifyReport> VerifyDatabase(std::string_view db_url,
                                    const std::optional<std::filesystem::path>& key_file = {});

/// `supplyguard audit-log prune --db URL --retention-months N --export FILE [--key FILE]`:
/// prunes the entries older than the retention (at least kMinimumRetentionMonths) behind a
/// checkpoint signed with the server key (`key_file`, by default next to a SQLite database;
/// created when missing), exporting them to `export_path` first.
Result<PruneReport> PruneDatabase(std::string_view db_url, int retention_months,
                                  const std::filesystem::path& export_path,
                                  const std::optional<std::filesystem::path>& key_file = {});

/// `supplyguard audit-log anchor --db URL [--key FILE]`: signs the current head (what `serve`
/// does periodically). Nullopt when there was nothing new to anchor.
Result<std::optional<storage::AuditAnchor>> AnchorDatabase(
    std::string_view db_url, const std::optional<std::filesystem::path>& key_file = {});

/// The server key for `db_url`: `key_file`, or the default next to a SQLite database; created
/// when missing. For `serve` and the commands above; print its public_key().Hex() for operators.
Result<ServerKey> OpenServerKey(std::string_view db_url,
                                const std::optional<std::filesystem::path>& key_file = {});

}  // namespace sg::audit
