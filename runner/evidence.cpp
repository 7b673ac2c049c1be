#include "runner/evidence.hpp"

#include <algorithm>
#include <fstream>
#include <future>
#include <sstream>

#include "harness/atomic_file.hpp"
#include "harness/text.hpp"

namespace ccci::runner {
namespace {

using std::chrono::milliseconds;

struct ServiceEvidence {
  harness::Result<std::string> tasks = std::string();
  harness::Result<std::string> logs = std::string();
};

/// `text` cut to at most `max_bytes`, keeping its end (where a failure shows), marked when cut.
std::string keep_end(std::string text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::string marker = "[... the first " + std::to_string(text.size() - max_bytes) + " bytes are cut ...]\n";
  return marker + text.substr(text.size() - max_bytes);
}

/// A file name from a directory listing, reduced to characters that are safe everywhere.
std::string safe_file_name(const std::string& name) {
  std::string safe;
  for (char c : name) {
    bool plain = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
    safe += plain ? c : '_';
  }
  if (safe.empty() || safe.front() == '.') safe.insert(0, "_");
  return safe.substr(0, 200);
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class Collector {
 public:
  Collector(harness::Clock& clock, const harness::Redactor& redactor, const EvidenceSettings& settings)
      : clock_(clock), redactor_(redactor), settings_(settings), deadline_(clock.now() + settings.budget) {}

  milliseconds left() const {
    return std::max(milliseconds::zero(), std::chrono::duration_cast<milliseconds>(deadline_ - clock_.now()));
  }
  milliseconds call_timeout() const { return std::min(settings_.call_timeout, left()); }

  /// Writes OUT/evidence/<relative>, redacted, cut, within the total bound.
  void write(const std::string& relative, const std::string& text) {
    std::string content = keep_end(redactor_.redact(text), settings_.max_file_bytes);
    if (written_bytes_ + content.size() > settings_.max_total_bytes) {
      note("evidence/" + relative + " not written: the evidence would exceed " +
           std::to_string(settings_.max_total_bytes) + " bytes");
      return;
    }
    auto done = harness::write_file_atomically(settings_.out / "evidence" / relative, content);
    if (!done.ok()) {
      note(done.error().message);
      return;
    }
    written_bytes_ += content.size();
    evidence_.files.push_back("evidence/" + relative);
  }

  void note(std::string text) { evidence_.notes.push_back(redactor_.redact(text)); }
  Evidence take() { return std::move(evidence_); }

 private:
  harness::Clock& clock_;
  const harness::Redactor& redactor_;
  const EvidenceSettings& settings_;
  std::chrono::steady_clock::time_point deadline_;
  std::size_t written_bytes_ = 0;
  Evidence evidence_;
};

void collect_services(harness::DockerDriver& docker, Collector& collector, const EvidenceSettings& settings,
                      const std::vector<std::string>& services) {
  if (services.empty()) {
    collector.note("the stack has no services to show");
    return;
  }
  std::vector<std::future<ServiceEvidence>> queries;
  for (const auto& service : services) {
    milliseconds timeout = collector.call_timeout();
    queries.push_back(std::async(std::launch::async, [&docker, &settings, service, timeout] {
      ServiceEvidence found;
      if (timeout <= milliseconds::zero()) {
        found.tasks = found.logs =
            harness::make_error(harness::ErrorKind::timeout, "the evidence budget ran out first");
        return found;
      }
      found.tasks = docker.service_tasks(service, timeout);
      found.logs = docker.service_logs(service, settings.log_lines, timeout);
      return found;
    }));
  }
  std::string tasks;
  for (std::size_t i = 0; i < services.size(); ++i) {
    ServiceEvidence found = queries[i].get();
    const std::string& service = services[i];
    tasks += "## " + service + "\n";
    if (found.tasks.ok()) {
      tasks += *found.tasks + "\n";
    } else {
      tasks += "(not available: " + found.tasks.error().message + ")\n\n";
      collector.note("tasks of " + service + ": " + found.tasks.error().message);
    }
    if (found.logs.ok()) {
      collector.write("logs/" + safe_file_name(service) + ".log", *found.logs);
    } else {
      collector.note("logs of " + service + ": " + found.logs.error().message);
    }
  }
  collector.write("tasks.txt", tasks);
}

void collect_abra_logs(Collector& collector, const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    collector.note("abra wrote no logs (no " + dir.string() + ")");
    return;
  }
  std::vector<std::filesystem::path> files;
  // Iterated with error codes throughout: a range-for's increment throws filesystem_error.
  std::filesystem::directory_iterator entry(dir, ec), end;
  for (; !ec && entry != end; entry.increment(ec)) {
    std::error_code unreadable;
    if (entry->is_regular_file(unreadable)) files.push_back(entry->path());
  }
  if (ec) collector.note("abra's logs in " + dir.string() + " cannot all be listed: " + ec.message());
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    if (collector.left() <= milliseconds::zero()) {
      collector.note("abra's logs from " + file.filename().string() + " on: the evidence budget ran out");
      return;
    }
    collector.write("abra/" + safe_file_name(file.filename().string()), read_file(file));
  }
}

}  // namespace

Evidence collect_evidence(harness::DockerDriver& docker, harness::Clock& clock, const harness::Redactor& redactor,
                          const EvidenceSettings& settings, const EvidenceSources& sources) {
  Collector collector(clock, redactor, settings);
  collect_services(docker, collector, settings, sources.services);
  collect_abra_logs(collector, sources.abra_logs);
  if (collector.left() <= milliseconds::zero()) {
    collector.note("the evidence budget of " + harness::format_duration(settings.budget) + " ran out");
  }
  return collector.take();
}

}  // namespace ccci::runner
