#include "version/distro/pep440_tables.hpp"

#include <boost/json/serialize.hpp>
#include <map>
#include <stdexcept>

#include "version/distro/distro.hpp"
#include "version/distro/vector_files.hpp"

namespace sg::version::distro::vectors {
namespace {

// A tiny evaluator for the Python expressions left in the tables.
class ExpressionParser {
 public:
  explicit ExpressionParser(std::string_view text) : text_(text) {}

  boost::json::value Parse() {
    boost::json::value value = Sum();
    SkipSpaces();
    if (pos_ != text_.size()) Throw("trailing text");
    return value;
  }

 private:
  [[noreturn]] void Throw(std::string_view what) const {
    throw std::runtime_error("cannot evaluate expression (" + std::string(what) +
                             "): " + std::string(text_));
  }
  void SkipSpaces() {
    while (pos_ < text_.size() && text_[pos_] == ' ') ++pos_;
  }
  bool Take(char c) {
    SkipSpaces();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool TakeWord(std::string_view word) {
    SkipSpaces();
    if (text_.substr(pos_).starts_with(word)) {
      pos_ += word.size();
      return true;
    }
    return false;
  }
  boost::json::value Sum() {
    boost::json::value value = Product();
    while (Take('+')) {
      boost::json::value right = Product();
      if (!value.is_string() || !right.is_string()) Throw("+ of non-strings");
      value = boost::json::string(std::string(value.as_string()) + std::string(right.as_string()));
    }
    return value;
  }
  boost::json::value Product() {
    boost::json::value value = Atom();
    while (Take('*')) {
      SkipSpaces();
      std::size_t count = 0;
      const std::size_t start = pos_;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9')
        count = count * 10 + (text_[pos_++] - '0');
      if (pos_ == start || !value.is_string()) Throw("bad repetition");
      std::string repeated;
      for (std::size_t index = 0; index < count; ++index)
        repeated += std::string(value.as_string());
      value = boost::json::string(repeated);
    }
    return value;
  }
  std::string StringLiteral() {
    if (!Take('\'')) Throw("string expected");
    std::string value;
    while (pos_ < text_.size() && text_[pos_] != '\'') value += text_[pos_++];
    if (!Take('\'')) Throw("unterminated string");
    return value;
  }
  boost::json::value Atom() {
    SkipSpaces();
    if (TakeWord("None")) return nullptr;
    if (TakeWord("True")) return true;
    if (TakeWord("False")) return false;
    if (TakeWord("Version(")) {
      boost::json::object version;
      version["__version__"] = StringLiteral();
      if (!Take(')')) Throw("')' expected");
      return version;
    }
    if (pos_ < text_.size() && text_[pos_] == '\'') return boost::json::string(StringLiteral());
    const bool tuple = Take('(');
    if (tuple || Take('[')) {
      const char close = tuple ? ')' : ']';
      boost::json::array items;
      while (!Take(close)) {
        items.push_back(Sum());
        if (!Take(',')) {
          if (!Take(close)) Throw("',' expected");
          break;
        }
      }
      return items;
    }
    Throw("unexpected token");
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

boost::json::value Evaluate(const boost::json::value& value) {
  if (value.is_object()) {
    const boost::json::object& object = value.as_object();
    if (const auto* expression = object.if_contains("__expr__")) {
      return ExpressionParser(std::string_view(expression->as_string())).Parse();
    }
  }
  if (value.is_array()) {
    boost::json::array items;
    for (const boost::json::value& item : value.as_array()) items.push_back(Evaluate(item));
    return items;
  }
  return value;
}

}  // namespace

const boost::json::value& PackagingTables(std::string_view name) {
  static std::map<std::string, boost::json::value, std::less<>> cache;
  if (const auto found = cache.find(name); found != cache.end()) return found->second;
  boost::json::value tables = ReadJson(
      ReferenceData(std::string("version-vectors/pypi-pep440-packaging/") + std::string(name)));
  return cache.emplace(std::string(name), std::move(tables)).first->second;
}

const boost::json::array& Constant(const boost::json::value& tables, std::string_view name) {
  const boost::json::value* constant = tables.at("module_constants").as_object().if_contains(name);
  if (constant == nullptr) throw std::runtime_error("no module constant " + std::string(name));
  return constant->as_array();
}

boost::json::array Cases(const boost::json::value& tables, std::string_view test) {
  for (const boost::json::value& table : tables.at("parametrized_tests").as_array()) {
    const boost::json::object& object = table.as_object();
    if (object.at("test").as_string() != test) continue;
    if (const auto* reference = object.if_contains("cases_ref")) {
      const std::string_view name(reference->as_string());
      // test_specifiers.py imports VERSIONS from test_version.py.
      const bool imported = !tables.at("module_constants").as_object().contains(name);
      return Evaluate(
                 Constant(imported ? PackagingTables("test_version.tables.json") : tables, name))
          .as_array();
    }
    return Evaluate(object.at("cases")).as_array();
  }
  throw std::runtime_error("no table for " + std::string(test));
}

std::string VersionArgument(const boost::json::value& value) {
  if (value.is_string()) return std::string(value.as_string());
  const std::string text(value.as_object().at("__version__").as_string());
  Result<Pep440Version> parsed = ParsePep440(text);
  if (!parsed) throw std::runtime_error("table holds an invalid Version(): " + text);
  return ToString(*parsed);
}

std::string Show(const boost::json::value& value) {
  if (value.is_null()) return "None";
  if (value.is_bool()) return value.as_bool() ? "True" : "False";
  return boost::json::serialize(value);
}

}  // namespace sg::version::distro::vectors
