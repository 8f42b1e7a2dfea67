#include "importer/xml_parser.hpp"

#include <expat.h>
#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <memory>

#include "importer/errors.hpp"

namespace sg::importer {
namespace {

constexpr std::size_t kChunkBytes = 1u << 20;

std::string_view LocalName(const char* name) {
  std::string_view qualified(name);
  const std::size_t colon = qualified.rfind(':');
  return colon == std::string_view::npos ? qualified : qualified.substr(colon + 1);
}

struct ParserFreer {
  void operator()(XML_ParserStruct* parser) const { XML_ParserFree(parser); }
};

/// What the expat callbacks share; expat's user data points here.
struct ParseContext {
  XML_Parser parser;
  XmlHandler* handler;
  bool saw_doctype = false;
};

ParseContext& ContextOf(void* user_data) { return *static_cast<ParseContext*>(user_data); }

void StopIfHandlerStopped(ParseContext& context) {
  if (context.handler->Stopped()) XML_StopParser(context.parser, XML_FALSE);
}

void OnStartElement(void* user_data, const XML_Char* name, const XML_Char** attributes) {
  ParseContext& context = ContextOf(user_data);
  context.handler->StartElement(LocalName(name), XmlAttributes(attributes));
  StopIfHandlerStopped(context);
}

void OnEndElement(void* user_data, const XML_Char* name) {
  ParseContext& context = ContextOf(user_data);
  context.handler->EndElement(LocalName(name));
  StopIfHandlerStopped(context);
}

void OnCharacterData(void* user_data, const XML_Char* text, int length) {
  ParseContext& context = ContextOf(user_data);
  context.handler->CharacterData(std::string_view(text, static_cast<std::size_t>(length)));
  StopIfHandlerStopped(context);
}

void OnDoctype(void* user_data, const XML_Char*, const XML_Char*, const XML_Char*, int) {
  ParseContext& context = ContextOf(user_data);
  context.saw_doctype = true;
  XML_StopParser(context.parser, XML_FALSE);
}

void OnEntityDeclaration(void* user_data, const XML_Char*, int, const XML_Char*, int,
                         const XML_Char*, const XML_Char*, const XML_Char*, const XML_Char*) {
  OnDoctype(user_data, nullptr, nullptr, nullptr, 0);
}

}  // namespace

std::optional<std::string_view> XmlAttributes::Find(std::string_view local_name) const {
  for (const char** pair = pairs_; pair != nullptr && *pair != nullptr; pair += 2) {
    if (LocalName(pair[0]) == local_name) return std::string_view(pair[1]);
  }
  return std::nullopt;
}

Result<void> ParseXml(std::string_view xml, std::string_view part_name, XmlHandler& handler) {
  std::unique_ptr<XML_ParserStruct, ParserFreer> parser(XML_ParserCreate(nullptr));
  if (!parser) return Fail(Error::Internal("XML_ParserCreate failed"));
  ParseContext context{parser.get(), &handler};
  XML_SetUserData(parser.get(), &context);
  XML_SetParamEntityParsing(parser.get(), XML_PARAM_ENTITY_PARSING_NEVER);
  XML_SetStartDoctypeDeclHandler(parser.get(), OnDoctype);
  XML_SetEntityDeclHandler(parser.get(), OnEntityDeclaration);
  XML_SetElementHandler(parser.get(), OnStartElement, OnEndElement);
  XML_SetCharacterDataHandler(parser.get(), OnCharacterData);

  // XML_Parse takes an int length, so large parts go in slices.
  std::size_t offset = 0;
  XML_Status status = XML_STATUS_OK;
  do {
    const std::size_t length = std::min(kChunkBytes, xml.size() - offset);
    const bool is_final = offset + length == xml.size();
    status = XML_Parse(parser.get(), xml.data() + offset, static_cast<int>(length), is_final);
    offset += length;
  } while (status == XML_STATUS_OK && offset < xml.size());

  if (context.saw_doctype) {
    return Fail(NotASpreadsheet(fmt::format(
        "the part {} declares a DOCTYPE, which workbooks never do; it was refused", part_name)));
  }
  if (handler.Stopped()) return Fail(handler.TakeFailure());
  if (status != XML_STATUS_OK) {
    const XML_Error code = XML_GetErrorCode(parser.get());
    return Fail(NotASpreadsheet(fmt::format("the part {} is not well-formed XML (line {})",
                                            part_name, XML_GetCurrentLineNumber(parser.get())),
                                XML_ErrorString(code)));
  }
  return {};
}

}  // namespace sg::importer
