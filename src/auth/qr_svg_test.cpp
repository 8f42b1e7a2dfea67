#include "auth/qr_svg.hpp"

#include <gtest/gtest.h>
#include <qrencode.h>

#include <cstdio>
#include <memory>
#include <string>

namespace sg::auth {
namespace {

constexpr std::string_view kUri =
    "otpauth://totp/SupplyGuard:officer@moda.gov.tw?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    "&issuer=SupplyGuard&algorithm=SHA1&digits=6&period=30";

struct LibQrencode {
  void operator()(QRcode* code) const { QRcode_free(code); }
};

/// libqrencode's own answer for the same input, to compare with.
std::unique_ptr<QRcode, LibQrencode> Reference(std::string_view text) {
  return std::unique_ptr<QRcode, LibQrencode>(
      QRcode_encodeData(static_cast<int>(text.size()),
                        reinterpret_cast<const unsigned char*>(text.data()), 0, QR_ECLEVEL_M));
}

/// The value of attribute `name` in the first tag of `svg` that has it.
std::string Attribute(std::string_view svg, std::string_view name) {
  const std::string needle = " " + std::string(name) + "=\"";
  const std::size_t start = svg.find(needle);
  if (start == std::string_view::npos) return {};
  const std::size_t value = start + needle.size();
  return std::string(svg.substr(value, svg.find('"', value) - value));
}

/// Paints the runs of a RenderQrSvg path ("M{x} {y}h{run}v1h-{run}z" each) onto a grid of
/// `size` × `size` modules; false when the path holds anything else.
bool PaintPath(const std::string& path, int size, std::vector<bool>& grid) {
  grid.assign(static_cast<std::size_t>(size * size), false);
  std::size_t position = 0;
  while (position < path.size()) {
    int x = 0;
    int y = 0;
    int run = 0;
    int back = 0;
    int consumed = 0;
    if (std::sscanf(path.c_str() + position, "M%d %dh%dv1h-%dz%n", &x, &y, &run, &back,
                    &consumed) != 4 ||
        consumed == 0 || run != back || run <= 0 || x < 0 || y < 0 || x + run > size || y >= size) {
      return false;
    }
    for (int column = x; column < x + run; ++column) {
      grid[static_cast<std::size_t>(y * size + column)] = true;
    }
    position += static_cast<std::size_t>(consumed);
  }
  return true;
}

TEST(QrSvg, ModuleMatrixIsLibqrencodesAtLevelM) {
  const auto code = EncodeQr(kUri);
  ASSERT_TRUE(code);
  const auto reference = Reference(kUri);
  ASSERT_TRUE(reference);
  EXPECT_EQ(code->width, reference->width);
  EXPECT_EQ(code->version, reference->version);
  EXPECT_EQ(code->width, 17 + 4 * code->version);
  ASSERT_EQ(code->dark.size(), static_cast<std::size_t>(code->width * code->width));
  for (int y = 0; y < code->width; ++y) {
    for (int x = 0; x < code->width; ++x) {
      EXPECT_EQ(code->IsDark(x, y), (reference->data[y * reference->width + x] & 1) != 0);
    }
  }
}

TEST(QrSvg, IsOneSvgWithAViewBoxOfTheModulesAndTheQuietZone) {
  const auto code = EncodeQr(kUri);
  ASSERT_TRUE(code);
  const auto svg = QrSvg(kUri, 5);
  ASSERT_TRUE(svg);
  EXPECT_TRUE(svg->starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_TRUE(svg->ends_with("</svg>"));
  const int size = code->width + 2 * kQrQuietZoneModules;
  EXPECT_EQ(Attribute(*svg, "viewBox"), "0 0 " + std::to_string(size) + " " + std::to_string(size));
  EXPECT_EQ(Attribute(*svg, "width"), std::to_string(size * 5));
  EXPECT_EQ(Attribute(*svg, "height"), std::to_string(size * 5));
  EXPECT_EQ(Attribute(*svg, "shape-rendering"), "crispEdges");
  std::size_t paths = 0;
  for (std::size_t at = svg->find("<path"); at != std::string::npos;
       at = svg->find("<path", at + 1)) {
    ++paths;
  }
  EXPECT_EQ(paths, 1u);
}

TEST(QrSvg, PathPaintsExactlyTheDarkModulesInsideTheQuietZone) {
  const auto code = EncodeQr(kUri);
  ASSERT_TRUE(code);
  const std::string svg = RenderQrSvg(*code);
  const int size = code->width + 2 * kQrQuietZoneModules;
  std::vector<bool> grid;
  ASSERT_TRUE(PaintPath(Attribute(svg, "d"), size, grid));
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      const int module_x = x - kQrQuietZoneModules;
      const int module_y = y - kQrQuietZoneModules;
      const bool inside =
          module_x >= 0 && module_y >= 0 && module_x < code->width && module_y < code->width;
      EXPECT_EQ(grid[static_cast<std::size_t>(y * size + x)],
                inside && code->IsDark(module_x, module_y))
          << x << "," << y;
    }
  }
}

TEST(QrSvg, HasNoScriptStyleOrExternalReference) {
  const auto svg = QrSvg(kUri);
  ASSERT_TRUE(svg);
  for (const std::string_view forbidden :
       {"<script", "<style", "style=", "href", "url(", "<image", "<foreignObject", " on"}) {
    EXPECT_EQ(svg->find(forbidden), std::string::npos) << forbidden;
  }
  // Only three elements: the svg, its background and the path.
  std::size_t tags = 0;
  for (std::size_t at = svg->find('<'); at != std::string::npos; at = svg->find('<', at + 1)) {
    const std::string_view tag = std::string_view(*svg).substr(at + 1, 5);
    EXPECT_TRUE(tag.starts_with("svg ") || tag.starts_with("rect ") || tag.starts_with("path ") ||
                tag.starts_with("/svg>"))
        << tag;
    ++tags;
  }
  EXPECT_EQ(tags, 4u);
}

TEST(QrSvg, GrowsTheVersionWithTheText) {
  const auto small = EncodeQr("A");
  const auto large = EncodeQr(std::string(1000, 'x'));
  ASSERT_TRUE(small);
  ASSERT_TRUE(large);
  EXPECT_EQ(small->version, 1);
  EXPECT_EQ(small->width, 21);
  EXPECT_GT(large->version, small->version);
  EXPECT_EQ(large->width, Reference(std::string(1000, 'x'))->width);
}

TEST(QrSvg, RefusesTextBeyondVersion40) {
  const auto result = QrSvg(std::string(3000, 'x'));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, "qrTooLong");
}

}  // namespace
}  // namespace sg::auth
