// supplyguard — the platform's single binary: serve, migrate, user add, import.
// This file is the composition root: it wires storage, services and HTTP together.
#include <fmt/format.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

#include "api/app.hpp"
#include "audit/chain.hpp"
#include "audit/commands.hpp"
#include "audit/server_key.hpp"
#include "auth/crypto.hpp"
#include "auth/password_policy.hpp"
#include "cli/engine_commands.hpp"
#include "core/text.hpp"
#include "http/server.hpp"
#include "importer/table.hpp"
#include "mail/mail_queue.hpp"
#include "mail/mailer.hpp"
#include "mail/operator_alerts.hpp"
#include "service/account_mail.hpp"
#include "service/account_service.hpp"
#include "service/assignment_service.hpp"
#include "service/audit_trail.hpp"
#include "service/registry_service.hpp"
#include "service/secret_box.hpp"
#include "service/vulnerability_service.hpp"
#include "storage/audit_store.hpp"
#include "storage/migrations.hpp"

namespace {

using namespace sg;

constexpr int kExitFailure = 1;
constexpr int kExitInvalid = 2;

int Report(const Error& error) {
  std::cerr << "error: " << error.message;
  for (const auto& [field, codes] : error.fields) {
    std::cerr << "\n  " << field << ":";
    for (const auto& code : codes) std::cerr << " " << code;
  }
  std::cerr << "\n";
  if (!error.detail.empty() && std::getenv("SG_DEBUG"))
    std::cerr << "detail: " << error.detail << "\n";
  return error.kind == ErrorKind::kValidationFailed || error.kind == ErrorKind::kBadRequest
             ? kExitInvalid
             : kExitFailure;
}

Result<std::unique_ptr<storage::Database>> OpenAndMigrate(const std::string& url) {
  auto database = storage::OpenDatabase(url, 16);
  if (!database) return database;
  auto connection = (*database)->Acquire();
  if (!connection) return std::unexpected(connection.error());
  auto applied = storage::Migrate(**connection);
  if (!applied) return std::unexpected(applied.error());
  return database;
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return Fail(Error::BadRequest(fmt::format("Cannot read {}.", path)));
  std::ostringstream content;
  content << file.rdbuf();
  return content.str();
}

/// Where the server's keys live: `--key-dir`, else $SG_KEY_DIR, else beside a SQLite database
/// (`<db>.audit-key`, `<db>.data-key`), else (PostgreSQL) data/keys/ under the working folder,
/// named after the database so that several databases keep apart.
std::filesystem::path KeyPath(const std::string& db_url, const std::string& key_dir,
                              std::string_view suffix) {
  std::string folder = key_dir;
  if (folder.empty()) {
    if (const char* from_environment = std::getenv("SG_KEY_DIR")) folder = from_environment;
  }
  if (folder.empty() && db_url.starts_with("sqlite:")) {
    return std::filesystem::path(db_url.substr(7) + "." + std::string(suffix));
  }
  if (folder.empty()) folder = "data/keys";
  return std::filesystem::path(folder) /
         fmt::format("db-{}.{}", auth::Sha256Hex(db_url).substr(0, 16), suffix);
}

void PrintImportReport(const service::ImportReport& report) {
  for (const auto& error : report.errors) {
    std::cout << fmt::format("row {}, column {}: {} (value \"{}\", {})\n", error.row, error.column,
                             error.message, error.value, error.code);
  }
  std::cout << fmt::format(
      "{}created {}, updated {}, unchanged {}{}\n", report.dry_run ? "dry run: would have " : "",
      report.created, report.updated, report.unchanged,
      report.errors.empty() ? ""
                            : fmt::format(", {} errors: nothing written", report.errors.size()));
}

Result<service::ImportReport> ImportFile(service::RegistryService& registry,
                                         const std::string& kind, const std::string& path,
                                         bool dry_run) {
  const auto entity = registry::ParseEntityKind(kind);
  if (!entity) {
    return Fail(Error::BadRequest(
        fmt::format("Unknown import kind {}: use agencies, vendors, systems or contracts.", kind)));
  }
  auto bytes = ReadFile(path);
  if (!bytes) return std::unexpected(bytes.error());
  auto table = importer::ReadTable(*bytes);
  if (!table) return std::unexpected(table.error());
  return registry.Import(service::Caller::CommandLine(), *entity, *table, dry_run);
}

/// Loads the sample registry of demo/ and one account of every role; prints the accounts.
Result<void> LoadDemo(service::RegistryService& registry, service::AccountService& accounts,
                      const std::filesystem::path& demo_dir) {
  for (const std::string kind : {"agencies", "vendors", "systems", "contracts"}) {
    auto report = ImportFile(registry, kind, (demo_dir / (kind + ".csv")).string(), false);
    if (!report) return std::unexpected(report.error());
    if (!report->errors.empty()) {
      PrintImportReport(*report);
      return Fail(Error::Internal("the demo data does not import"));
    }
  }
  struct DemoAccount {
    const char* email;
    const char* role;
    std::optional<std::string> agency;
    std::optional<std::string> vendor;
  };
  const DemoAccount demo_accounts[] = {
      {"authority@demo.supplyguard.tw", "authority", std::nullopt, std::nullopt},
      {"ciso@demo.supplyguard.tw", "agency_ciso", "A0100", std::nullopt},
      {"officer@demo.supplyguard.tw", "agency_officer", "A0101", std::nullopt},
      {"vendor@demo.supplyguard.tw", "vendor", std::nullopt, "04595252"},
      {"auditor@demo.supplyguard.tw", "auditor", std::nullopt, std::nullopt},
  };
  std::cout << "Demo accounts (role: e-mail / password):\n";
  for (const auto& account : demo_accounts) {
    const std::string password = "Demo-" + auth::RandomToken(9);
    auto added = accounts.AddUser(
        {account.email, account.role, account.agency, account.vendor, password, false, false, {}},
        service::Caller::CommandLine());
    if (!added && added.error().kind != ErrorKind::kConflict) return std::unexpected(added.error());
    if (added) {
      std::cout << fmt::format("  {:15} {} / {}\n", account.role, account.email, password);
    } else {
      std::cout << fmt::format("  {:15} {} (exists already; password unchanged)\n", account.role,
                               account.email);
    }
  }
  return {};
}

/// The SMTP options of `serve` and `user invite` (README "E-mail").
struct MailOptions {
  mail::SmtpSettings smtp;
  std::string password_file;
};

void AddMailOptions(CLI::App* command, MailOptions& options) {
  command->add_option("--smtp-url", options.smtp.url,
                      "SMTP server: smtp://host:587 (STARTTLS when offered) or smtps://host:465");
  command->add_flag("--smtp-require-tls", options.smtp.require_tls,
                    "Refuse to send over smtp:// unless STARTTLS succeeds");
  command->add_option("--smtp-from", options.smtp.from,
                      "Sender of the platform's e-mails: address or 'Name <address>'");
  command->add_option("--smtp-user", options.smtp.username, "SMTP AUTH user name");
  command->add_option("--smtp-password-file", options.password_file,
                      "File holding the SMTP password (else $SG_SMTP_PASSWORD)");
}

/// The mailer of `--smtp-url`, with the password from its file or the environment; null when no
/// SMTP server is configured.
Result<std::unique_ptr<mail::CurlMailer>> OpenMailer(MailOptions& options) {
  if (options.smtp.url.empty()) return std::unique_ptr<mail::CurlMailer>();
  if (options.smtp.from.empty()) {
    return Fail(Error::BadRequest("--smtp-url needs --smtp-from (the sender's address)."));
  }
  if (!options.password_file.empty()) {
    auto password = ReadFile(options.password_file);
    if (!password) return std::unexpected(password.error());
    while (!password->empty() && (password->back() == '\n' || password->back() == '\r')) {
      password->pop_back();
    }
    options.smtp.password = std::move(*password);
  } else if (const char* from_environment = std::getenv("SG_SMTP_PASSWORD")) {
    options.smtp.password = from_environment;
  }
  return mail::CurlMailer::Create(options.smtp);
}

/// Runs `task` every `interval` on its own thread until Stop (or destruction).
class PeriodicTask {
 public:
  PeriodicTask(std::chrono::seconds interval, std::function<void()> task)
      : thread_([this, interval, task = std::move(task)] {
          std::unique_lock lock(mutex_);
          while (!wake_.wait_for(lock, interval, [this] { return stop_; })) {
            lock.unlock();
            task();
            lock.lock();
          }
        }) {}
  ~PeriodicTask() { Stop(); }
  void Stop() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;  // last: starts after the members it uses
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"SupplyGuard 受託者資安管理平台 — outsourced-IT security management"};
  app.require_subcommand(1);
  std::string db_url;

  auto* serve = app.add_subcommand("serve", "Run the web server (migrates the database first)");
  std::string listen = "127.0.0.1:8080";
  std::string web_root;
  bool demo = false;
  int idle_timeout = 30 * 60;
  std::string password_profile = "tw-high";
  serve->add_option("--db", db_url, "sqlite:PATH or postgresql://URI")->required();
  serve->add_option("--listen", listen, "HOST:PORT to listen on")->capture_default_str();
  serve->add_option("--web-root", web_root, "Folder of the built web UI (web/dist)");
  serve->add_flag("--demo", demo, "Load a sample registry and one account of every role");
  std::string demo_dir = "demo";
  serve->add_option("--demo-dir", demo_dir, "Folder of the sample registry's CSV files")
      ->capture_default_str();
  serve
      ->add_option("--session-idle-timeout", idle_timeout, "Seconds of inactivity ending a session")
      ->check(CLI::Range(1, 24 * 3600))
      ->capture_default_str();
  int absolute_timeout = 12 * 3600;
  serve
      ->add_option("--session-absolute-timeout", absolute_timeout,
                   "Seconds after sign-in when a session ends however active")
      ->check(CLI::Range(1, 7 * 24 * 3600))
      ->capture_default_str();
  serve->add_option("--password-profile", password_profile, "tw-high (default) or asvs")
      ->check(CLI::IsMember({"tw-high", "asvs"}))
      ->capture_default_str();
  service::SecurityPolicy security;
  int lockout_seconds = static_cast<int>(security.lockout_duration.count());
  serve
      ->add_option("--lockout-threshold", security.lockout_threshold,
                   "Failed sign-ins in a row that lock an account")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  serve->add_option("--lockout-duration", lockout_seconds, "Seconds an account stays locked")
      ->check(CLI::Range(1, 24 * 3600))
      ->capture_default_str();
  serve
      ->add_option("--sign-in-ip-limit", security.ip_failure_limit,
                   "Failed sign-ins per source address in 15 minutes before 429")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  std::vector<std::string> password_lists;
  serve->add_option("--password-list", password_lists,
                    "More refused passwords: a UTF-8 file, one per line (repeatable)");
  std::string key_dir;
  serve->add_option("--key-dir", key_dir,
                    "Folder of the server's keys (default: beside a SQLite database; "
                    "data/keys for PostgreSQL; or $SG_KEY_DIR)");
  int anchor_seconds = 300;
  serve
      ->add_option("--audit-anchor-interval", anchor_seconds,
                   "Seconds between signed anchors of the audit log's head")
      ->check(CLI::Range(1, 24 * 3600))
      ->capture_default_str();
  serve->set_config("--config", "", "Configuration file (TOML or INI: option = value)");
  int io_threads = 0;
  std::size_t sbom_max_mib = 50;
  serve
      ->add_option("--sbom-max-mib", sbom_max_mib,
                   "Largest SBOM accepted for upload, in MiB (larger ones are refused)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1024}))
      ->capture_default_str();
  std::size_t read_cache_mib = 64;
  serve
      ->add_option("--read-cache-mib", read_cache_mib,
                   "Memory for answers of registry reads, kept until the next write (0: off)")
      ->check(CLI::Range(std::size_t{0}, std::size_t{65536}))
      ->capture_default_str();
  int worker_threads = 0;
  std::size_t max_pending = http::ServerConfig{}.max_pending_requests;
  serve->add_option("--io-threads", io_threads, "Network threads (0: one per core)")
      ->check(CLI::Range(0, 256));
  serve->add_option("--worker-threads", worker_threads, "Request threads (0: four per core)")
      ->check(CLI::Range(0, 1024));
  serve
      ->add_option("--max-pending-requests", max_pending,
                   "Requests waiting or running beyond which new ones get 503")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20))
      ->capture_default_str();
  std::string tls_certificate;
  std::string tls_key;
  std::vector<std::string> trusted_proxies;
  serve->add_option("--tls-cert", tls_certificate,
                    "PEM certificate (chain) file: serve HTTPS only (with --tls-key)");
  serve->add_option("--tls-key", tls_key, "PEM private key file of --tls-cert");
  serve->add_option("--trusted-proxy", trusted_proxies,
                    "Reverse proxy address or CIDR range whose X-Forwarded-For and "
                    "X-Forwarded-Proto are believed (repeatable)");
  MailOptions mail_options;
  AddMailOptions(serve, mail_options);
  std::string public_url;
  serve->add_option("--public-url", public_url,
                    "The platform's external address (https://host), for links in e-mails; "
                    "without it no link is e-mailed");
  std::vector<std::string> alert_emails;
  serve->add_option("--alert-email", alert_emails,
                    "Operator address told at once when the audit log cannot be written "
                    "(repeatable; needs --smtp-url)");
  int idle_account_days = 90;
  serve
      ->add_option("--disable-idle-accounts-after", idle_account_days,
                   "Days without sign-in after which an account is disabled (0: never)")
      ->check(CLI::Range(0, 3650))
      ->capture_default_str();
  int idle_check_seconds = 3600;
  serve->add_option("--idle-account-check-interval", idle_check_seconds)
      ->check(CLI::Range(1, 24 * 3600))
      ->group("");  // hidden: for tests
  int reset_validity_seconds = static_cast<int>(security.password_reset_validity.count());
  serve->add_option("--password-reset-validity", reset_validity_seconds)
      ->check(CLI::Range(1, 24 * 3600))
      ->group("");  // hidden: for tests

  auto* migrate = app.add_subcommand("migrate", "Create or upgrade the database schema");
  migrate->add_option("--db", db_url, "sqlite:PATH or postgresql://URI")->required();

  auto* user = app.add_subcommand("user", "Manage user accounts");
  user->require_subcommand(1);
  auto* user_add = user->add_subcommand("add", "Add a user account");
  service::NewAccount account;
  std::string agency_code;
  std::string vendor_tax_id;
  bool password_stdin = false;
  user_add->add_option("--db", db_url, "sqlite:PATH or postgresql://URI")->required();
  user_add->add_option("--email", account.email, "E-mail (the sign-in name)")->required();
  user_add
      ->add_option("--role", account.role,
                   "authority, agency_ciso, agency_officer, vendor or auditor")
      ->required();
  auto* agency_option = user_add->add_option("--agency", agency_code, "Agency code (agency roles)");
  user_add->add_option("--vendor", vendor_tax_id, "Vendor tax id (vendor role)")
      ->excludes(agency_option);
  user_add->add_flag("--tenant-admin", account.tenant_admin, "May manage the tenant's users");
  user_add->add_flag("--password-stdin", password_stdin, "Read the password from standard input")
      ->required();
  std::string user_profile = "tw-high";
  user_add->add_option("--password-profile", user_profile, "Password policy: tw-high or asvs")
      ->check(CLI::IsMember({"tw-high", "asvs"}))
      ->capture_default_str();
  std::string expires_at;
  user_add->add_option("--expires-at", expires_at, "The account's end (RFC 3339 or YYYY-MM-DD)");
  user_add->add_option("--password-list", password_lists,
                       "More refused passwords, as for serve (repeatable)");

  auto* user_invite =
      user->add_subcommand("invite", "Invite a user: prints a one-time link to set a password");
  user_invite->add_option("--db", db_url, "sqlite:PATH or postgresql://URI")->required();
  user_invite->add_option("--email", account.email, "E-mail (the sign-in name)")->required();
  user_invite
      ->add_option("--role", account.role,
                   "authority, agency_ciso, agency_officer, vendor or auditor")
      ->required();
  auto* invite_agency =
      user_invite->add_option("--agency", agency_code, "Agency code (agency roles)");
  user_invite->add_option("--vendor", vendor_tax_id, "Vendor tax id (vendor role)")
      ->excludes(invite_agency);
  user_invite->add_flag("--tenant-admin", account.tenant_admin, "May manage the tenant's users");
  std::string base_url = "http://127.0.0.1:8080";
  user_invite
      ->add_option("--base-url,--public-url", base_url, "The platform's address, for the link")
      ->capture_default_str();
  AddMailOptions(user_invite, mail_options);

  auto* audit_log = app.add_subcommand("audit-log", "Verify, anchor or prune the audit log");
  audit_log->require_subcommand(1);
  std::string audit_key;
  auto* audit_verify =
      audit_log->add_subcommand("verify", "Check the hash chain, anchors and checkpoints");
  audit_verify->add_option("--db", db_url, "sqlite:PATH or postgresql://URI")->required();
  audit_verify->add_option("--key", audit_key, "The server's audit key (or its public key) file");
  audit_verify->add_option("--key-dir", key_dir, "Folder of the server's keys");
  auto* audit_anchor = audit_log->add_subcommand("anchor", "Sign the log's current head");
  audit_anchor->add_option("--db", db_url, "sqlite:PATH or postgresql://URI")->required();
  audit_anchor->add_option("--key", audit_key, "The server's audit key file");
  audit_anchor->add_option("--key-dir", key_dir, "Folder of the server's keys");
  auto* audit_prune = audit_log->add_subcommand(
      "prune", "Export and remove entries past retention, behind a signed checkpoint");
  int retention_months = 6;
  std::string export_path;
  audit_prune->add_option("--db", db_url, "sqlite:PATH or postgresql://URI")->required();
  audit_prune->add_option("--retention-months", retention_months, "Months kept (at least 6)")
      ->check(CLI::Range(6, 1200))
      ->capture_default_str();
  audit_prune->add_option("--export", export_path, "JSON lines file for the pruned entries")
      ->required();
  audit_prune->add_option("--key", audit_key, "The server's audit key file");
  audit_prune->add_option("--key-dir", key_dir, "Folder of the server's keys");

  // Audit assignments scope what an auditor reads; the joint-audit engagements will create them.
  auto* assignment = app.add_subcommand("audit-assignment", "Grant auditors read access");
  assignment->require_subcommand(1);
  service::AssignmentRequest assignment_request;
  auto* assignment_add = assignment->add_subcommand(
      "add", "Assign an auditor to a vendor (and optionally its sampled contracts)");
  assignment_add->add_option("--db", db_url, "sqlite:PATH or postgresql://URI")->required();
  assignment_add->add_option("--auditor", assignment_request.auditor_email, "Auditor's e-mail")
      ->required();
  assignment_add->add_option("--vendor", assignment_request.vendor_tax_id, "Vendor tax id")
      ->required();
  assignment_add->add_option("--contract", assignment_request.contract_keys,
                             "A sampled contract's identifier (repeatable; default: all of the "
                             "vendor's contracts)");
  assignment_add->add_option("--from", assignment_request.starts_on, "First day (default today)");
  assignment_add->add_option("--until", assignment_request.ends_on,
                             "Last day (default a year after the first)");
  auto* assignment_list = assignment->add_subcommand("list", "List audit assignments");
  assignment_list->add_option("--db", db_url, "sqlite:PATH or postgresql://URI")->required();
  std::int64_t assignment_id = 0;
  auto* assignment_revoke = assignment->add_subcommand("revoke", "End an audit assignment");
  assignment_revoke->add_option("--db", db_url, "sqlite:PATH or postgresql://URI")->required();
  assignment_revoke->add_option("ID", assignment_id, "The assignment's id")->required();

  auto* import = app.add_subcommand("import", "Import agencies, vendors, systems or contracts");
  std::string import_kind;
  std::string import_file;
  bool dry_run = false;
  import->add_option("KIND", import_kind, "agencies, vendors, systems or contracts")->required();
  import->add_option("FILE", import_file, "CSV (UTF-8 or Big5) or XLSX file")->required();
  import->add_option("--db", db_url, "sqlite:PATH or postgresql://URI")->required();
  import->add_flag("--dry-run", dry_run, "Validate and report without writing");

  auto* advisories = app.add_subcommand("advisories", "Keep the advisories SBOMs are matched with");
  advisories->require_subcommand(1);
  auto* advisories_import = advisories->add_subcommand(
      "import",
      "Import OSV records (a directory, an osv.dev zip archive or one record), an NVD CVE API 2.0 "
      "file, the CISA KEV catalogue or an EPSS CSV (recognised by content); new and changed "
      "records are matched against every system's current SBOM");
  std::string advisories_path;
  advisories_import->add_option("PATH", advisories_path, "File or directory to import")->required();
  advisories_import->add_option("--db", db_url, "sqlite:PATH or postgresql://URI")->required();

  cli::EngineCommands engine_commands(app);

  CLI11_PARSE(app, argc, argv);
  if (auto code = engine_commands.RunChosen(std::cin, std::cout, std::cerr)) return *code;

  if (!auth::InitCrypto()) {
    std::cerr << "error: cannot initialise the cryptography library\n";
    return kExitFailure;
  }
  try {
    if (*audit_log) {
      const std::optional<std::filesystem::path> key =
          audit_key.empty() ? std::optional(KeyPath(db_url, key_dir, "audit-key"))
                            : std::optional(std::filesystem::path(audit_key));
      if (*audit_verify) {
        std::error_code missing;
        auto report = audit::VerifyDatabase(
            db_url, std::filesystem::exists(*key, missing) ? key : std::nullopt);
        if (!report) return Report(report.error());
        std::cout << audit::Describe(*report) << "\n";
        return report->ok ? 0 : kExitFailure;
      }
      if (*audit_anchor) {
        auto anchored = audit::AnchorDatabase(db_url, key);
        if (!anchored) return Report(anchored.error());
        std::cout << (*anchored ? fmt::format("Anchored the head at entry {}.", (*anchored)->seq)
                                : std::string("Nothing new to anchor."))
                  << "\n";
        return 0;
      }
      auto pruned = audit::PruneDatabase(db_url, retention_months, export_path, key);
      if (!pruned) return Report(pruned.error());
      std::cout << audit::Describe(*pruned) << "\n";
      return 0;
    }
    auto database = OpenAndMigrate(db_url);
    if (!database) return Report(database.error());
    service::SystemClock clock;
    service::StoreAuditTrail audit_trail(clock);
    const auto profile = auth::ParsePasswordProfile(*user_add ? user_profile : password_profile);
    security.password = auth::PolicyFor(profile.value_or(auth::PasswordProfile::kTwHigh));
    security.idle_timeout = std::chrono::seconds(idle_timeout);
    security.absolute_timeout = std::chrono::seconds(absolute_timeout);
    security.lockout_duration = std::chrono::seconds(lockout_seconds);
    security.password_reset_validity = std::chrono::seconds(reset_validity_seconds);
    auth::BreachedPasswords breached;
    breached.AddBuiltIn();
    for (const std::string& list : password_lists) {
      auto loaded = breached.LoadFile(list);
      if (!loaded) return Report(loaded.error());
    }
    auto data_key = service::SecretBox::LoadOrCreate(KeyPath(db_url, key_dir, "data-key"));
    if (!data_key) return Report(data_key.error());
    service::RegistryService registry(**database, clock, &audit_trail);
    service::AccountService accounts(**database, clock, security, breached, std::move(*data_key),
                                     &audit_trail);

    if (*migrate) {
      std::cout << "The database is at schema version " << storage::LatestSchemaVersion() << ".\n";
      return 0;
    }
    if (*user_add) {
      std::string password;
      std::getline(std::cin, password);
      if (!password.empty() && password.back() == '\r') password.pop_back();
      if (!agency_code.empty()) account.agency_code = agency_code;
      if (!vendor_tax_id.empty()) account.vendor_tax_id = vendor_tax_id;
      account.password = password;
      if (!expires_at.empty()) account.expires_at = expires_at;
      auto id = accounts.AddUser(account, service::Caller::CommandLine());
      if (!id) return Report(id.error());
      std::cout << "Added " << text::AsciiLower(account.email) << " (" << account.role << ").\n";
      return 0;
    }
    if (*user_invite) {
      if (!agency_code.empty()) account.agency_code = agency_code;
      if (!vendor_tax_id.empty()) account.vendor_tax_id = vendor_tax_id;
      // With --smtp-url the link is also e-mailed (on --base-url, which the operator gives).
      auto mailer = OpenMailer(mail_options);
      if (!mailer) return Report(mailer.error());
      std::unique_ptr<mail::MailQueue> mail_queue;
      if (*mailer) {
        if (!user_invite->count("--base-url")) {
          std::cerr << "error: e-mailing the link needs --base-url (the platform's address)\n";
          return kExitInvalid;
        }
        auto normalised = service::NormalisePublicUrl(base_url);
        if (!normalised) return Report(normalised.error());
        spdlog::set_level(spdlog::level::warn);
        mail_queue = std::make_unique<mail::MailQueue>(
            **mailer, mail::MailQueueOptions{.capacity = 1, .retry_delays = {}});
        accounts.SetMail({mail_queue.get(), *normalised});
      }
      auto invited = accounts.InviteUser(service::Caller::CommandLine(), account);
      if (!invited) return Report(invited.error());
      while (base_url.ends_with('/')) base_url.pop_back();
      std::cout << fmt::format(
          "Invited {} ({}). The link to set a password, valid until {}:\n{}/#/invitation/{}\n",
          text::AsciiLower(account.email), account.role, invited->expires_at, base_url,
          invited->token);
      if (mail_queue) {
        mail_queue->Stop(mail_options.smtp.connect_timeout + mail_options.smtp.timeout);
        if (mail_queue->counts().sent == 1) {
          std::cout << "The link was e-mailed to " << text::AsciiLower(account.email) << ".\n";
        } else {
          std::cerr << "warning: the e-mail could not be sent; give the link above yourself\n";
        }
      }
      return 0;
    }
    if (*assignment) {
      service::AssignmentService assignments(**database, clock, &audit_trail);
      const service::Caller operator_caller = service::Caller::CommandLine();
      if (*assignment_add) {
        auto id = assignments.Add(operator_caller, assignment_request);
        if (!id) return Report(id.error());
        std::cout << "Added audit assignment " << *id << ".\n";
        return 0;
      }
      if (*assignment_revoke) {
        auto revoked = assignments.Revoke(operator_caller, assignment_id);
        if (!revoked) return Report(revoked.error());
        std::cout << "Revoked audit assignment " << assignment_id << ".\n";
        return 0;
      }
      auto listed = assignments.List(operator_caller);
      if (!listed) return Report(listed.error());
      for (const boost::json::value& item : *listed)
        std::cout << boost::json::serialize(item) << "\n";
      return 0;
    }
    if (*advisories_import) {
      service::VulnerabilityService vulnerabilities(**database, clock, &audit_trail);
      const bool show_progress = isatty(fileno(stderr)) != 0;
      auto report = vulnerabilities.ImportAdvisories(
          service::Caller::CommandLine(), advisories_path,
          [show_progress](const service::AdvisoryImportProgress& progress) {
            if (!show_progress) return;
            std::cerr << fmt::format("\r{} / {} records", progress.done, progress.total)
                      << std::flush;
          });
      if (show_progress) std::cerr << "\r";
      if (!report) return Report(report.error());
      for (const std::string& rejection : report->rejections) {
        std::cerr << "refused: " << rejection << "\n";
      }
      if (report->counts.rejected > static_cast<std::int64_t>(report->rejections.size())) {
        std::cerr << fmt::format(
            "… and {} more refused\n",
            report->counts.rejected - static_cast<std::int64_t>(report->rejections.size()));
      }
      for (const std::string& problem : report->problems) {
        std::cerr << "not matched: " << problem << "\n";
      }
      if (report->entries_skipped > static_cast<std::int64_t>(report->problems.size())) {
        std::cerr << fmt::format(
            "… and {} more not matched\n",
            report->entries_skipped - static_cast<std::int64_t>(report->problems.size()));
      }
      if (report->entries_skipped > 0) {
        std::cout << fmt::format(
            "Kept, but not matched: {} advisory {} SupplyGuard cannot compile (listed on "
            "stderr).\n",
            report->entries_skipped, report->entries_skipped == 1 ? "entry" : "entries");
      }
      std::cout << fmt::format(
          "Imported {} ({}): {} read, {} created, {} updated, {} unchanged, {} refused.\n"
          "Findings opened: {}, closed: {}; systems alerted: {}.\n",
          advisories_path, report->format, report->counts.read, report->counts.created,
          report->counts.updated, report->counts.unchanged, report->counts.rejected,
          report->findings_opened, report->findings_closed, report->systems_alerted);
      const bool nothing_kept =
          report->counts.created + report->counts.updated + report->counts.unchanged == 0;
      return report->counts.rejected > 0 && nothing_kept ? kExitInvalid : 0;
    }
    if (*import) {
      auto report = ImportFile(registry, import_kind, import_file, dry_run);
      if (!report) return Report(report.error());
      PrintImportReport(*report);
      return report->errors.empty() ? 0 : kExitInvalid;
    }
    if (*serve) {
      const auto colon = listen.rfind(':');
      http::ServerConfig config;
      http::ServerTimings timings;
      config.timings = &timings;
      config.io_threads = io_threads;
      config.worker_threads = worker_threads;
      config.max_pending_requests = max_pending;
      // An SBOM upload may be as large as --sbom-max-mib (the service answers 413 with the
      // limit past that); every other request keeps the server's default body limit.
      config.body_limit_for = [base = config.body_limit, sbom = (sbom_max_mib + 1) << 20](
                                  std::string_view method, std::string_view target) {
        const std::string_view path = target.substr(0, target.find('?'));
        const bool upload =
            method == "POST" && path.starts_with("/api/v1/systems/") && path.ends_with("/sboms");
        return upload ? std::max(base, sbom) : base;
      };
      if (tls_certificate.empty() != tls_key.empty()) {
        std::cerr << "error: --tls-cert and --tls-key go together: give both or neither\n";
        return kExitInvalid;
      }
      config.tls_certificate_file = tls_certificate;
      config.tls_private_key_file = tls_key;
      config.trusted_proxies = trusted_proxies;
      if (colon == std::string::npos) {
        std::cerr << "error: --listen must be HOST:PORT\n";
        return kExitInvalid;
      }
      config.host = listen.substr(0, colon);
      if (config.host.starts_with('[') && config.host.ends_with(']')) {
        config.host = config.host.substr(1, config.host.size() - 2);
      }
      try {
        const int port = std::stoi(listen.substr(colon + 1));
        if (port < 0 || port > 65535) throw std::out_of_range("port");
        config.port = static_cast<unsigned short>(port);
      } catch (const std::exception&) {
        std::cerr << "error: --listen must be HOST:PORT with a port from 0 to 65535\n";
        return kExitInvalid;
      }
      if (auto checked = http::CheckServerConfig(config); !checked) return Report(checked.error());
      auto mailer = OpenMailer(mail_options);
      if (!mailer) return Report(mailer.error());
      std::string external_url;
      if (!public_url.empty()) {
        auto normalised = service::NormalisePublicUrl(public_url);
        if (!normalised) return Report(normalised.error());
        external_url = *normalised;
      }
      for (const std::string& address : alert_emails) {
        if (!mail::IsPlainAddress(address)) {
          std::cerr << "error: --alert-email " << address << " is not a plain e-mail address\n";
          return kExitInvalid;
        }
      }
      // PostgreSQL: follow other processes' changes, so sessions and the registry generation can
      // be served from memory (storage::ChangeFeed); SQLite reads them per request.
      if (auto feed = (*database)->StartChangeFeed(); !feed) return Report(feed.error());
      auto has_users = accounts.HasUsers();
      if (!has_users) return Report(has_users.error());
      if (demo) {
        if (auto loaded = LoadDemo(registry, accounts, demo_dir); !loaded) {
          return Report(loaded.error());
        }
      }
      if (!*has_users) {
        const std::string password = "Once-" + auth::RandomToken(12);
        auto added = accounts.AddUser({"admin@supplyguard.local", "authority", std::nullopt,
                                       std::nullopt, password, false, true, std::nullopt},
                                      service::Caller::CommandLine());
        if (!added) return Report(added.error());
        std::cout << "First administrator: admin@supplyguard.local\n"
                  << "One-time password:   " << password << "   (change it at first sign-in)\n";
      }
      auto logger = spdlog::stdout_logger_mt("supplyguard");
      logger->set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l",%v})",
                          spdlog::pattern_time_type::utc);
      spdlog::set_default_logger(logger);
      if (std::getenv("SG_QUIET")) spdlog::set_level(spdlog::level::warn);
      // E-mail: a background queue, so that no request waits for the SMTP server.
      std::unique_ptr<mail::MailQueue> mail_queue;
      if (*mailer) mail_queue = std::make_unique<mail::MailQueue>(**mailer);
      if (mail_queue && external_url.empty()) {
        spdlog::warn(
            R"("event":"mail_links_off","reason":"no --public-url: links are not e-mailed")");
      }
      if (!mail_queue && !alert_emails.empty()) {
        spdlog::warn(R"("event":"alert_mail_off","reason":"--alert-email needs --smtp-url")");
      }
      accounts.SetMail({mail_queue.get(), external_url});
      // The operator hears at once when the audit log cannot be written (附表十).
      mail::OperatorAlerts alerts(mail_queue.get(), alert_emails, external_url);
      audit_trail.SetFailureHandler([&alerts](const Error& error) {
        alerts.Raise({"audit_log_write_failed", "稽核紀錄寫入失敗", "Audit log write failed",
                      "需要寫入稽核紀錄的請求均已失敗並回復，在修復前不會有未記錄的變更。",
                      "Every request that needed an audit entry failed and was rolled back: no "
                      "unrecorded change is kept until this is repaired. ",
                      error.code});
      });
      // Accounts unused for --disable-idle-accounts-after days are disabled, now and hourly.
      auto disable_idle_accounts = [&] {
        if (idle_account_days == 0) return;
        auto disabled = accounts.DisableIdleAccounts(std::chrono::days(idle_account_days));
        if (!disabled) {
          spdlog::error(R"("event":"idle_accounts_failed","detail":{})",
                        boost::json::serialize(boost::json::value(disabled.error().detail)));
        } else if (*disabled > 0) {
          spdlog::warn(R"("event":"idle_accounts_disabled","accounts":{},"idle_days":{})",
                       *disabled, idle_account_days);
        }
      };
      disable_idle_accounts();
      PeriodicTask idle_account_job(std::chrono::seconds(idle_check_seconds),
                                    disable_idle_accounts);
      // The audit log's head is signed every --audit-anchor-interval seconds and at shutdown,
      // so that cutting entries off its end is detected (audit-log verify).
      auto audit_key_loaded = audit::OpenServerKey(db_url, KeyPath(db_url, key_dir, "audit-key"));
      if (!audit_key_loaded) return Report(audit_key_loaded.error());
      const audit::ServerKey& server_key = *audit_key_loaded;
      service::AuditService audit_service(**database, server_key.public_key(), &audit_trail);
      service::VulnerabilityService vulnerabilities(
          **database, clock, &audit_trail,
          service::VulnerabilityOptions{.max_sbom_bytes = sbom_max_mib << 20});
      // The advisory matcher is built while the server starts answering (joined at exit).
      std::jthread warm_matcher([&vulnerabilities] {
        if (auto warmed = vulnerabilities.WarmUp(); !warmed) {
          spdlog::error(R"("event":"advisory_matcher_failed","detail":{})",
                        boost::json::serialize(boost::json::value(warmed.error().detail)));
        }
      });
      api::App api_app(registry, accounts, audit_service, vulnerabilities,
                       api::AppConfig{std::filesystem::path(web_root), false,
                                      read_cache_mib * (std::size_t{1} << 20), &timings});
      config.answer_from_memory = [&api_app](http::Request& request) {
        return api_app.AnswerFromMemory(request);
      };
      auto anchor = [&]() {
        auto connection = (*database)->Acquire();
        if (!connection) return;
        storage::AuditStore store(**connection);
        auto anchored = audit::Anchor(store, server_key, audit::UtcTimestamp(clock.Now()));
        if (!anchored) {
          spdlog::error(R"("event":"audit_anchor_failed","detail":{})",
                        boost::json::serialize(boost::json::value(anchored.error().detail)));
          alerts.Raise({"audit_anchor_failed", "稽核紀錄錨定失敗", "Audit log anchoring failed",
                        "稽核紀錄的最新狀態無法簽章錨定，紀錄尾端遭截斷時將無法察覺。",
                        "The log's head could not be signed: entries cut off its end would go "
                        "unnoticed. ",
                        anchored.error().code});
        }
      };
      std::mutex anchor_mutex;
      std::condition_variable anchor_wake;
      bool anchor_stop = false;
      std::thread anchorer([&] {
        std::unique_lock lock(anchor_mutex);
        while (!anchor_wake.wait_for(lock, std::chrono::seconds(anchor_seconds),
                                     [&] { return anchor_stop; })) {
          lock.unlock();
          anchor();
          lock.lock();
        }
      });
      auto stop_anchorer = [&] {
        {
          std::lock_guard lock(anchor_mutex);
          anchor_stop = true;
        }
        anchor_wake.notify_all();
        anchorer.join();
        anchor();
      };
      auto served = http::Serve(
          config, [&api_app](http::Request& request) { return api_app.Handle(request); },
          [&](unsigned short port) {
            const char* scheme = config.tls_certificate_file.empty() ? "http" : "https";
            std::cout << fmt::format("SupplyGuard is listening on {}://{}:{}/", scheme, config.host,
                                     port)
                      << std::endl;
          });
      idle_account_job.Stop();
      stop_anchorer();
      audit_trail.SetFailureHandler({});
      // Queued e-mails get a few seconds (an attempt under way may take its 30 s timeout).
      if (mail_queue) mail_queue->Stop(std::chrono::seconds(5));
      if (!served) return Report(served.error());
      return 0;
    }
  } catch (const std::exception& exception) {
    std::cerr << "error: an internal error occurred (" << exception.what() << ")\n";
    return kExitFailure;
  }
  return 0;
}
