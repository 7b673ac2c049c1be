#include "runner/last_green_command.hpp"

#include "runner/upgrade_base.hpp"

namespace ccci::runner {
namespace {

int failed(std::ostream& err, const harness::Error& error) {
  err << "ccci-run: " << error.message << "\n";
  return error.kind == harness::ErrorKind::usage || error.kind == harness::ErrorKind::spec ? 2 : 3;
}

std::string or_unknown(const std::string& value) { return value.empty() ? "unknown (not recorded)" : value; }

}  // namespace

int run_last_green(const Config& config, std::ostream& out, std::ostream& err) {
  LastGreenStore store(config.state_dir / "last-green");
  if (config.clear_last_green) {
    auto cleared = store.clear(config.recipe);
    if (!cleared.ok()) return failed(err, cleared.error());
    out << (*cleared ? "cleared the last-green record of " + config.recipe + " (" +
                           store.file_of(config.recipe).string() + ")"
                     : "no last-green record for " + config.recipe)
        << "\n";
    return 0;
  }
  auto record = store.read(config.recipe);
  if (!record.ok()) return failed(err, record.error());
  if (!*record) {
    out << "no last-green record for " << config.recipe << "\n";
    return 0;
  }
  const LastGreen& green = **record;
  out << "last-green " << config.recipe << ": " << green.version << " @ " << green.commit << "\n"
      << "  run       " << or_unknown(green.run_id) << "\n"
      << "  recorded  " << or_unknown(green.recorded_at) << "\n"
      << "  file      " << store.file_of(config.recipe).string() << "\n";
  return 0;
}

}  // namespace ccci::runner
