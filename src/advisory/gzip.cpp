#include "advisory/gzip.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <limits>

namespace sg::advisory::detail {
namespace {

constexpr std::size_t kChunk = 256u << 10;

Error MalformedGzip(std::string detail) {
  return Error{ErrorKind::kBadRequest,
               "malformedGzip",
               "The file is not valid gzip data (it may be truncated).",
               {},
               std::move(detail)};
}

}  // namespace

bool IsGzip(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

Result<std::string> Gunzip(std::string_view bytes, std::size_t max_output_bytes,
                           std::size_t stop_after) {
  if (bytes.size() > std::numeric_limits<uInt>::max()) {
    return Fail(Error{
        ErrorKind::kPayloadTooLarge, "fileTooLarge", "The compressed file is too large.", {}, {}});
  }
  z_stream stream{};
  // 16 + MAX_WBITS: gzip framing only.
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) return Fail(Error::Internal("inflateInit2"));
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = static_cast<uInt>(bytes.size());
  std::string out;
  int status = Z_OK;
  while (true) {
    const std::size_t offset = out.size();
    out.resize(offset + kChunk);
    stream.next_out = reinterpret_cast<Bytef*>(out.data() + offset);
    stream.avail_out = static_cast<uInt>(kChunk);
    const uInt input_before = stream.avail_in;
    status = inflate(&stream, Z_NO_FLUSH);
    const std::size_t produced = kChunk - stream.avail_out;
    out.resize(offset + produced);
    if (status != Z_OK && status != Z_STREAM_END && status != Z_BUF_ERROR) {
      std::string detail = stream.msg != nullptr ? stream.msg : "inflate failed";
      inflateEnd(&stream);
      return Fail(MalformedGzip(std::move(detail)));
    }
    if (out.size() > max_output_bytes) {
      inflateEnd(&stream);
      return Fail(
          Error{ErrorKind::kPayloadTooLarge,
                "fileTooLarge",
                fmt::format("The file expands to more than {} MiB.", max_output_bytes >> 20),
                {},
                {}});
    }
    if (stop_after != 0 && out.size() >= stop_after) break;
    if (status == Z_STREAM_END) {
      if (stream.avail_in == 0) break;
      // Another gzip member follows (concatenated files): continue with it.
      if (inflateReset(&stream) != Z_OK) {
        inflateEnd(&stream);
        return Fail(MalformedGzip("inflateReset failed"));
      }
      continue;
    }
    if (status == Z_BUF_ERROR &&
        (stream.avail_in == 0 || (produced == 0 && stream.avail_in == input_before))) {
      inflateEnd(&stream);
      return Fail(MalformedGzip("unexpected end of data"));
    }
  }
  inflateEnd(&stream);
  return out;
}

}  // namespace sg::advisory::detail
