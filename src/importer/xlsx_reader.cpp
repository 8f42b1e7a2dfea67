#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <optional>

#include "core/text.hpp"
#include "importer/cell_format.hpp"
#include "importer/errors.hpp"
#include "importer/limits.hpp"
#include "importer/table.hpp"
#include "importer/table_builder.hpp"
#include "importer/xml_parser.hpp"
#include "importer/zip_archive.hpp"

namespace sg::importer {
namespace {

// ---------------------------------------------------------------------------------------------
// Package structure (Open Packaging Conventions): which part is the first worksheet.

struct Relationship {
  std::string id;
  std::string type;
  std::string target;
};

/// Reads a .rels part; external targets (hyperlinks and the like) are left out.
struct RelationshipsReader final : XmlHandler {
  std::vector<Relationship> relationships;

  void StartElement(std::string_view name, const XmlAttributes& attributes) override {
    if (name != "Relationship" || attributes.Find("TargetMode") == "External") return;
    const auto id = attributes.Find("Id");
    const auto target = attributes.Find("Target");
    if (!id || !target) return;
    relationships.push_back({std::string(*id), std::string(attributes.Find("Type").value_or("")),
                             std::string(*target)});
  }
  void EndElement(std::string_view) override {}
  void CharacterData(std::string_view) override {}

  const Relationship* FindById(std::string_view id) const {
    const auto found = std::ranges::find(relationships, id, &Relationship::id);
    return found == relationships.end() ? nullptr : &*found;
  }
  /// Relationship types differ between transitional and strict OOXML only before the last '/'.
  const Relationship* FindByType(std::string_view type_suffix) const {
    const auto found = std::ranges::find_if(relationships, [&](const Relationship& relationship) {
      return relationship.type.ends_with(type_suffix);
    });
    return found == relationships.end() ? nullptr : &*found;
  }
};

/// Reads xl/workbook.xml: the first sheet's relationship id and the date system.
struct WorkbookReader final : XmlHandler {
  bool is_workbook = false;
  bool date1904 = false;
  std::optional<std::string> first_sheet_relationship;

  void StartElement(std::string_view name, const XmlAttributes& attributes) override {
    if (name == "workbook") {
      is_workbook = true;
    } else if (name == "workbookPr") {
      const auto value = attributes.Find("date1904");
      date1904 = value == "1" || value == "true";
    } else if (name == "sheet" && !first_sheet_relationship) {
      if (const auto id = attributes.Find("id")) first_sheet_relationship = std::string(*id);
    }
  }
  void EndElement(std::string_view) override {}
  void CharacterData(std::string_view) override {}
};

std::string_view DirectoryOf(std::string_view part_name) {
  const std::size_t slash = part_name.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : part_name.substr(0, slash + 1);
}

/// "xl/workbook.xml" -> "xl/_rels/workbook.xml.rels"; "" (the package) -> "_rels/.rels".
std::string RelationshipsPartOf(std::string_view part_name) {
  const std::string_view directory = DirectoryOf(part_name);
  return fmt::format("{}_rels/{}.rels", directory, part_name.substr(directory.size()));
}

/// The part a relationship of `source_part` points at: relative to the source's folder, or to the
/// package root when it begins with '/'. std::nullopt when ".." climbs out of the package.
std::optional<std::string> ResolveTarget(std::string_view source_part, std::string_view target) {
  const std::string joined = target.starts_with('/')
                                 ? std::string(target.substr(1))
                                 : fmt::format("{}{}", DirectoryOf(source_part), target);
  std::vector<std::string_view> segments;
  std::string_view rest = joined;
  while (!rest.empty()) {
    const std::size_t slash = rest.find('/');
    const std::string_view segment = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    if (segment.empty() || segment == ".") continue;
    if (segment == "..") {
      if (segments.empty()) return std::nullopt;
      segments.pop_back();
    } else {
      segments.push_back(segment);
    }
  }
  std::string resolved;
  for (const std::string_view segment : segments) {
    if (!resolved.empty()) resolved += '/';
    resolved += segment;
  }
  return resolved;
}

Result<void> ParsePart(ZipArchive& archive, std::string_view part_name, XmlHandler& handler) {
  Result<std::string> content = archive.GetEntry(part_name);
  if (!content) return Fail(std::move(content.error()));
  return ParseXml(*content, part_name, handler);
}

/// The parts of a workbook that the reader needs.
struct WorkbookParts {
  std::string sheet;
  std::optional<std::string> shared_strings;
  std::optional<std::string> styles;
  bool date1904 = false;
};

/// A part named by a relationship of `source_part`, or `fallback` (Excel's usual name) when the
/// relationship is absent or points at nothing.
std::optional<std::string> FindPart(const ZipArchive& archive, std::string_view source_part,
                                    const Relationship* relationship, std::string_view fallback) {
  if (relationship != nullptr) {
    std::optional<std::string> resolved = ResolveTarget(source_part, relationship->target);
    if (resolved && archive.HasEntry(*resolved)) return resolved;
  }
  if (archive.HasEntry(fallback)) return std::string(fallback);
  return std::nullopt;
}

Result<WorkbookParts> LocateParts(ZipArchive& archive) {
  RelationshipsReader package;
  if (archive.HasEntry("_rels/.rels")) {
    if (Result<void> parsed = ParsePart(archive, "_rels/.rels", package); !parsed) {
      return Fail(std::move(parsed.error()));
    }
  }
  const std::string workbook_part =
      FindPart(archive, "", package.FindByType("/officeDocument"), "xl/workbook.xml").value_or("");
  if (workbook_part.empty()) {
    return Fail(NotASpreadsheet("it is a ZIP archive with no workbook in it"));
  }

  WorkbookReader workbook;
  if (Result<void> parsed = ParsePart(archive, workbook_part, workbook); !parsed) {
    return Fail(std::move(parsed.error()));
  }
  if (!workbook.is_workbook) {
    return Fail(NotASpreadsheet(fmt::format("the part {} is not a workbook", workbook_part)));
  }

  RelationshipsReader links;
  const std::string links_part = RelationshipsPartOf(workbook_part);
  if (archive.HasEntry(links_part)) {
    if (Result<void> parsed = ParsePart(archive, links_part, links); !parsed) {
      return Fail(std::move(parsed.error()));
    }
  }
  const std::string directory(DirectoryOf(workbook_part));
  const Relationship* sheet_link = workbook.first_sheet_relationship
                                       ? links.FindById(*workbook.first_sheet_relationship)
                                       : nullptr;
  std::optional<std::string> sheet =
      FindPart(archive, workbook_part, sheet_link, directory + "worksheets/sheet1.xml");
  if (!sheet) return Fail(NotASpreadsheet("the workbook has no worksheet"));

  return WorkbookParts{
      .sheet = std::move(*sheet),
      .shared_strings = FindPart(archive, workbook_part, links.FindByType("/sharedStrings"),
                                 directory + "sharedStrings.xml"),
      .styles =
          FindPart(archive, workbook_part, links.FindByType("/styles"), directory + "styles.xml"),
      .date1904 = workbook.date1904,
  };
}

// ---------------------------------------------------------------------------------------------
// Shared strings and styles.

/// Reads xl/sharedStrings.xml. An item is its text, or the concatenation of its rich-text runs;
/// phonetic guides (<rPh>, furigana) are not part of the text.
struct SharedStringsReader final : XmlHandler {
  std::vector<std::string> strings;
  std::string item;
  bool in_item = false;
  bool in_text = false;
  int phonetic_depth = 0;

  void StartElement(std::string_view name, const XmlAttributes&) override {
    if (name == "si") {
      in_item = true;
      item.clear();
    } else if (name == "rPh") {
      ++phonetic_depth;
    } else if (name == "t" && in_item && phonetic_depth == 0) {
      in_text = true;
    }
  }
  void EndElement(std::string_view name) override {
    if (name == "si") {
      strings.push_back(DecodeOoxmlEscapes(item));
      in_item = false;
    } else if (name == "rPh") {
      phonetic_depth = std::max(phonetic_depth - 1, 0);
    } else if (name == "t") {
      in_text = false;
    }
  }
  void CharacterData(std::string_view text) override {
    if (in_text) item += text;
  }
};

/// Reads xl/styles.xml far enough to tell which cell styles show dates.
struct StylesReader final : XmlHandler {
  std::map<int, std::string> format_codes;  // the workbook's own numFmt definitions
  std::vector<int> style_format_ids;        // cellXfs: style index -> numFmtId
  bool in_format_list = false;
  bool in_cell_styles = false;

  static int ParseId(std::optional<std::string_view> text) {
    int value = 0;
    if (text) std::from_chars(text->data(), text->data() + text->size(), value);
    return value;
  }

  void StartElement(std::string_view name, const XmlAttributes& attributes) override {
    if (name == "numFmts") {
      in_format_list = true;
    } else if (name == "cellXfs") {
      in_cell_styles = true;
    } else if (name == "numFmt" && in_format_list) {
      format_codes[ParseId(attributes.Find("numFmtId"))] =
          std::string(attributes.Find("formatCode").value_or(""));
    } else if (name == "xf" && in_cell_styles) {
      style_format_ids.push_back(ParseId(attributes.Find("numFmtId")));
    }
  }
  void EndElement(std::string_view name) override {
    if (name == "numFmts") in_format_list = false;
    if (name == "cellXfs") in_cell_styles = false;
  }
  void CharacterData(std::string_view) override {}

  /// For each style index, whether it shows a date.
  std::vector<bool> DateStyles() const {
    std::vector<bool> date_styles;
    date_styles.reserve(style_format_ids.size());
    for (const int format_id : style_format_ids) {
      const auto code = format_codes.find(format_id);
      date_styles.push_back(IsDateFormat(
          format_id, code == format_codes.end() ? std::nullopt
                                                : std::optional<std::string_view>(code->second)));
    }
    return date_styles;
  }
};

// ---------------------------------------------------------------------------------------------
// The worksheet.

/// Reads <sheetData> into records placed by their row and column references, so that gaps stay
/// gaps. Only cells with a value are stored; formulas give their cached result.
class SheetReader final : public XmlHandler {
 public:
  SheetReader(const std::vector<std::string>& shared_strings, const std::vector<bool>& date_styles,
              bool date1904)
      : shared_strings_(shared_strings), date_styles_(date_styles), date1904_(date1904) {}

  Records TakeRecords() { return std::move(records_); }

  void StartElement(std::string_view name, const XmlAttributes& attributes) override {
    if (name == "sheetData") {
      in_sheet_data_ = true;
    } else if (!in_sheet_data_) {
      return;
    } else if (name == "row") {
      StartRow(attributes.Find("r"));
    } else if (name == "c") {
      StartCell(attributes);
    } else if (!in_cell_) {
      return;
    } else if (name == "v") {
      in_value_ = true;
    } else if (name == "is") {
      in_inline_string_ = true;
    } else if (name == "rPh") {
      ++phonetic_depth_;
    } else if (name == "t" && in_inline_string_ && phonetic_depth_ == 0) {
      in_text_ = true;
    }
  }

  void EndElement(std::string_view name) override {
    if (name == "sheetData") {
      in_sheet_data_ = false;
    } else if (name == "row") {
      row_number_ = 0;
    } else if (name == "c") {
      if (in_cell_) StoreCell();
      in_cell_ = false;
    } else if (name == "v") {
      in_value_ = false;
    } else if (name == "is") {
      in_inline_string_ = false;
    } else if (name == "rPh") {
      phonetic_depth_ = std::max(phonetic_depth_ - 1, 0);
    } else if (name == "t") {
      in_text_ = false;
    }
  }

  void CharacterData(std::string_view text) override {
    if (in_value_) value_ += text;
    if (in_text_) inline_text_ += text;
  }

 private:
  enum class CellType {
    kNumber,
    kSharedString,
    kInlineString,
    kFormulaString,
    kBoolean,
    kError,
    kIsoDate
  };

  static CellType ParseCellType(std::optional<std::string_view> type) {
    if (!type || *type == "n") return CellType::kNumber;
    if (*type == "s") return CellType::kSharedString;
    if (*type == "inlineStr") return CellType::kInlineString;
    if (*type == "b") return CellType::kBoolean;
    if (*type == "e") return CellType::kError;
    if (*type == "d") return CellType::kIsoDate;
    return CellType::kFormulaString;  // "str", and anything unknown is taken as text
  }

  void StartRow(std::optional<std::string_view> reference) {
    if (row_number_ != 0) {
      Stop(NotASpreadsheet("the worksheet has a row inside a row"));
      return;
    }
    const std::optional<std::size_t> number =
        reference ? FindRowNumber(*reference)
                  : (last_row_ < kMaxSheetRows ? std::optional(last_row_ + 1) : std::nullopt);
    if (!number) {
      Stop(NotASpreadsheet("a row number in the worksheet is invalid"));
      return;
    }
    row_number_ = last_row_ = *number;
    next_column_ = 0;
    if (records_.size() < row_number_) records_.resize(row_number_);
  }

  void StartCell(const XmlAttributes& attributes) {
    if (row_number_ == 0) return;  // a cell outside any row
    if (in_cell_) {
      Stop(NotASpreadsheet("the worksheet has a cell inside a cell"));
      return;
    }
    const std::optional<std::string_view> reference = attributes.Find("r");
    const std::optional<std::size_t> column =
        reference ? FindColumnIndex(*reference)
                  : (next_column_ < kMaxSheetColumns ? std::optional(next_column_) : std::nullopt);
    if (!column) {
      Stop(NotASpreadsheet("a cell reference in the worksheet is invalid"));
      return;
    }
    in_cell_ = true;
    cell_row_ = row_number_;
    column_ = *column;
    next_column_ = column_ + 1;
    type_ = ParseCellType(attributes.Find("t"));
    style_ = 0;
    if (const auto style = attributes.Find("s")) {
      std::from_chars(style->data(), style->data() + style->size(), style_);
    }
    value_.clear();
    inline_text_.clear();
    in_value_ = in_inline_string_ = in_text_ = false;
    phonetic_depth_ = 0;
  }

  void StoreCell() {
    Result<std::string> text = CellText();
    if (!text) {
      Stop(std::move(text.error()));
      return;
    }
    if (text->empty()) return;
    std::vector<std::string>& row = records_[cell_row_ - 1];
    if (row.size() <= column_) {
      cell_slots_ += column_ + 1 - row.size();
      if (cell_slots_ > kMaxCells) {
        Stop(FileTooLarge(fmt::format("The worksheet has more than {} cells.", kMaxCells)));
        return;
      }
      row.resize(column_ + 1);
    }
    text_bytes_ += text->size();
    if (text_bytes_ > kMaxTextBytes) {
      Stop(FileTooLarge("The worksheet holds more text than an import accepts."));
      return;
    }
    row[column_] = std::move(*text);
  }

  bool IsDateStyle() const { return style_ < date_styles_.size() && date_styles_[style_]; }

  Result<std::string> CellText() const {
    switch (type_) {
      case CellType::kSharedString: {
        if (value_.empty()) return std::string();
        std::size_t index = 0;
        const auto [end, error] =
            std::from_chars(value_.data(), value_.data() + value_.size(), index);
        if (error != std::errc{} || end != value_.data() + value_.size() ||
            index >= shared_strings_.size()) {
          return Fail(NotASpreadsheet("a cell refers to a shared string that does not exist"));
        }
        return shared_strings_[index];
      }
      case CellType::kInlineString:
        return DecodeOoxmlEscapes(inline_text_);
      case CellType::kFormulaString:
        return DecodeOoxmlEscapes(value_);
      case CellType::kBoolean:
        if (value_ == "1") return std::string("TRUE");
        if (value_ == "0") return std::string("FALSE");
        return value_;
      case CellType::kError:
        return value_;
      case CellType::kIsoDate:
        // "2024-01-15T00:00:00" -> "2024-01-15"
        return value_.size() >= 10 && value_[4] == '-' && value_[7] == '-' ? value_.substr(0, 10)
                                                                           : value_;
      case CellType::kNumber:
        break;
    }
    const std::string_view number_text = text::Trim(value_);
    double number = 0;
    const auto [end, error] =
        std::from_chars(number_text.data(), number_text.data() + number_text.size(), number);
    if (number_text.empty() || error != std::errc{} ||
        end != number_text.data() + number_text.size()) {
      return std::string(number_text);  // not a number after all: keep what the file says
    }
    if (IsDateStyle()) {
      if (std::optional<std::string> date = SerialToIsoDate(number, date1904_)) return *date;
    }
    return FormatNumber(number);
  }

  const std::vector<std::string>& shared_strings_;
  const std::vector<bool>& date_styles_;
  const bool date1904_;

  Records records_;
  std::size_t cell_slots_ = 0;
  std::size_t text_bytes_ = 0;
  bool in_sheet_data_ = false;
  std::size_t row_number_ = 0;  // 0 outside a <row>
  std::size_t last_row_ = 0;
  std::size_t next_column_ = 0;

  bool in_cell_ = false;
  std::size_t cell_row_ = 0;  // the cell's own row, even if hostile XML nests a <row> in it
  std::size_t column_ = 0;
  CellType type_ = CellType::kNumber;
  std::size_t style_ = 0;
  bool in_value_ = false;
  bool in_inline_string_ = false;
  bool in_text_ = false;
  int phonetic_depth_ = 0;
  std::string value_;
  std::string inline_text_;
};

}  // namespace

Result<Table> ReadXlsx(std::string_view bytes) {
  Result<ZipArchive> archive = ZipArchive::Open(bytes);
  if (!archive) return Fail(std::move(archive.error()));
  Result<WorkbookParts> parts = LocateParts(*archive);
  if (!parts) return Fail(std::move(parts.error()));

  StylesReader styles;
  if (parts->styles) {
    if (Result<void> parsed = ParsePart(*archive, *parts->styles, styles); !parsed) {
      return Fail(std::move(parsed.error()));
    }
  }
  SharedStringsReader shared_strings;
  if (parts->shared_strings) {
    if (Result<void> parsed = ParsePart(*archive, *parts->shared_strings, shared_strings);
        !parsed) {
      return Fail(std::move(parsed.error()));
    }
  }
  const std::vector<bool> date_styles = styles.DateStyles();
  SheetReader sheet(shared_strings.strings, date_styles, parts->date1904);
  if (Result<void> parsed = ParsePart(*archive, parts->sheet, sheet); !parsed) {
    return Fail(std::move(parsed.error()));
  }
  return MakeTable(sheet.TakeRecords());
}

}  // namespace sg::importer
