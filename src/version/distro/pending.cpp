// Placeholder until the orderings land; replaced by the real implementations.
#include "version/distro/distro.hpp"

namespace sg::version::distro {
Result<int> ComparePep440(std::string_view, std::string_view) {
  return Fail(Error::BadRequest("not implemented", "invalidVersion"));
}
Result<int> CompareMaven(std::string_view, std::string_view) {
  return Fail(Error::BadRequest("not implemented", "invalidVersion"));
}
Result<int> CompareDpkg(std::string_view, std::string_view) {
  return Fail(Error::BadRequest("not implemented", "invalidVersion"));
}
Result<int> CompareApk(std::string_view, std::string_view) {
  return Fail(Error::BadRequest("not implemented", "invalidVersion"));
}
Result<int> CompareRpm(std::string_view, std::string_view) {
  return Fail(Error::BadRequest("not implemented", "invalidVersion"));
}
}  // namespace sg::version::distro
