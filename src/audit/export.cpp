#include "audit/export.hpp"

#include <fmt/format.h>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "core/text.hpp"

namespace sg::audit {
namespace {

constexpr int kExportPage = 500;

}  // namespace

std::string JsonLine(const storage::AuditEntry& entry) {
  boost::json::object line;
  line["seq"] = entry.seq;
  line["at"] = entry.at;
  line["actor_id"] = entry.actor_id ? boost::json::value(*entry.actor_id) : nullptr;
  line["actor_email"] = entry.actor_email;
  line["role"] = entry.role;
  line["tenant"] = entry.tenant;
  line["action"] = entry.action;
  line["object_type"] = entry.object_type;
  line["object_id"] = entry.object_id;
  line["changes"] = entry.changes_json;
  line["source_ip"] = entry.source_ip;
  line["request_id"] = entry.request_id;
  line["outcome"] = entry.outcome;
  line["prev_hash"] = entry.prev_hash;
  line["hash"] = entry.hash;
  std::string text = boost::json::serialize(line);
  text.push_back('\n');
  return text;
}

std::string CsvHeader() {
  return "seq,at,actor_id,actor_email,role,tenant,action,object_type,object_id,changes,source_ip,"
         "request_id,outcome,prev_hash,hash\r\n";
}

std::string CsvRow(const storage::AuditEntry& entry) {
  return fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\r\n", entry.seq,
                     text::CsvCell(entry.at), entry.actor_id ? std::to_string(*entry.actor_id) : "",
                     text::CsvCell(entry.actor_email), text::CsvCell(entry.role),
                     text::CsvCell(entry.tenant), text::CsvCell(entry.action),
                     text::CsvCell(entry.object_type), text::CsvCell(entry.object_id),
                     text::CsvCell(entry.changes_json), text::CsvCell(entry.source_ip),
                     text::CsvCell(entry.request_id), text::CsvCell(entry.outcome),
                     text::CsvCell(entry.prev_hash), text::CsvCell(entry.hash));
}

Result<std::int64_t> ExportEntries(storage::AuditStore& store, storage::AuditQuery query,
                                   ExportFormat format,
                                   const std::function<Result<void>(std::string_view)>& sink) {
  if (format == ExportFormat::kCsv) {
    if (auto written = sink(CsvHeader()); !written) return std::unexpected(written.error());
  }
  // Keyset paging on seq: every page is one indexed range read, however deep the export goes.
  query.page = 1;
  query.per_page = kExportPage;
  query.descending = false;
  query.with_total = false;
  std::int64_t exported = 0;
  while (true) {
    auto page = store.Search(query);
    if (!page) return std::unexpected(page.error());
    std::string chunk;
    for (const storage::AuditEntry& entry : page->items) {
      chunk += format == ExportFormat::kCsv ? CsvRow(entry) : JsonLine(entry);
    }
    if (!chunk.empty()) {
      if (auto written = sink(chunk); !written) return std::unexpected(written.error());
    }
    exported += static_cast<std::int64_t>(page->items.size());
    if (static_cast<int>(page->items.size()) < kExportPage) break;
    query.after_seq = page->items.back().seq;
  }
  return exported;
}

}  // namespace sg::audit
