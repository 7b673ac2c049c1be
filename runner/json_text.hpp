#pragma once
/// Pretty JSON text (2-space indent, keys in insertion order) for the files ccci writes.
#include <boost/json/value.hpp>
#include <filesystem>
#include <string>

#include "harness/redactor.hpp"
#include "harness/result.hpp"

namespace ccci::runner {

std::string pretty_json(const boost::json::value& value);
/// `value` with every string in it (keys stay) passed through the redactor.
boost::json::value redacted(boost::json::value value, const harness::Redactor& redactor);
/// Writes pretty JSON to `file` atomically (harness/atomic_file.hpp), creating its directory.
harness::Status write_json_file(const boost::json::value& value, const std::filesystem::path& file);

}  // namespace ccci::runner
