#include "importer/text_decoding.hpp"

#include <iconv.h>

#include <cerrno>
#include <memory>

#include "core/text.hpp"
#include "importer/errors.hpp"

namespace sg::importer {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

struct IconvCloser {
  void operator()(void* descriptor) const { iconv_close(static_cast<iconv_t>(descriptor)); }
};
using IconvHandle = std::unique_ptr<void, IconvCloser>;

/// glibc calls Microsoft's Big5 variant CP950; older builds only know plain BIG5.
IconvHandle OpenBig5Decoder() {
  for (const char* source : {"CP950", "BIG5"}) {
    iconv_t descriptor = iconv_open("UTF-8", source);
    if (descriptor != reinterpret_cast<iconv_t>(-1)) return IconvHandle(descriptor);
  }
  return nullptr;
}

Result<std::string> DecodeBig5(std::string_view bytes) {
  IconvHandle decoder = OpenBig5Decoder();
  if (!decoder) return Fail(UnsupportedEncoding("iconv knows neither CP950 nor BIG5"));

  // iconv's input pointer is not const-qualified, so it reads from a copy.
  std::string input(bytes);
  char* in = input.data();
  std::size_t in_left = input.size();
  // Big5 takes two bytes for what UTF-8 writes in three; ASCII stays one byte.
  std::string output(input.size() + input.size() / 2 + 16, '\0');
  std::size_t produced = 0;
  while (true) {
    char* out = output.data() + produced;
    std::size_t out_left = output.size() - produced;
    const std::size_t status =
        iconv(static_cast<iconv_t>(decoder.get()), &in, &in_left, &out, &out_left);
    produced = output.size() - out_left;
    if (status != static_cast<std::size_t>(-1)) break;  // all input converted
    if (errno == E2BIG) {
      output.resize(output.size() * 2);
      continue;
    }
    // EILSEQ: not Big5 here; EINVAL: a lead byte cut off at the end of the file.
    return Fail(UnsupportedEncoding("not Big5 at byte " + std::to_string(input.size() - in_left)));
  }
  output.resize(produced);
  return output;
}

}  // namespace

Result<std::string> DecodeToUtf8(std::string_view bytes) {
  if (bytes.starts_with(kUtf8Bom)) bytes.remove_prefix(kUtf8Bom.size());
  // No text file holds NUL; UTF-16 of ASCII text would otherwise pass as UTF-8.
  if (bytes.find('\0') != std::string_view::npos) {
    return Fail(UnsupportedEncoding("NUL byte (UTF-16 or binary)"));
  }
  if (text::IsValidUtf8(bytes)) return std::string(bytes);
  return DecodeBig5(bytes);
}

}  // namespace sg::importer
