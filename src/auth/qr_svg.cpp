#include "auth/qr_svg.hpp"

#include <fmt/core.h>
#include <qrencode.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace sg::auth {
namespace {

struct QrcodeFree {
  void operator()(QRcode* code) const { QRcode_free(code); }
};

Error TooLong() { return Error::BadRequest("The text is too long for a QR code.", "qrTooLong"); }

}  // namespace

Result<QrCode> EncodeQr(std::string_view text) {
  // Version 40 at level M holds 2,331 bytes; refusing far longer text early also keeps the
  // size within libqrencode's int.
  if (text.size() > 4096) return Fail(TooLong());
  errno = 0;
  const std::unique_ptr<QRcode, QrcodeFree> encoded(
      QRcode_encodeData(static_cast<int>(text.size()),
                        reinterpret_cast<const unsigned char*>(text.data()), 0, QR_ECLEVEL_M));
  if (!encoded) {
    if (errno == ERANGE) return Fail(TooLong());
    return Fail(Error::Internal(fmt::format("QR encoding failed: {}", std::strerror(errno))));
  }
  QrCode code;
  code.version = encoded->version;
  code.width = encoded->width;
  const std::size_t modules =
      static_cast<std::size_t>(encoded->width) * static_cast<std::size_t>(encoded->width);
  code.dark.resize(modules);
  // libqrencode keeps several flags per module; the lowest bit is the colour (1 = dark).
  for (std::size_t index = 0; index < modules; ++index) {
    code.dark[index] = (encoded->data[index] & 1) != 0;
  }
  return code;
}

std::string RenderQrSvg(const QrCode& code, int pixels_per_module) {
  const int size = code.width + 2 * kQrQuietZoneModules;
  const int pixels = size * pixels_per_module;
  std::string path;
  // One horizontal run of dark modules per subpath: "M{x} {y}h{run}v1h-{run}z".
  for (int y = 0; y < code.width; ++y) {
    int x = 0;
    while (x < code.width) {
      if (!code.IsDark(x, y)) {
        ++x;
        continue;
      }
      const int start = x;
      while (x < code.width && code.IsDark(x, y)) ++x;
      const int run = x - start;
      path += fmt::format("M{} {}h{}v1h-{}z", start + kQrQuietZoneModules, y + kQrQuietZoneModules,
                          run, run);
    }
  }
  return fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" width="{0}" height="{0}" viewBox="0 0 {1} {1}" )"
      R"(shape-rendering="crispEdges"><rect width="{1}" height="{1}" fill="#fff"/>)"
      R"(<path fill="#000" d="{2}"/></svg>)",
      pixels, size, path);
}

Result<std::string> QrSvg(std::string_view text, int pixels_per_module) {
  auto code = EncodeQr(text);
  if (!code) return Fail(std::move(code.error()));
  return RenderQrSvg(*code, pixels_per_module);
}

}  // namespace sg::auth
