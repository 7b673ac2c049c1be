#include "runner/browser_check.hpp"

#include <boost/json.hpp>
#include <string_view>

#include "harness/filesystem.hpp"
#include "harness/text.hpp"
#include "runner/script_facts.hpp"

namespace ccci::runner {
namespace {

namespace json = boost::json;

constexpr std::string_view result_tag = "browser-result";
constexpr size_t message_bytes = 600;
constexpr size_t output_end_bytes = 400;
constexpr size_t listed_bytes = 300;  // one console error or failed request in the detail

CheckOutcome outcome(const std::string& name, CheckStatus status, std::string message, std::string detail = {}) {
  return CheckOutcome{name, CheckSource::overlay, status, std::move(message), std::move(detail), {}, {}};
}

/// A value from the page (hostile: the app writes its console) for a message: control characters
/// escaped, cut at `max_bytes`; printable()'s escaping without its surrounding quotes.
std::string shown(std::string_view value, size_t max_bytes) {
  std::string text = harness::printable(value, max_bytes);
  return text.size() >= 2 ? text.substr(1, text.size() - 2) : text;
}

/// The last line of stdout that is a JSON object tagged as the runner's result; a flow may print
/// what it likes before it.
std::optional<json::object> result_line(const std::string& out) {
  size_t end = out.size();
  while (end > 0) {
    size_t start = out.rfind('\n', end - 1);
    size_t from = start == std::string::npos ? 0 : start + 1;
    std::string_view line(out.data() + from, end - from);
    if (!line.empty() && line.front() == '{') {
      json::error_code error;
      json::value value = json::parse(line, error);
      if (!error && value.is_object()) {
        const auto* tag = value.as_object().if_contains("ccci");
        if (tag && tag->is_string() && tag->as_string() == result_tag) return value.as_object();
      }
    }
    if (start == std::string::npos) break;
    end = start;
  }
  return std::nullopt;
}

std::string string_field(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value && value->is_string() ? std::string(value->as_string()) : std::string();
}

std::vector<std::string> strings_field(const json::object& object, std::string_view key) {
  std::vector<std::string> out;
  const auto* value = object.if_contains(key);
  if (!value || !value->is_array()) return out;
  for (const auto& item : value->as_array()) {
    if (item.is_string()) out.emplace_back(item.as_string());
  }
  return out;
}

/// A screenshot path the runner reported, kept only when it is a plain relative path under
/// artifacts/: the node side is ours, but the flow it ran is the recipe's.
bool is_artifact_path(const std::string& path) {
  if (path.rfind("artifacts/", 0) != 0) return false;
  for (const auto& part : harness::split(path, '/')) {
    if (part.empty() || part == "." || part == "..") return false;
  }
  return true;
}

}  // namespace

BrowserSettings browser_settings(const harness::Environment& env, std::filesystem::path out) {
  BrowserSettings settings;
  auto runner = env.find("CCCI_BROWSER_RUNNER");
  settings.runner = runner != env.end() && !runner->second.empty() ? runner->second : CCCI_DEFAULT_BROWSER_RUNNER;
  auto chromium = env.find("CCCI_CHROMIUM");
  settings.chromium = chromium != env.end() && !chromium->second.empty() ? chromium->second : "/usr/bin/chromium";
  settings.out = std::move(out);
  settings.env = env;
  return settings;
}

BrowserCheckRunner::BrowserCheckRunner(BrowserSettings settings, harness::ProcessRunner& processes,
                                       const harness::Redactor& redactor)
    : settings_(std::move(settings)), processes_(processes), redactor_(redactor) {}

CheckOutcome BrowserCheckRunner::run(const std::string& name, Tier tier, const BrowserCheck& check,
                                     const std::filesystem::path& spec_dir, std::chrono::milliseconds timeout) {
  auto flow = harness::absolute_path(spec_dir / check.path);
  if (!flow.ok()) return outcome(name, CheckStatus::error, flow.error().message);
  auto out = harness::absolute_path(settings_.out);
  if (!out.ok()) return outcome(name, CheckStatus::error, out.error().message);
  const std::string prefix = "artifacts/" + std::string(to_string(tier)) + "/" + name;
  auto made = harness::make_directories(*out / prefix);
  if (!made.ok()) return outcome(name, CheckStatus::error, made.error().message);

  harness::Command command;
  command.argv = {settings_.node, settings_.runner.string()};
  command.env = settings_.env;
  command.env["CCCI_FLOW"] = flow->string();
  command.env["CCCI_DOMAIN"] = settings_.domain;
  command.env["CCCI_URL"] = "https://" + settings_.domain;
  command.env["CCCI_STACK"] = settings_.stack;
  command.env["CCCI_CHROMIUM"] = settings_.chromium.string();
  command.env["CCCI_ARTIFACT_DIR"] = (*out / prefix).string();
  command.env["CCCI_ARTIFACT_PREFIX"] = prefix;
  command.env["CCCI_FLOW_TIMEOUT_MS"] = std::to_string(timeout.count());
  auto facts = deps_file(*out);  // the flow's facts.deps; secrets stay in their files
  if (!facts.ok()) return outcome(name, CheckStatus::error, facts.error().message);
  command.env["CCCI_DEPS_FILE"] = facts->string();
  // Never let playwright-core fetch a browser: Debian's Chromium is the only one.
  command.env["PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"] = "1";
  command.env["PLAYWRIGHT_BROWSERS_PATH"] = "0";
  command.cwd = settings_.runner.parent_path();
  command.timeout = timeout + launch_grace;
  auto done = processes_.run(command);
  if (!done.ok())
    return outcome(name, CheckStatus::error, "node could not run " + flow->string() + ": " + done.error().message);
  return judge(name, check.path.string(), *done);
}

CheckOutcome BrowserCheckRunner::judge(const std::string& name, const std::string& flow,
                                       const harness::Completion& done) const {
  auto result = done.timed_out ? std::nullopt : result_line(done.out);
  std::string output = redactor_.redact(done.out + (done.err.empty() ? "" : "\nstderr:\n" + done.err));
  if (!result) {
    std::string end = harness::last_lines(output, 5, output_end_bytes);
    return outcome(name, CheckStatus::error,
                   flow + ": the browser runner gave no result (" + done.describe() + ")" +
                       (end.empty() ? "" : "; output ends " + harness::printable(end, output_end_bytes + 3)),
                   harness::last_lines(output, 200, 20000));
  }
  std::string status = string_field(*result, "status");
  CheckStatus judged = status == "pass" ? CheckStatus::pass : status == "fail" ? CheckStatus::fail : CheckStatus::error;
  std::string message;
  if (judged != CheckStatus::pass) {
    message = flow + ": " + shown(redactor_.redact(string_field(*result, "message")), message_bytes);
  }
  std::string detail;
  for (const auto& [key, title] :
       {std::pair{"console_errors", "console errors"}, std::pair{"failed_requests", "failed requests"},
        std::pair{"navigation_retries", "navigations retried"}}) {
    auto items = strings_field(*result, key);
    if (items.empty()) continue;
    detail += std::string(title) + ":\n";
    for (const auto& item : items) detail += "  " + shown(redactor_.redact(item), listed_bytes) + "\n";
  }
  CheckOutcome judged_outcome = outcome(name, judged, std::move(message), std::move(detail));
  for (const auto& shot : strings_field(*result, "screenshots")) {
    if (is_artifact_path(shot)) judged_outcome.artifacts.push_back(shot);
  }
  return judged_outcome;
}

}  // namespace ccci::runner
