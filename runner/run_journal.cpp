#include "runner/run_journal.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>

#include "harness/docker.hpp"
#include "harness/text.hpp"

namespace ccci::runner {
namespace {

using harness::ErrorKind;
using harness::make_error;

constexpr std::string_view journal_version = "ccci-run-journal 1";

long long seconds_since_epoch(WallTime time) {
  return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

std::optional<long long> number(std::string_view text) {
  long long value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

/// Shown in a refusal: quoted, control characters as \xNN, cut after 80 bytes.
std::string shown(std::string_view text) { return harness::quoted(text, '\'', 80); }

bool is_lower_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

/// The directory's refusal, or nullopt when it may be removed: absolute, lexically at or below
/// one of the run's own places, and the same path once every symlink is resolved.
std::optional<std::string> refuse_directory(const std::filesystem::path& dir, const std::string& run_id,
                                            const std::filesystem::path& state_dir) {
  if (!dir.is_absolute()) return "not an absolute path";
  std::filesystem::path clean = dir.lexically_normal();
  if (!clean.has_filename()) clean = clean.parent_path();  // a trailing '/'
  std::filesystem::path relative = clean.lexically_relative(state_dir.lexically_normal());
  std::vector<std::string> parts;
  for (const auto& part : relative) parts.push_back(part.string());
  auto below = [&](std::vector<std::string> place) {
    return parts.size() >= place.size() && std::equal(place.begin(), place.end(), parts.begin());
  };
  if (!below({"runs", run_id}) && !below({"abra", "runs", run_id}))
    return "outside the run's own places in the state dir (runs/" + run_id + ", abra/runs/" + run_id + ")";
  std::error_code error;
  auto state = std::filesystem::weakly_canonical(state_dir, error);
  if (error) return "the state dir cannot be resolved: " + error.message();
  auto resolved = std::filesystem::weakly_canonical(clean, error);
  if (error) return "cannot be resolved: " + error.message();
  if (resolved != state / relative) return "a symlink leads elsewhere (" + resolved.string() + ")";
  return std::nullopt;
}

}  // namespace

std::string utc_text(WallTime time) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm parts{};
  ::gmtime_r(&seconds, &parts);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return buffer;
}

std::string nonce_of(const std::string& run_id) {
  auto dash = run_id.rfind('-');
  return dash == std::string::npos ? "" : run_id.substr(dash + 1);
}

harness::Result<RunJournal> RunJournal::create(const std::filesystem::path& file, const RunIdentity& identity) {
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return make_error(ErrorKind::infra, "cannot create the run journal " + file.string() + ": " + std::strerror(errno));
  RunJournal journal(file, fd);
  CCCI_TRY_STATUS(journal.append("ccci-run-journal", "1"));
  CCCI_TRY_STATUS(journal.append("run", identity.run_id));
  CCCI_TRY_STATUS(journal.append("recipe", identity.recipe));
  CCCI_TRY_STATUS(journal.append("pr", identity.pr ? std::to_string(*identity.pr) : "-"));
  CCCI_TRY_STATUS(journal.append("pid", std::to_string(identity.pid)));
  CCCI_TRY_STATUS(journal.append("started", std::to_string(seconds_since_epoch(identity.started))));
  CCCI_TRY_STATUS(journal.append("expires", std::to_string(seconds_since_epoch(identity.expires))));
  return journal;
}

RunJournal::RunJournal(RunJournal&& other) noexcept
    : file_(std::move(other.file_)), fd_(std::exchange(other.fd_, -1)) {}

RunJournal::~RunJournal() {
  if (fd_ >= 0) ::close(fd_);
}

harness::Status RunJournal::record_stack(const std::string& stack) { return append("stack", stack); }

harness::Status RunJournal::record_directory(const std::filesystem::path& dir) { return append("dir", dir.string()); }

harness::Status RunJournal::record_kept() { return append("kept", "for-debugging"); }

harness::Status RunJournal::append(const std::string& key, const std::string& value) {
  if (harness::has_control_characters(value))
    return make_error(ErrorKind::infra, "refusing to journal " + key + " " + shown(value) + ": control characters");
  // One write of the whole line, then fsync: a kill after this call leaves the line readable.
  std::string line = key + " " + value + "\n";
  ssize_t written = 0;
  do {
    written = ::write(fd_, line.data(), line.size());
  } while (written < 0 && errno == EINTR);
  bool whole = written == static_cast<ssize_t>(line.size());
  if (written >= 0 && !whole) {
    return make_error(ErrorKind::infra,
                      "cannot append to the run journal " + file_.string() + ": short write (the disk may be full)");
  }
  if (written < 0 || ::fsync(fd_) != 0) {
    return make_error(ErrorKind::infra,
                      "cannot append to the run journal " + file_.string() + ": " + std::strerror(errno));
  }
  return harness::ok_status();
}

JournalContent parse_journal(std::string_view text) {
  JournalContent content;
  int number_of_line = 0;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) break;  // a torn last line: the writer died mid-write
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++number_of_line;
    auto refuse = [&](const std::string& why) {
      content.refused.push_back("line " + std::to_string(number_of_line) + ": " + why);
    };
    if (harness::has_control_characters(line)) {
      refuse("control characters in " + shown(line));
      continue;
    }
    size_t space = line.find(' ');
    std::string_view key = line.substr(0, space);
    std::string value(space == std::string_view::npos ? std::string_view() : line.substr(space + 1));
    if (number_of_line == 1) {
      if (line != journal_version) refuse("not a ccci run journal (" + shown(line) + ")");
      continue;
    }
    if (key == "run") {
      content.run_id = value;
    } else if (key == "pid") {
      if (auto pid = number(value); pid && *pid > 0)
        content.pid = static_cast<long>(*pid);
      else
        refuse("pid " + shown(value) + " is not a process id");
    } else if (key == "expires") {
      if (auto seconds = number(value))
        content.expires = WallTime(std::chrono::seconds(*seconds));
      else
        refuse("expires " + shown(value) + " is not seconds since the epoch");
    } else if (key == "stack") {
      content.stacks.push_back(value);
    } else if (key == "dir") {
      content.directories.push_back(value);
    } else if (key == "kept") {
      if (value == "for-debugging")
        content.kept = true;
      else
        refuse("kept " + shown(value) + " is not 'for-debugging'");
    } else if (key != "recipe" && key != "pr" && key != "started") {
      refuse("unknown entry " + shown(line));
    }
  }
  return content;
}

harness::Result<JournalContent> read_journal(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in.is_open()) return make_error(ErrorKind::infra, "cannot open the run journal " + file.string());
  std::ostringstream text;
  if (in.peek() != std::ifstream::traits_type::eof()) text << in.rdbuf();
  if (in.bad()) return make_error(ErrorKind::infra, "cannot read the run journal " + file.string());
  return parse_journal(text.str());
}

VettedJournal vet_journal(const JournalContent& content, const std::string& run_id,
                          const std::filesystem::path& state_dir) {
  VettedJournal vetted;
  vetted.refused = content.refused;
  std::string nonce = nonce_of(run_id);
  bool nonce_ok = nonce.size() == 6 && std::all_of(nonce.begin(), nonce.end(), is_lower_hex);
  std::optional<std::string> whole_refusal;
  if (!nonce_ok)
    whole_refusal = "the run id " + shown(run_id) + " carries no nonce";
  else if (!content.run_id)
    whole_refusal = "the journal names no run";
  else if (*content.run_id != run_id)
    whole_refusal = "the journal names run " + shown(*content.run_id) + ", its directory " + shown(run_id);
  for (const auto& stack : content.stacks) {
    if (whole_refusal) {
      vetted.refused.push_back("stack " + shown(stack) + ": " + *whole_refusal);
    } else if (auto valid = harness::validate_docker_name("stack", stack, "_-.", 63); !valid.ok()) {
      vetted.refused.push_back("stack " + shown(stack) + ": " + valid.error().message);
    } else if (stack.find("-" + nonce) == std::string::npos) {
      vetted.refused.push_back("stack " + shown(stack) + ": not named with the run's nonce " + nonce);
    } else {
      vetted.stacks.push_back(stack);
    }
  }
  for (const auto& dir : content.directories) {
    auto refusal = whole_refusal ? whole_refusal : refuse_directory(dir, run_id, state_dir);
    if (refusal)
      vetted.refused.push_back("directory " + shown(dir) + ": " + *refusal);
    else
      vetted.directories.emplace_back(dir);
  }
  return vetted;
}

}  // namespace ccci::runner
