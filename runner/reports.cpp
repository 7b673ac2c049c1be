#include "runner/reports.hpp"

#include "harness/atomic_file.hpp"

#include "runner/junit.hpp"
#include "runner/results_json.hpp"
#include "runner/summary.hpp"

namespace ccci::runner {

harness::Status write_reports(const RunReport& report, const std::filesystem::path& out,
                              const harness::Redactor& redactor) {
  CCCI_TRY_STATUS(write_junit(report, out / "junit", redactor));
  CCCI_TRY_STATUS(write_results_json(report, out / "results.json", redactor));
  return harness::write_file_atomically(out / "summary.md", redactor.redact(render_summary_markdown(report)));
}

}  // namespace ccci::runner
