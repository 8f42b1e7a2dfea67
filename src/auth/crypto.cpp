#include "auth/crypto.hpp"

#include <sodium.h>

#include <mutex>
#include <vector>

#include "auth/password_policy.hpp"

namespace sg::auth {

bool InitCrypto() { return sodium_init() >= 0; }

Result<std::string> HashPassword(std::string_view password) {
  std::string encoded(crypto_pwhash_STRBYTES, '\0');
  if (crypto_pwhash_str_alg(encoded.data(), password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Fail(Error::Internal("argon2id hashing failed (out of memory)"));
  }
  encoded.resize(std::char_traits<char>::length(encoded.c_str()));
  return encoded;
}

bool VerifyPassword(std::string_view encoded_hash, std::string_view password) {
  const std::string hash(encoded_hash);  // needs a terminated string
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

void BurnPasswordVerification(std::string_view password) {
  static std::once_flag once;
  static std::string dummy;
  std::call_once(once, [] { dummy = HashPassword(RandomToken(16)).value_or(""); });
  (void)VerifyPassword(dummy, password);
}

std::string RandomToken(std::size_t bytes) {
  std::vector<unsigned char> buffer(bytes);
  randombytes_buf(buffer.data(), buffer.size());
  std::string encoded(sodium_base64_ENCODED_LEN(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                      '\0');
  sodium_bin2base64(encoded.data(), encoded.size(), buffer.data(), buffer.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  encoded.resize(std::char_traits<char>::length(encoded.c_str()));
  return encoded;
}

std::string Sha256Hex(std::string_view value) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(value.data()), value.size());
  std::string hex(crypto_hash_sha256_BYTES * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), digest, sizeof digest);
  hex.pop_back();
  return hex;
}

bool ConstantTimeEquals(std::string_view left, std::string_view right) {
  if (left.size() != right.size()) return false;
  return sodium_memcmp(left.data(), right.data(), left.size()) == 0;
}

std::string CheckPasswordRule(std::string_view password, std::string_view email) {
  // The foundation's rule is the asvs profile's length and account-name rules, without the
  // breach list; its callers know the codes by their older, prefixed names.
  static const BreachedPasswords kNoList;
  const std::vector<std::string> codes =
      CheckPassword(PolicyFor(PasswordProfile::kAsvs), password, email, kNoList);
  if (codes.empty()) return {};
  const std::string& code = codes.front();
  if (code == "tooShort") return "passwordTooShort";
  if (code == "tooLong") return "passwordTooLong";
  if (code == "containsAccountName") return "passwordContainsAccountName";
  return code;
}

}  // namespace sg::auth
