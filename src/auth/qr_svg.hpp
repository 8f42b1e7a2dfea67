#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace sg::auth {

/// Light modules around the symbol, as ISO/IEC 18004 asks of a QR code's quiet zone.
inline constexpr int kQrQuietZoneModules = 4;

/// QR code (QR 碼) modules of one symbol, without the quiet zone.
struct QrCode {
  /// Symbol version, 1–40.
  int version = 0;
  /// Modules per side: 17 + 4 × version.
  int width = 0;
  /// Row-major, `width` × `width`; true for a dark module.
  std::vector<bool> dark;

  bool IsDark(int x, int y) const {
    return dark[static_cast<std::size_t>(y) * static_cast<std::size_t>(width) +
                static_cast<std::size_t>(x)];
  }
};

/// Encodes the bytes of `text` (8-bit mode, error correction level M, the smallest version
/// that holds them) with libqrencode. Fails with `qrTooLong` past version 40's capacity.
Result<QrCode> EncodeQr(std::string_view text);

/// The symbol as a self-contained SVG: a white background and one <path> of the dark modules,
/// a quiet zone of 4 modules, one user unit per module (`viewBox`), `width`/`height` of
/// `pixels_per_module` per module, `shape-rendering="crispEdges"`; no script, style or external
/// reference, so it may be inlined into a page under a strict Content-Security-Policy.
std::string RenderQrSvg(const QrCode& code, int pixels_per_module = 4);

/// EncodeQr followed by RenderQrSvg.
Result<std::string> QrSvg(std::string_view text, int pixels_per_module = 4);

}  // namespace sg::auth
