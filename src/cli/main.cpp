// supplyguard — the platform's single binary: serve, migrate, user add, import.
// This file is the composition root: it wires storage, services and HTTP together.
#include <fmt/format.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "api/app.hpp"
#include "auth/crypto.hpp"
#include "core/text.hpp"
#include "http/server.hpp"
#include "importer/table.hpp"
#include "service/account_service.hpp"
#include "service/registry_service.hpp"
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
        {account.email, account.role, account.agency, account.vendor, password, false, false});
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
      ->check(CLI::Range(10, 24 * 3600));
  serve->add_option("--password-profile", password_profile, "tw-high or asvs")
      ->check(CLI::IsMember({"tw-high", "asvs"}));
  int io_threads = 0;
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

  auto* import = app.add_subcommand("import", "Import agencies, vendors, systems or contracts");
  std::string import_kind;
  std::string import_file;
  bool dry_run = false;
  import->add_option("KIND", import_kind, "agencies, vendors, systems or contracts")->required();
  import->add_option("FILE", import_file, "CSV (UTF-8 or Big5) or XLSX file")->required();
  import->add_option("--db", db_url, "sqlite:PATH or postgresql://URI")->required();
  import->add_flag("--dry-run", dry_run, "Validate and report without writing");

  CLI11_PARSE(app, argc, argv);

  if (!auth::InitCrypto()) {
    std::cerr << "error: cannot initialise the cryptography library\n";
    return kExitFailure;
  }
  try {
    auto database = OpenAndMigrate(db_url);
    if (!database) return Report(database.error());
    service::SystemClock clock;
    service::SessionPolicy policy;
    policy.idle_timeout = std::chrono::seconds(idle_timeout);
    service::RegistryService registry(**database, clock);
    service::AccountService accounts(**database, clock, policy);

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
      auto id = accounts.AddUser(account);
      if (!id) return Report(id.error());
      std::cout << "Added " << text::AsciiLower(account.email) << " (" << account.role << ").\n";
      return 0;
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
      config.io_threads = io_threads;
      config.worker_threads = worker_threads;
      config.max_pending_requests = max_pending;
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
                                       std::nullopt, password, true, true});
        if (!added) return Report(added.error());
        std::cout << "First administrator: admin@supplyguard.local\n"
                  << "One-time password:   " << password << "   (change it at first sign-in)\n";
      }
      auto logger = spdlog::stdout_logger_mt("supplyguard");
      logger->set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l",%v})",
                          spdlog::pattern_time_type::utc);
      spdlog::set_default_logger(logger);
      if (std::getenv("SG_QUIET")) spdlog::set_level(spdlog::level::warn);
      api::App api_app(registry, accounts,
                       api::AppConfig{std::filesystem::path(web_root), false,
                                      read_cache_mib * (std::size_t{1} << 20)});
      auto served = http::Serve(
          config, [&api_app](http::Request& request) { return api_app.Handle(request); },
          [&](unsigned short port) {
            std::cout << fmt::format("SupplyGuard is listening on http://{}:{}/", config.host, port)
                      << std::endl;
          });
      if (!served) return Report(served.error());
      return 0;
    }
  } catch (const std::exception& exception) {
    std::cerr << "error: an internal error occurred (" << exception.what() << ")\n";
    return kExitFailure;
  }
  return 0;
}
