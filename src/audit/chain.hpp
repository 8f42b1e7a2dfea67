#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "audit/server_key.hpp"
#include "core/error.hpp"
#include "storage/audit_store.hpp"

namespace sg::audit {

/// The bytes of an entry that its hash covers: a version tag, then every field except the hashes
/// in a fixed order (seq, at, actor_id, actor_email, role, tenant, action, object_type, object_id,
/// changes, source_ip, request_id, outcome), each as `<decimal byte length>:<bytes>\n`. A length
/// prefix per field means no two different entries share an encoding, whatever their text holds.
/// A missing actor_id is the empty field (an id is never empty).
std::string CanonicalEncoding(const storage::AuditEntry& entry);

/// Lower-case hex SHA-256(prev_hash || CanonicalEncoding(entry)), where prev_hash is the previous
/// entry's hash as 64 hex digits: storage::kGenesisHash for seq 1, or the hash recorded by the
/// checkpoint that the first remaining entry follows.
std::string EntryHash(const storage::AuditEntry& entry);

/// What the server key signs for an anchor and for a checkpoint. Each starts with its own tag, so
/// that one kind of signature can never pass for the other.
std::string AnchorMessage(const storage::AuditAnchor& anchor);
std::string CheckpointMessage(const storage::AuditCheckpoint& checkpoint);

/// RFC 3339 UTC with milliseconds, the shape of every `at` (2026-11-21T08:00:00.123Z).
std::string UtcTimestamp(std::chrono::system_clock::time_point time);

/// Checks `entry` (an action, a known outcome, changes that are a JSON object), stamps it with
/// the current time when its `at` is empty, and appends it to the chain in a transaction of its
/// own. Returns the entry as stored, with its seq and hashes.
Result<storage::AuditEntry> Append(storage::AuditStore& store, storage::AuditEntry entry);
/// The same inside the caller's transaction on the store's connection, so that the entry and the
/// change it records commit together.
Result<storage::AuditEntry> AppendInTransaction(storage::AuditStore& store,
                                                storage::AuditEntry entry);

/// Signs the chain's head with `key` and stores it as an anchor stamped `now`. Returns nullopt,
/// writing nothing, when the log is empty or its head is already anchored.
Result<std::optional<storage::AuditAnchor>> Anchor(storage::AuditStore& store, const ServerKey& key,
                                                   std::string_view now);

}  // namespace sg::audit
