#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "audit/server_key.hpp"
#include "core/error.hpp"
#include "storage/audit_store.hpp"

namespace sg::audit {

/// What Verify found. `first_broken_seq` is the lowest seq at which the log stops being the one
/// the server wrote: an entry edited, missing or out of place, or not matching a signed anchor or
/// checkpoint; `reason` says which.
struct VerifyReport {
  bool ok = true;
  std::int64_t entries_checked = 0;
  std::int64_t first_seq = 1;  // where the walk started: 1, or a checkpoint's seq + 1
  std::int64_t last_seq = 0;   // the head's seq (0 for an empty log)
  std::int64_t anchors = 0;
  std::optional<std::int64_t> checkpoint_seq;  // the latest checkpoint's
  std::optional<std::int64_t> first_broken_seq;
  std::string reason;
  /// False when no trusted public key was given: each signature was then checked against the
  /// public key stored beside it, which someone able to rewrite the tables could replace.
  bool trusted_key = false;
};

/// Checks the whole chain held by `store`:
/// - every checkpoint's signature; the walk starts after the checkpoint the oldest remaining entry
///   follows (its prev_hash must be the checkpoint's hash), or at seq 1 from 64 zeros;
/// - every entry: seq follows the previous one with no gap, prev_hash is the previous entry's
///   hash, and the hash recomputed from the content matches;
/// - every anchor's signature, that its hash is the entry's hash at its seq, and that no anchor
///   names an entry past the end (entries deleted from the end behind an anchor).
/// With `trusted_key`, signatures must be that key's; without, each row's own public key is used
/// (weaker; see VerifyReport::trusted_key). Reads in batches and needs no transaction: entries
/// appended meanwhile are left for the next run, and a prune that commits meanwhile makes it
/// read again.
Result<VerifyReport> Verify(storage::AuditStore& store,
                            const std::optional<PublicKey>& trusted_key);

/// One line for people: `audit log intact: 1234 entries from seq 1 (anchors: 5, latest
/// checkpoint: none)` or `audit log BROKEN at entry 17: hash does not match its content`.
std::string Describe(const VerifyReport& report);

}  // namespace sg::audit
