#include "audit/verify.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <vector>

#include "audit/chain.hpp"

namespace sg::audit {
namespace {

/// How often Verify reads again when the checkpoints changed under it (a concurrent prune).
constexpr int kVerifyAttempts = 3;

struct Problem {
  std::int64_t seq;
  std::string reason;
};

/// Keeps the problem with the lowest seq.
class FirstProblem {
 public:
  void Note(std::int64_t seq, std::string reason) {
    if (!problem_ || seq < problem_->seq) problem_ = Problem{seq, std::move(reason)};
  }
  const std::optional<Problem>& get() const { return problem_; }

 private:
  std::optional<Problem> problem_;
};

class Signatures {
 public:
  explicit Signatures(const std::optional<PublicKey>& trusted_key) : trusted_key_(trusted_key) {}

  bool Valid(std::string_view message, std::string_view signature,
             std::string_view stored_public_key) const {
    if (trusted_key_) return trusted_key_->Verifies(message, signature);
    auto stored = PublicKey::FromHex(stored_public_key);
    return stored && stored->Verifies(message, signature);
  }

 private:
  const std::optional<PublicKey>& trusted_key_;
};

Result<VerifyReport> VerifyOnce(storage::AuditStore& store,
                                const std::optional<PublicKey>& trusted_key,
                                const std::vector<storage::AuditCheckpoint>& checkpoints) {
  VerifyReport report;
  report.trusted_key = trusted_key.has_value();
  const Signatures signatures(trusted_key);
  FirstProblem problems;

  // Anchors before the range: every anchor read here names an entry that existed before the
  // range was read, so an anchor past the end of the range means entries were deleted.
  auto anchors = store.Anchors();
  if (!anchors) return std::unexpected(anchors.error());
  auto range = store.SeqRange();
  if (!range) return std::unexpected(range.error());
  report.anchors = static_cast<std::int64_t>(anchors->size());
  if (!checkpoints.empty()) report.checkpoint_seq = checkpoints.back().seq;

  // Checkpoints (by seq): each must carry the server's signature. A forged one stands for entries
  // deleted without the key, from just after the last genuine checkpoint.
  std::map<std::int64_t, const storage::AuditCheckpoint*> checkpoint_at;
  std::int64_t covered = 0;
  for (const storage::AuditCheckpoint& checkpoint : checkpoints) {
    if (!signatures.Valid(CheckpointMessage(checkpoint), checkpoint.signature,
                          checkpoint.public_key)) {
      problems.Note(covered + 1,
                    fmt::format("checkpoint #{} (at entry {}) is not signed by the server key",
                                checkpoint.id, checkpoint.seq));
      continue;
    }
    checkpoint_at.emplace(checkpoint.seq, &checkpoint);
    covered = std::max(covered, checkpoint.seq);
  }

  // Where the walk starts: seq 1 from the genesis hash, or just after the checkpoint that the
  // oldest remaining entry follows.
  std::int64_t start_seq = 0;
  std::string start_hash(storage::kGenesisHash);
  if (!range->has_value()) {
    if (!checkpoint_at.empty()) {
      start_seq = checkpoint_at.rbegin()->first;
      start_hash = checkpoint_at.rbegin()->second->hash;
    }
  } else if (const std::int64_t oldest = (*range)->first; oldest > 1) {
    if (auto found = checkpoint_at.find(oldest - 1); found != checkpoint_at.end()) {
      start_seq = found->first;
      start_hash = found->second->hash;
    } else {
      auto before = checkpoint_at.lower_bound(oldest);
      const std::int64_t missing_from =
          before == checkpoint_at.begin() ? 1 : std::prev(before)->first + 1;
      problems.Note(missing_from,
                    fmt::format("entries {} to {} are missing and no checkpoint covers them",
                                missing_from, oldest - 1));
      start_seq = oldest - 1;
      start_hash.clear();  // unknown: the first entry's link cannot be checked
    }
  }
  report.first_seq = start_seq + 1;
  report.last_seq = range->has_value() ? (*range)->second : start_seq;

  std::multimap<std::int64_t, const storage::AuditAnchor*> anchors_at;
  for (const storage::AuditAnchor& anchor : *anchors) {
    if (!signatures.Valid(AnchorMessage(anchor), anchor.signature, anchor.public_key)) {
      problems.Note(anchor.seq,
                    fmt::format("anchor #{} is not signed by the server key", anchor.id));
      continue;
    }
    if (anchor.seq > report.last_seq) {
      problems.Note(report.last_seq + 1,
                    fmt::format("the log ends at entry {} but anchor #{} signed entry {}: entries "
                                "were deleted from its end",
                                report.last_seq, anchor.id, anchor.seq));
    } else if (anchor.seq <= start_seq) {
      // Pruned: only a checkpoint at the same seq can be compared.
      auto checkpoint = checkpoint_at.find(anchor.seq);
      if (checkpoint != checkpoint_at.end() && checkpoint->second->hash != anchor.hash) {
        problems.Note(anchor.seq,
                      fmt::format("anchor #{} and checkpoint #{} signed different hashes",
                                  anchor.id, checkpoint->second->id));
      }
    } else {
      anchors_at.emplace(anchor.seq, &anchor);
    }
  }

  if (range->has_value()) {
    std::int64_t expected = start_seq + 1;
    std::string previous_hash = start_hash;
    bool first = true;
    auto walked = store.ForEach(
        expected,
        [&](const storage::AuditEntry& entry) {
          if (entry.seq != expected) {
            problems.Note(expected, fmt::format("the entry is missing (the next one present is {})",
                                                entry.seq));
            return false;
          }
          if (!(first && previous_hash.empty()) && entry.prev_hash != previous_hash) {
            problems.Note(entry.seq, expected - 1 == start_seq && start_seq > 0
                                         ? "prev_hash does not match the checkpoint's hash"
                                         : "prev_hash does not match the previous entry's hash");
            return false;
          }
          if (EntryHash(entry) != entry.hash) {
            problems.Note(entry.seq, "hash does not match its content");
            return false;
          }
          if (auto checkpoint = checkpoint_at.find(entry.seq);
              checkpoint != checkpoint_at.end() && checkpoint->second->hash != entry.hash) {
            problems.Note(entry.seq, fmt::format("checkpoint #{} recorded a different hash",
                                                 checkpoint->second->id));
            return false;
          }
          const auto [from, to] = anchors_at.equal_range(entry.seq);
          for (auto anchor = from; anchor != to; ++anchor) {
            if (anchor->second->hash != entry.hash) {
              problems.Note(entry.seq,
                            fmt::format("anchor #{} signed a different hash", anchor->second->id));
              return false;
            }
          }
          first = false;
          previous_hash = entry.hash;
          ++expected;
          ++report.entries_checked;
          return true;
        },
        report.last_seq);
    if (!walked) return std::unexpected(walked.error());
  }

  if (const auto& problem = problems.get()) {
    report.ok = false;
    report.first_broken_seq = problem->seq;
    report.reason = problem->reason;
  }
  return report;
}

}  // namespace

Result<VerifyReport> Verify(storage::AuditStore& store,
                            const std::optional<PublicKey>& trusted_key) {
  for (int attempt = 1;; ++attempt) {
    auto checkpoints = store.Checkpoints();
    if (!checkpoints) return std::unexpected(checkpoints.error());
    auto report = VerifyOnce(store, trusted_key, *checkpoints);
    if (!report || report->ok || attempt == kVerifyAttempts) return report;
    // Entries that vanished because a prune committed while we read are not a break.
    auto again = store.Checkpoints();
    if (!again) return std::unexpected(again.error());
    if (again->size() == checkpoints->size()) return report;
  }
}

std::string Describe(const VerifyReport& report) {
  if (!report.ok) {
    return fmt::format("audit log BROKEN at entry {}: {}", report.first_broken_seq.value_or(0),
                       report.reason);
  }
  std::string text =
      fmt::format("audit log intact: {} entries from seq {} (anchors: {}, latest checkpoint: {})",
                  report.entries_checked, report.first_seq, report.anchors,
                  report.checkpoint_seq ? fmt::format("seq {}", *report.checkpoint_seq) : "none");
  if (!report.trusted_key && (report.anchors > 0 || report.checkpoint_seq)) {
    text += "; signatures checked against the public keys stored with them, not a trusted key";
  }
  return text;
}

}  // namespace sg::audit
