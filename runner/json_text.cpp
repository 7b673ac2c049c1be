#include "runner/json_text.hpp"

#include "harness/atomic_file.hpp"

#include <boost/json.hpp>
#include <cstdio>
#include <fstream>

namespace ccci::runner {
namespace {

void print(std::string& out, const boost::json::value& value, int indent) {
  const std::string pad(static_cast<size_t>(indent + 2), ' ');
  if (const auto* object = value.if_object(); object && !object->empty()) {
    out += "{\n";
    size_t i = 0;
    for (const auto& [key, item] : *object) {
      out += pad + boost::json::serialize(boost::json::value(key)) + ": ";
      print(out, item, indent + 2);
      out += ++i < object->size() ? ",\n" : "\n";
    }
    out += std::string(static_cast<size_t>(indent), ' ') + "}";
  } else if (const auto* array = value.if_array(); array && !array->empty()) {
    out += "[\n";
    for (size_t i = 0; i < array->size(); ++i) {
      out += pad;
      print(out, (*array)[i], indent + 2);
      out += i + 1 < array->size() ? ",\n" : "\n";
    }
    out += std::string(static_cast<size_t>(indent), ' ') + "]";
  } else if (value.is_double()) {
    // serialize() would print 1.234E0; durations read better with at most three decimals.
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.3f", value.as_double());
    out += buffer;
  } else {
    out += boost::json::serialize(value);
  }
}

}  // namespace

std::string pretty_json(const boost::json::value& value) {
  std::string out;
  print(out, value, 0);
  return out + "\n";
}

boost::json::value redacted(boost::json::value value, const harness::Redactor& redactor) {
  if (auto* text = value.if_string()) {
    *text = redactor.redact(std::string_view(*text));
  } else if (auto* array = value.if_array()) {
    for (auto& item : *array) item = redacted(std::move(item), redactor);
  } else if (auto* object = value.if_object()) {
    for (auto& entry : *object) entry.value() = redacted(std::move(entry.value()), redactor);
  }
  return value;
}

harness::Status write_json_file(const boost::json::value& value, const std::filesystem::path& file) {
  return harness::write_file_atomically(file, pretty_json(value));
}

}  // namespace ccci::runner
