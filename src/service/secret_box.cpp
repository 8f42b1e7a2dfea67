#include "service/secret_box.hpp"

#include <fmt/format.h>
#include <sodium.h>
#include <sys/stat.h>

#include <cstring>
#include <fstream>
#include <system_error>
#include <vector>

namespace sg::service {

Result<SecretBox> SecretBox::LoadOrCreate(const std::filesystem::path& path) {
  SecretBox box;
  std::error_code error;
  if (!std::filesystem::exists(path, error)) {
    if (path.has_parent_path()) {
      std::filesystem::create_directories(path.parent_path(), error);
      if (error) {
        return Fail(Error::Internal(fmt::format("cannot create the key folder {}: {}",
                                                path.parent_path().string(), error.message())));
      }
      ::chmod(path.parent_path().c_str(), 0700);
    }
    randombytes_buf(box.key_.data(), box.key_.size());
    const mode_t previous = ::umask(0077);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(box.key_.data()),
              static_cast<std::streamsize>(box.key_.size()));
    out.close();
    ::umask(previous);
    if (!out)
      return Fail(Error::Internal(fmt::format("cannot write the key file {}", path.string())));
    ::chmod(path.c_str(), 0600);
    return box;
  }
  std::ifstream in(path, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() != box.key_.size()) {
    return Fail(Error::Internal(fmt::format("the key file {} is not a 32-byte key ({} bytes)",
                                            path.string(), bytes.size())));
  }
  std::copy(bytes.begin(), bytes.end(), reinterpret_cast<char*>(box.key_.data()));
  return box;
}

SecretBox SecretBox::Ephemeral() {
  SecretBox box;
  randombytes_buf(box.key_.data(), box.key_.size());
  return box;
}

std::string SecretBox::Seal(std::string_view plaintext) const {
  std::vector<unsigned char> sealed(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES +
                                    plaintext.size());
  randombytes_buf(sealed.data(), crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(sealed.data() + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
                        sealed.data(), key_.data());
  std::string encoded(sodium_base64_ENCODED_LEN(sealed.size(), sodium_base64_VARIANT_ORIGINAL),
                      '\0');
  sodium_bin2base64(encoded.data(), encoded.size(), sealed.data(), sealed.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  encoded.resize(std::strlen(encoded.c_str()));
  return encoded;
}

Result<std::string> SecretBox::Open(std::string_view sealed_text) const {
  std::vector<unsigned char> sealed(sealed_text.size());
  std::size_t length = 0;
  if (sodium_base642bin(sealed.data(), sealed.size(), sealed_text.data(), sealed_text.size(),
                        nullptr, &length, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      length < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
    return Fail(Error::Internal("a sealed secret is malformed"));
  }
  std::string plaintext(length - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plaintext.data()),
                                 sealed.data() + crypto_secretbox_NONCEBYTES,
                                 length - crypto_secretbox_NONCEBYTES, sealed.data(),
                                 key_.data()) != 0) {
    return Fail(Error::Internal("a sealed secret does not open with this server's data key"));
  }
  return plaintext;
}

}  // namespace sg::service
