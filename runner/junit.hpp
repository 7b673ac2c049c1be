#pragma once
/// JUnit XML (pugixml; the only XML writer): `<dir>/<tier>__<source>.xml`, one testsuite per tier
/// and check source, plus `teardown__generic.xml`. failure vs error vs skipped comes from the
/// typed status, never from a message. Text is made safe for XML 1.0 (ANSI escapes and control
/// characters dropped, invalid UTF-8 replaced); files validate against Jenkins' junit-10.xsd.
#include <filesystem>
#include <string>
#include <string_view>

#include "harness/redactor.hpp"
#include "harness/result.hpp"
#include "runner/outcome.hpp"

namespace ccci::runner {

harness::Status write_junit(const RunReport& report, const std::filesystem::path& dir,
                            const harness::Redactor& redactor);

/// Exposed for tests: ANSI escapes and XML-1.0-invalid characters removed, invalid UTF-8 → U+FFFD.
std::string xml_safe(std::string_view text);

}  // namespace ccci::runner
