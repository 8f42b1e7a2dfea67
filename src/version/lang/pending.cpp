// Placeholder until the orderings land; replaced by the real implementations.
#include "version/lang/lang.hpp"

namespace sg::version::lang {
Result<int> CompareSemVer(std::string_view, std::string_view) {
  return Fail(Error::BadRequest("not implemented", "invalidVersion"));
}
Result<int> CompareNpm(std::string_view, std::string_view) {
  return Fail(Error::BadRequest("not implemented", "invalidVersion"));
}
Result<int> CompareGo(std::string_view, std::string_view) {
  return Fail(Error::BadRequest("not implemented", "invalidVersion"));
}
Result<int> CompareCratesIo(std::string_view, std::string_view) {
  return Fail(Error::BadRequest("not implemented", "invalidVersion"));
}
Result<int> CompareRubyGems(std::string_view, std::string_view) {
  return Fail(Error::BadRequest("not implemented", "invalidVersion"));
}
Result<int> ComparePackagist(std::string_view, std::string_view) {
  return Fail(Error::BadRequest("not implemented", "invalidVersion"));
}
Result<int> CompareNuGet(std::string_view, std::string_view) {
  return Fail(Error::BadRequest("not implemented", "invalidVersion"));
}
Result<int> ComparePub(std::string_view, std::string_view) {
  return Fail(Error::BadRequest("not implemented", "invalidVersion"));
}
Result<int> CompareHackage(std::string_view, std::string_view) {
  return Fail(Error::BadRequest("not implemented", "invalidVersion"));
}
Result<int> CompareCran(std::string_view, std::string_view) {
  return Fail(Error::BadRequest("not implemented", "invalidVersion"));
}
Result<int> CompareBitnami(std::string_view, std::string_view) {
  return Fail(Error::BadRequest("not implemented", "invalidVersion"));
}
}  // namespace sg::version::lang
