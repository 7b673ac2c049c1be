#include "runner/reports.hpp"

#include <fstream>

#include "runner/junit.hpp"
#include "runner/results_json.hpp"
#include "runner/summary.hpp"

namespace ccci::runner {

harness::Status write_reports(const RunReport& report, const std::filesystem::path& out, const harness::Redactor& redactor) {
  CCCI_TRY_STATUS(write_junit(report, out / "junit", redactor));
  CCCI_TRY_STATUS(write_results_json(report, out / "results.json", redactor));
  std::ofstream summary(out / "summary.md", std::ios::binary);
  summary << redactor.redact(render_summary_markdown(report));
  if (!summary) return harness::make_error(harness::ErrorKind::infra, "cannot write " + (out / "summary.md").string());
  return harness::ok_status();
}

}  // namespace ccci::runner
