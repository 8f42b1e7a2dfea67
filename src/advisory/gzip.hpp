#pragma once

// Internal to the advisory module: gzip decompression with a bound on the output.

#include <cstddef>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace sg::advisory::detail {

/// True when `bytes` start with the gzip magic number.
bool IsGzip(std::string_view bytes);

/// Inflates gzip `bytes` (all members). Errors: "malformedGzip" for damaged data,
/// "fileTooLarge" as soon as the output would pass `max_output_bytes`. With `stop_after` set,
/// returns (without error) once that many bytes are out: enough to sniff a format.
Result<std::string> Gunzip(std::string_view bytes, std::size_t max_output_bytes,
                           std::size_t stop_after = 0);

}  // namespace sg::advisory::detail
