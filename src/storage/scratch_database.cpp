#include "storage/scratch_database.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <random>

#include "storage/db.hpp"

namespace sg::storage {
namespace {

std::string RandomSuffix() {
  std::random_device device;
  return fmt::format("{:08x}", device());
}

}  // namespace

const char* ScratchDatabase::PostgresUrl() { return std::getenv("SG_TEST_POSTGRES_URL"); }

Result<std::unique_ptr<ScratchDatabase>> ScratchDatabase::Create(std::string_view backend,
                                                                 std::string_view prefix) {
  std::unique_ptr<ScratchDatabase> scratch(new ScratchDatabase());
  const std::string suffix = RandomSuffix();
  scratch->directory_ =
      std::filesystem::temp_directory_path() / fmt::format("{}-{}", prefix, suffix);
  std::filesystem::create_directories(scratch->directory_);
  if (backend == "sqlite") {
    scratch->url_ = "sqlite:" + (scratch->directory_ / "sg.db").string();
    return scratch;
  }
  const char* url = PostgresUrl();
  if (!url) return Fail(Error::Unavailable("SG_TEST_POSTGRES_URL is not set"));
  scratch->admin_url_ = url;
  auto admin = OpenDatabase(scratch->admin_url_, 1);
  if (!admin) return std::unexpected(admin.error());
  auto lease = (*admin)->Acquire();
  if (!lease) return std::unexpected(lease.error());
  const std::string name = fmt::format("{}_{}", prefix, suffix);
  for (const char character : name) {
    if (!(std::isalnum(static_cast<unsigned char>(character)) || character == '_')) {
      return Fail(Error::BadRequest("A scratch database prefix must be letters, digits and _."));
    }
  }
  if (auto created = (*lease)->ExecScript("CREATE DATABASE " + name); !created) {
    return std::unexpected(created.error());
  }
  scratch->database_name_ = name;
  scratch->url_ =
      scratch->admin_url_.substr(0, scratch->admin_url_.rfind('/') + 1) + scratch->database_name_;
  return scratch;
}

ScratchDatabase::~ScratchDatabase() {
  std::error_code ignored;
  std::filesystem::remove_all(directory_, ignored);
  if (database_name_.empty()) return;
  auto admin = OpenDatabase(admin_url_, 1);
  if (!admin) return;
  auto lease = (*admin)->Acquire();
  if (lease) (void)(*lease)->ExecScript("DROP DATABASE IF EXISTS " + database_name_);
}

}  // namespace sg::storage
