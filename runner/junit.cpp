#include "runner/junit.hpp"

#include <pugixml.hpp>

#include "harness/atomic_file.hpp"
#include "harness/text.hpp"

#include <cstdio>
#include <map>
#include <sstream>

namespace ccci::runner {
namespace {

constexpr size_t max_message = 500;

std::string seconds(std::chrono::milliseconds duration) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3f", static_cast<double>(duration.count()) / 1000.0);
  return buffer;
}

bool allowed_in_xml(char32_t code) {
  return code == 0x9 || code == 0xa || code == 0xd || (code >= 0x20 && code <= 0xd7ff) ||
         (code >= 0xe000 && code <= 0xfffd) || code >= 0x10000;
}

std::string one_line(std::string_view text) {
  std::string line(text.substr(0, text.find('\n')));
  if (line.size() > max_message) line = line.substr(0, max_message) + "…";
  return line;
}

struct SuiteCounts {
  int tests = 0, failures = 0, errors = 0, skipped = 0;
};

class SuiteWriter {
 public:
  SuiteWriter(const RunReport& report, std::string_view name, const harness::Redactor& redactor)
      : report_(report), redactor_(redactor) {
    suite_ = document_.append_child("testsuite");
    // Attributes in the order readers show them; counts are filled in by save().
    for (const char* attribute : {"name", "tests", "failures", "errors", "skipped", "time", "timestamp"}) {
      suite_.append_attribute(attribute);
    }
    suite_.attribute("name") = safe(std::string(name)).c_str();
    suite_.attribute("timestamp") = report_.started_at.substr(0, 19).c_str();
  }

  void add(const std::string& classname, const std::string& name, CheckStatus status, const std::string& message,
           const std::string& detail, std::chrono::milliseconds duration, const std::vector<std::string>& evidence = {},
           const std::vector<std::string>& artifacts = {}) {
    auto testcase = suite_.append_child("testcase");
    last_case_ = testcase;
    testcase.append_attribute("name") = safe(name).c_str();
    testcase.append_attribute("classname") = safe(classname).c_str();
    testcase.append_attribute("time") = seconds(duration).c_str();
    ++counts_.tests;
    total_ += duration;
    // The case's own files (a browser check's screenshots), whatever its status; the run's
    // evidence only where something went wrong.
    std::vector<std::string> attachments = artifacts;
    if (status == CheckStatus::fail || status == CheckStatus::error) {
      attachments.insert(attachments.end(), evidence.begin(), evidence.end());
    }
    // Only the [[ATTACHMENT|…]] lines: the schema every file must meet (docs/junit.xsd, Jenkins'
    // junit-10.xsd as given) allows no properties on a case, so testmo's attachment property is not written.
    const char* element = nullptr;
    switch (status) {
      case CheckStatus::pass: attach(testcase, attachments); return;
      case CheckStatus::fail:
        element = "failure";
        ++counts_.failures;
        break;
      case CheckStatus::error:
        element = "error";
        ++counts_.errors;
        break;
      case CheckStatus::skip:
        element = "skipped";
        ++counts_.skipped;
        break;
    }
    auto result = testcase.append_child(element);
    result.append_attribute("message") = one_line(safe(message)).c_str();
    std::string body = detail.empty() ? message : message + "\n\n" + detail;
    if (status != CheckStatus::skip) result.append_child(pugi::node_pcdata).set_value(safe(body).c_str());
    attach(testcase, attachments);
  }

  /// The last case added passed only when run again: testcase status="flaky" (an attribute the
  /// schema has; a case may carry no properties there), a suite property naming it, and the
  /// message in its system-out, so no reader shows it as a plain pass without a trace.
  void mark_flaky(const std::string& name, const std::string& message) {
    last_case_.append_attribute("status") = "flaky";
    if (!properties_) properties_ = suite_.prepend_child("properties");
    auto property = properties_.append_child("property");
    property.append_attribute("name") = "flaky";
    property.append_attribute("value") = safe(name).c_str();
    last_case_.append_child("system-out").append_child(pugi::node_pcdata).set_value(safe(message).c_str());
  }

  harness::Status save(const std::filesystem::path& file) {
    suite_.attribute("tests") = counts_.tests;
    suite_.attribute("failures") = counts_.failures;
    suite_.attribute("errors") = counts_.errors;
    suite_.attribute("skipped") = counts_.skipped;
    suite_.attribute("time") = seconds(total_).c_str();
    std::ostringstream text;
    document_.save(text, "  ", pugi::format_default, pugi::encoding_utf8);
    return harness::write_file_atomically(file, text.str());
  }

 private:
  std::string safe(const std::string& text) const { return xml_safe(redactor_.redact(text)); }

  /// The Jenkins JUnit Attachments convention, which GitLab reads too: paths relative to OUT.
  void attach(pugi::xml_node testcase, const std::vector<std::string>& files) const {
    if (files.empty()) return;
    std::string lines;
    for (const auto& file : files) lines += "[[ATTACHMENT|" + file + "]]\n";
    testcase.append_child("system-out").append_child(pugi::node_pcdata).set_value(safe(lines).c_str());
  }

  const RunReport& report_;
  const harness::Redactor& redactor_;
  pugi::xml_document document_;
  pugi::xml_node suite_;
  pugi::xml_node properties_;
  pugi::xml_node last_case_;
  SuiteCounts counts_;
  std::chrono::milliseconds total_{0};
};

CheckStatus status_of_tier(TierStatus status) {
  switch (status) {
    case TierStatus::pass: return CheckStatus::pass;
    case TierStatus::fail: return CheckStatus::fail;
    case TierStatus::error: return CheckStatus::error;
    case TierStatus::skipped:
    case TierStatus::not_applicable: return CheckStatus::skip;
  }
  return CheckStatus::error;
}

}  // namespace

std::string xml_safe(std::string_view text) {
  std::string repaired = harness::repair_utf8(harness::strip_ansi(text));
  std::string out;
  out.reserve(repaired.size());
  harness::for_each_code_point(repaired, [&](char32_t code, std::string_view bytes) {
    if (allowed_in_xml(code)) out.append(bytes);
  });
  return out;
}

harness::Status write_junit(const RunReport& report, const std::filesystem::path& dir,
                            const harness::Redactor& redactor) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return harness::make_error(harness::ErrorKind::infra, "cannot create " + dir.string() + ": " + ec.message());
  auto save = [&](SuiteWriter& writer, const std::string& stem) { return writer.save(dir / (stem + ".xml")); };
  const std::string prefix = "ccci." + report.recipe + ".";
  for (const auto& tier : report.tiers) {
    std::string tier_name(to_string(tier.tier));
    std::map<CheckSource, std::vector<const CheckOutcome*>> by_source;
    for (const auto& check : tier.checks) by_source[check.source].push_back(&check);
    if (by_source.empty()) {
      // No checks ran: the tier itself is the one visible result, with its reason.
      SuiteWriter writer(report, tier_name + ".generic", redactor);
      writer.add(prefix + tier_name + ".generic", tier_name, status_of_tier(tier.status), tier.reason, {},
                 tier.duration, report.evidence.files);
      CCCI_TRY_STATUS(save(writer, tier_name + "__generic"));
      continue;
    }
    for (const auto& [source, checks] : by_source) {
      std::string source_name(to_string(source));
      SuiteWriter writer(report, tier_name + "." + source_name, redactor);
      for (const auto* check : checks) {
        writer.add(prefix + tier_name + "." + source_name, check->name, check->status, check->message, check->detail,
                   check->duration, report.evidence.files, check->artifacts);
        if (check->flaky) writer.mark_flaky(check->name, check->message + "\n\n" + check->detail);
      }
      CCCI_TRY_STATUS(save(writer, tier_name + "__" + source_name));
    }
  }
  SuiteWriter teardown(report, "teardown.generic", redactor);
  std::string residue;
  for (const auto& item : report.teardown.residue) residue += item + "\n";
  // Kept for debugging (--keep-on-failure): not run, so not judged; the tiers carry the verdict.
  CheckStatus status = report.teardown.kept    ? CheckStatus::skip
                       : report.teardown.clean ? CheckStatus::pass
                                               : CheckStatus::error;
  teardown.add(prefix + "teardown.generic", "teardown", status, report.teardown.message, residue,
               report.teardown.duration);
  return save(teardown, "teardown__generic");
}

}  // namespace ccci::runner
