#include "sbom/json_input.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "sbom/errors.hpp"

namespace sg::sbom::json {
namespace {

using simdjson::error_code;

}  // namespace

JsonInput::JsonInput() {
  thread_local Scratch scratch;
  if (scratch.in_use) {
    own_ = std::make_unique<Scratch>();
    scratch_ = own_.get();
  } else {
    scratch_ = &scratch;
  }
  scratch_->in_use = true;
}

JsonInput::~JsonInput() {
  scratch_->in_use = false;
  // A very large document's buffer is not kept for the thread's life.
  if (scratch_->buffer.capacity() > (std::size_t{64} << 20)) {
    std::string().swap(scratch_->buffer);
    scratch_->parser = simdjson::ondemand::parser();
  }
}

Result<void> JsonInput::Open(std::string_view bytes, std::size_t readable_past_end) {
  // A UTF-8 byte order mark is allowed before JSON text (RFC 8259 §8.1); simdjson refuses it.
  if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);
  simdjson::padded_string_view padded;
  if (readable_past_end >= simdjson::SIMDJSON_PADDING) {
    padded = simdjson::padded_string_view(bytes.data(), bytes.size(),
                                          bytes.size() + simdjson::SIMDJSON_PADDING);
    text_ = bytes;
  } else {
    std::string& buffer = scratch_->buffer;
    // One allocation for the text and its padding (assign() alone sizes it for the text only).
    buffer.reserve(bytes.size() + simdjson::SIMDJSON_PADDING);
    buffer.assign(bytes);
    buffer.append(simdjson::SIMDJSON_PADDING, ' ');
    text_ = std::string_view(buffer.data(), bytes.size());
    padded = simdjson::padded_string_view(buffer.data(), bytes.size(), buffer.size());
  }
  const error_code error = scratch_->parser.iterate(padded).get(document_);
  if (error) {
    return Fail(SbomMalformed(
        fmt::format("The document is not valid JSON: {}.", simdjson::error_message(error)),
        simdjson::error_message(error)));
  }
  return {};
}

std::string JsonInput::DescribePosition(const char* position) const {
  const char* begin = text_.data();
  const char* end = begin + text_.size();
  if (position < begin || position > end) return "the end of the document";
  const std::size_t line = 1 + static_cast<std::size_t>(std::count(begin, position, '\n'));
  const char* line_start = position;
  while (line_start > begin && line_start[-1] != '\n') --line_start;
  return fmt::format("line {}, column {}", line, position - line_start + 1);
}

Error JsonInput::Malformed(error_code code) {
  const char* position = nullptr;
  std::string where = "the end of the document";
  if (document_.current_location().get(position) == simdjson::SUCCESS) {
    where = DescribePosition(position);
  }
  // simdjson's messages end with their own full stop.
  std::string_view reason = simdjson::error_message(code);
  while (!reason.empty() && reason.back() == '.') reason.remove_suffix(1);
  return SbomMalformed(
      fmt::format("The document is not well-formed JSON near {}: {}.", where, reason),
      simdjson::error_message(code));
}

Result<JsonProbe> Probe(JsonInput& input) {
  JsonProbe probe;
  simdjson::ondemand::object root;
  const error_code error = input.document().get_object().get(root);
  if (error == simdjson::INCORRECT_TYPE) return probe;
  if (error) return Fail(input.Malformed(error));
  probe.root_is_object = true;
  // One pass over the top-level keys, stopping as soon as the format is known: these keys come
  // first in practice, and every value passed over costs a skip through its whole subtree.
  for (auto field : root) {
    simdjson::ondemand::field member;
    if (const error_code field_error = std::move(field).get(member)) {
      return Fail(input.Malformed(field_error));
    }
    std::string_view key;
    if (const error_code key_error = member.unescaped_key().get(key)) {
      return Fail(input.Malformed(key_error));
    }
    bool* present = nullptr;
    std::optional<std::string>* text = nullptr;
    if (key == "bomFormat") {
      present = &probe.has_bom_format;
      text = &probe.bom_format;
    } else if (key == "specVersion") {
      present = &probe.has_spec_version;
      text = &probe.spec_version;
    } else if (key == "spdxVersion") {
      present = &probe.has_spdx_version;
      text = &probe.spdx_version;
    } else if (key == "@context") {
      probe.has_context = true;
    }
    if (present) {
      *present = true;
      std::string_view view;
      const error_code string_error = member.value().get_string().get(view);
      if (string_error == simdjson::SUCCESS) {
        *text = std::string(view);
      } else if (string_error != simdjson::INCORRECT_TYPE) {
        return Fail(input.Malformed(string_error));
      }
    }
    if ((probe.has_bom_format && probe.has_spec_version) || probe.has_spdx_version ||
        probe.has_context) {
      break;
    }
  }
  input.document().rewind();
  return probe;
}

bool Walker::TypeViolation(std::string_view expected) {
  return Violation("type", fmt::format("Expected {} here", expected));
}

void Walker::CheckNothingTrails() {
  if (builder_.failed()) return;
  const char* trailing = nullptr;
  if (input_.document().current_location().get(trailing) == simdjson::SUCCESS) {
    builder_.Fail(SbomMalformed(fmt::format("The document has content after its end, at {}.",
                                            input_.DescribePosition(trailing))));
  }
}

void Pointer::Grow() { segments_.resize(2 * segments_.size() + 16); }

std::string Pointer::Text() const {
  if (depth_ == 0) return "/";
  std::string text;
  for (std::size_t position = 0; position < depth_; ++position) {
    const Segment& segment = segments_[position];
    text.push_back('/');
    if (segment.is_index) {
      text.append(std::to_string(segment.index));
      continue;
    }
    for (const char c : segment.key) {
      if (c == '~') {
        text.append("~0");
      } else if (c == '/') {
        text.append("~1");
      } else {
        text.push_back(c);
      }
    }
  }
  return text;
}

}  // namespace sg::sbom::json
