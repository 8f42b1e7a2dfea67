#include "audit/server_key.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace sg::audit {
namespace {

static_assert(PublicKey::kSize == crypto_sign_PUBLICKEYBYTES);
static_assert(ServerKey::kSecretSize == crypto_sign_SECRETKEYBYTES);

/// A key file is a few hundred bytes at most; anything longer is not one.
constexpr std::size_t kMaxKeyFileSize = 4096;

Error FileError(std::string message, std::string detail) {
  Error error = Error::Internal(std::move(detail));
  error.message = std::move(message);
  return error;
}

/// Closes a file descriptor when it goes out of scope.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  /// Closes now, reporting the error close() may carry for a written file.
  bool Close() {
    const int fd = std::exchange(fd_, -1);
    return fd < 0 || ::close(fd) == 0;
  }

 private:
  int fd_;
};

std::string_view Trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

/// Reads a small key file; with `owner_only`, refuses one that its group or others may access.
Result<std::string> ReadKeyFile(const std::filesystem::path& path, bool owner_only) {
  FileDescriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (file.get() < 0) {
    return Fail(FileError(fmt::format("Cannot read the audit key file {}.", path.string()),
                          fmt::format("open {}: {}", path.string(), std::strerror(errno))));
  }
  struct stat status {};
  if (::fstat(file.get(), &status) != 0 || !S_ISREG(status.st_mode)) {
    return Fail(FileError(fmt::format("The audit key file {} is not a file.", path.string()),
                          fmt::format("fstat {}", path.string())));
  }
  if (owner_only && (status.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    return Fail(
        FileError(fmt::format("The audit key file {} may be read by other users: chmod 600 it.",
                              path.string()),
                  fmt::format("{} has mode {:o}", path.string(), status.st_mode & 07777)));
  }
  std::string content(kMaxKeyFileSize + 1, '\0');
  std::size_t size = 0;
  while (size < content.size()) {
    const ssize_t got = ::read(file.get(), content.data() + size, content.size() - size);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      return Fail(FileError(fmt::format("Cannot read the audit key file {}.", path.string()),
                            fmt::format("read {}: {}", path.string(), std::strerror(errno))));
    }
    if (got == 0) break;
    size += static_cast<std::size_t>(got);
  }
  std::string text(Trimmed(std::string_view(content.data(), size)));
  sodium_memzero(content.data(), content.size());
  return text;
}

bool DecodeHex(std::string_view hex, unsigned char* out, std::size_t out_size) {
  if (hex.size() != out_size * 2) return false;
  std::size_t decoded = 0;
  const char* end = nullptr;
  return sodium_hex2bin(out, out_size, hex.data(), hex.size(), nullptr, &decoded, &end) == 0 &&
         decoded == out_size && end == hex.data() + hex.size();
}

std::string EncodeHex(const unsigned char* bytes, std::size_t size) {
  std::string hex(size * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes, size);
  hex.pop_back();
  return hex;
}

bool EnsureSodium() { return sodium_init() >= 0; }

Result<void> WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return Fail(Error::Internal(fmt::format("write: {}", std::strerror(errno))));
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
  return {};
}

/// Makes a new entry of `directory` durable.
void SyncDirectory(const std::filesystem::path& directory) {
  FileDescriptor handle(
      ::open(directory.empty() ? "." : directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (handle.get() >= 0) ::fsync(handle.get());
}

}  // namespace

Result<PublicKey> PublicKey::FromHex(std::string_view hex) {
  std::array<unsigned char, kSize> bytes{};
  if (!DecodeHex(hex, bytes.data(), bytes.size())) {
    return Fail(Error::BadRequest("A public key is 64 hexadecimal digits.", "invalidPublicKey"));
  }
  return PublicKey(bytes);
}

std::string PublicKey::Hex() const { return EncodeHex(bytes_.data(), bytes_.size()); }

bool PublicKey::Verifies(std::string_view message, std::string_view signature_hex) const {
  if (!EnsureSodium()) return false;
  std::array<unsigned char, crypto_sign_BYTES> signature{};
  if (!DecodeHex(signature_hex, signature.data(), signature.size())) return false;
  return crypto_sign_verify_detached(signature.data(),
                                     reinterpret_cast<const unsigned char*>(message.data()),
                                     message.size(), bytes_.data()) == 0;
}

ServerKey::ServerKey(const std::array<unsigned char, kSecretSize>& secret,
                     const PublicKey& public_key)
    : secret_(secret), public_key_(public_key) {}

ServerKey::ServerKey(ServerKey&& other) noexcept
    : secret_(other.secret_), public_key_(other.public_key_) {
  sodium_memzero(other.secret_.data(), other.secret_.size());
}

ServerKey& ServerKey::operator=(ServerKey&& other) noexcept {
  if (this != &other) {
    secret_ = other.secret_;
    public_key_ = other.public_key_;
    sodium_memzero(other.secret_.data(), other.secret_.size());
  }
  return *this;
}

ServerKey::~ServerKey() { sodium_memzero(secret_.data(), secret_.size()); }

ServerKey ServerKey::Generate() {
  if (!EnsureSodium()) throw std::runtime_error("libsodium cannot be initialised");
  std::array<unsigned char, kSecretSize> secret{};
  std::array<unsigned char, PublicKey::kSize> public_bytes{};
  crypto_sign_keypair(public_bytes.data(), secret.data());
  ServerKey key(secret, PublicKey(public_bytes));
  sodium_memzero(secret.data(), secret.size());
  return key;
}

std::string ServerKey::Sign(std::string_view message) const {
  std::array<unsigned char, crypto_sign_BYTES> signature{};
  crypto_sign_detached(signature.data(), nullptr,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       secret_.data());
  return EncodeHex(signature.data(), signature.size());
}

Result<ServerKey> ServerKey::Load(const std::filesystem::path& path) {
  if (!EnsureSodium()) return Fail(Error::Internal("libsodium cannot be initialised"));
  auto text = ReadKeyFile(path, /*owner_only=*/true);
  if (!text) return std::unexpected(text.error());
  std::array<unsigned char, kSecretSize> secret{};
  const bool decoded = DecodeHex(*text, secret.data(), secret.size());
  sodium_memzero(text->data(), text->size());
  // A libsodium secret key is the seed followed by its public key: rebuilding it from the seed
  // must give the same 64 bytes, or the file is damaged.
  std::array<unsigned char, PublicKey::kSize> public_bytes{};
  std::array<unsigned char, kSecretSize> rebuilt{};
  if (decoded) crypto_sign_seed_keypair(public_bytes.data(), rebuilt.data(), secret.data());
  const bool consistent =
      decoded && sodium_memcmp(rebuilt.data(), secret.data(), secret.size()) == 0;
  sodium_memzero(rebuilt.data(), rebuilt.size());
  if (!consistent) {
    sodium_memzero(secret.data(), secret.size());
    return Fail(FileError(
        fmt::format("The audit key file {} does not hold an Ed25519 key.", path.string()),
        fmt::format("{}: not 128 hex digits of a libsodium Ed25519 secret key", path.string())));
  }
  ServerKey key(secret, PublicKey(public_bytes));
  sodium_memzero(secret.data(), secret.size());
  return key;
}

Result<ServerKey> ServerKey::LoadOrCreate(const std::filesystem::path& path) {
  std::error_code ignored;
  if (std::filesystem::exists(path, ignored)) return Load(path);
  if (!EnsureSodium()) return Fail(Error::Internal("libsodium cannot be initialised"));

  // Written under a temporary name, then linked into place: link() never replaces a file, so
  // two processes starting at once end up sharing whichever key was linked first.
  std::array<unsigned char, 8> nonce{};
  randombytes_buf(nonce.data(), nonce.size());
  std::filesystem::path temporary = path;
  temporary += "." + EncodeHex(nonce.data(), nonce.size()) + ".tmp";
  const auto cannot_create = [&path](std::string detail) {
    return FileError(fmt::format("Cannot create the audit key file {}.", path.string()),
                     std::move(detail));
  };

  ServerKey key = Generate();
  {
    FileDescriptor file(
        ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (file.get() < 0) {
      return Fail(
          cannot_create(fmt::format("open {}: {}", temporary.string(), std::strerror(errno))));
    }
    std::string text = EncodeHex(key.secret_.data(), key.secret_.size()) + "\n";
    auto written = WriteAll(file.get(), text);
    sodium_memzero(text.data(), text.size());
    const bool synced = written && ::fchmod(file.get(), 0600) == 0 && ::fsync(file.get()) == 0;
    if (!file.Close() || !synced) {
      ::unlink(temporary.c_str());
      return Fail(cannot_create(fmt::format("write {}", temporary.string())));
    }
  }
  const int linked = ::link(temporary.c_str(), path.c_str());
  const int link_errno = errno;
  ::unlink(temporary.c_str());
  if (linked != 0) {
    if (link_errno == EEXIST) return Load(path);
    return Fail(
        cannot_create(fmt::format("link {}: {}", path.string(), std::strerror(link_errno))));
  }
  SyncDirectory(path.parent_path());
  return key;
}

Result<PublicKey> LoadPublicKey(const std::filesystem::path& path) {
  if (!EnsureSodium()) return Fail(Error::Internal("libsodium cannot be initialised"));
  auto text = ReadKeyFile(path, /*owner_only=*/false);
  if (!text) return std::unexpected(text.error());
  if (text->size() == PublicKey::kSize * 2) {
    auto key = PublicKey::FromHex(*text);
    if (key) return key;
  } else if (text->size() == ServerKey::kSecretSize * 2) {
    sodium_memzero(text->data(), text->size());
    auto server_key = ServerKey::Load(path);  // the secret key's own rules (0600)
    if (!server_key) return std::unexpected(server_key.error());
    return server_key->public_key();
  }
  return Fail(FileError(
      fmt::format("The file {} holds neither a public key nor the audit key.", path.string()),
      fmt::format("{}: {} characters", path.string(), text->size())));
}

std::optional<std::filesystem::path> DefaultKeyPath(std::string_view db_url) {
  constexpr std::string_view kSqlitePrefix = "sqlite:";
  if (!db_url.starts_with(kSqlitePrefix)) return std::nullopt;
  std::filesystem::path path(db_url.substr(kSqlitePrefix.size()));
  if (path.empty() || path == ":memory:") return std::nullopt;
  path += ".audit-key";
  return path;
}

}  // namespace sg::audit
