#pragma once

#include <string>
#include <string_view>

#include "core/error.hpp"

namespace sg::importer {

/// Decodes the bytes of a text file to UTF-8: a UTF-8 BOM is stripped, valid UTF-8 is kept as it
/// is, anything else is converted from Big5 (CP950) when every byte sequence decodes. Bytes that
/// are neither (UTF-16, Latin-1, binary; any NUL byte) are "unsupportedEncoding".
Result<std::string> DecodeToUtf8(std::string_view bytes);

}  // namespace sg::importer
