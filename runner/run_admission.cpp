#include "runner/run_admission.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <system_error>

#include "harness/filesystem.hpp"
#include "harness/poll.hpp"

namespace ccci::runner {
namespace {

using harness::ErrorKind;
using harness::FileLock;
using harness::PollResult;
using harness::ProbeReport;
using harness::Result;
using std::chrono::milliseconds;

/// What a holder writes into its claim file, for the runs that find it held.
std::string holder_note(const AdmissionRequest& request) {
  return request.run_id + " " + std::to_string(request.pid) + "\n";
}

std::string read_small_file(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string text(256, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

/// The lock of `file` when it is free and `file` still names it, nullopt when another run holds
/// it (or released and unlinked it under us: the next probe tries the new file).
Result<std::optional<FileLock>> claim(const std::filesystem::path& file, const std::string& note) {
  CCCI_TRY(auto attempt, harness::try_lock(file, harness::CreateFile::yes));
  if (!attempt.acquired()) return std::optional<FileLock>();
  FileLock lock = std::move(attempt).take();
  CCCI_TRY(bool named, lock.still_names_locked_file());
  if (!named) return std::optional<FileLock>();
  if (!note.empty()) CCCI_TRY_STATUS(lock.replace_contents(note));
  return std::optional<FileLock>(std::move(lock));
}

std::string describe_subject(const AdmissionRequest& request) {
  return request.recipe + (request.pr ? " PR " + std::to_string(*request.pr) : " (no PR)");
}

std::string describe_seconds(milliseconds duration) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(duration).count()) + "s";
}

milliseconds remaining_of(const AdmissionRequest& request, harness::Clock& clock,
                          std::chrono::steady_clock::time_point start) {
  auto spent = std::chrono::duration_cast<milliseconds>(clock.now() - start);
  return std::max(milliseconds::zero(), milliseconds(request.wait) - spent);
}

harness::PollOptions poll_options(const AdmissionRequest& request, milliseconds timeout) {
  return {timeout, std::min(milliseconds(100), request.max_poll_wait), request.max_poll_wait};
}

/// The end of a wait that did not get its claim: the probe's own error, the interrupt, or the
/// bound's infrastructure error built by `timed_out`.
template <typename TimedOut>
harness::Error wait_error(const PollResult& result, const std::optional<harness::Error>& problem, std::string_view what,
                          TimedOut timed_out) {
  if (problem) return *problem;
  if (result.end == PollResult::End::interrupted) return harness::to_status(result, what).error();
  return timed_out();
}

Result<HeldClaim> wait_for_subject(const AdmissionRequest& request, harness::Clock& clock, milliseconds bound,
                                   const std::function<void(const std::string&)>& say) {
  auto file = subject_lock_path(request.state_dir, request.recipe, request.pr);
  CCCI_TRY_STATUS(harness::make_directories(file.parent_path()));
  std::optional<FileLock> taken;
  std::optional<harness::Error> problem;
  std::string holder;
  auto probe = [&] {
    auto got = claim(file, holder_note(request));
    if (!got.ok()) {
      problem = got.error();
      return ProbeReport::failed(got.error().message);
    }
    if (*got) {
      taken = std::move(*got);
      return ProbeReport::done();
    }
    bool first = holder.empty();
    holder = describe_holder(file);
    if (first) say("waiting for " + holder + " of " + describe_subject(request) + ", up to " + describe_seconds(bound));
    return ProbeReport::pending(holder + " holds " + file.string());
  };
  auto result = harness::poll_until(clock, poll_options(request, bound), probe);
  if (result.done()) return HeldClaim(std::move(*taken));
  return wait_error(result, problem, "the lock of " + describe_subject(request), [&] {
    return harness::make_error(ErrorKind::infra, describe_subject(request) + " is being run by " + holder +
                                                     ": still running after waiting " + describe_seconds(bound) +
                                                     " (CCCI_LOCK_WAIT) for its lock " + file.string());
  });
}

/// A ticket in the queue: the counter taken under queue/counter.lock, the ticket made under a
/// name no reader lists and locked before it is renamed into place, so no reader ever sees a
/// live ticket unlocked.
Result<HeldClaim> take_ticket(const AdmissionRequest& request, harness::Clock& clock) {
  auto queue = request.state_dir / "queue";
  CCCI_TRY_STATUS(harness::make_directories(queue));
  std::optional<FileLock> counter;
  std::optional<harness::Error> problem;
  auto probe = [&] {  // held for microseconds by whoever numbers a ticket
    auto got = claim(queue / "counter.lock", "");
    if (!got.ok()) {
      problem = got.error();
      return ProbeReport::failed(got.error().message);
    }
    if (!*got) return ProbeReport::pending("the queue's counter is being taken");
    counter = std::move(*got);
    return ProbeReport::done();
  };
  auto result = harness::poll_until(clock, {std::chrono::seconds(10), milliseconds(1), milliseconds(50)}, probe);
  if (!result.done()) {
    return wait_error(result, problem, "the queue's counter", [&] {
      return harness::make_error(ErrorKind::infra,
                                 "the queue's counter " + (queue / "counter.lock").string() + " stayed locked for 10s");
    });
  }
  unsigned long long number = 0;
  std::istringstream(read_small_file(counter->path())) >> number;
  ++number;
  CCCI_TRY_STATUS(counter->replace_contents(std::to_string(number) + "\n"));
  char prefix[32];
  std::snprintf(prefix, sizeof prefix, "%020llu", number);
  auto draft = queue / ("." + request.run_id + ".draft");
  auto ticket = queue / (std::string(prefix) + "-" + request.run_id + ".ticket");
  CCCI_TRY(auto drafted, claim(draft, holder_note(request)));
  if (!drafted) return harness::make_error(ErrorKind::infra, "the new ticket " + draft.string() + " is locked");
  if (auto renamed = drafted->rename_to(ticket); !renamed.ok()) {
    HeldClaim unused(std::move(*drafted));  // its release removes the draft
    return renamed.error();
  }
  return HeldClaim(std::move(*drafted));
}

/// How many live tickets come before `mine`; a dead one (its lock free) is removed on the way.
Result<int> live_tickets_before(const std::filesystem::path& mine) {
  std::vector<std::filesystem::path> before;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(mine.parent_path(), error)) {
    const auto& path = entry.path();
    if (path.extension() == ".ticket" && path.filename() < mine.filename()) before.push_back(path);
  }
  if (error) return harness::make_error(ErrorKind::infra, "cannot list the queue " + mine.parent_path().string());
  int live = 0;
  for (const auto& ticket : before) {
    auto attempt = harness::try_lock(ticket, harness::CreateFile::no);
    if (!attempt.ok()) {
      if (attempt.error().kind == ErrorKind::not_found) continue;  // its run was admitted meanwhile
      return attempt.error();
    }
    if (!attempt->acquired()) {
      ++live;
      continue;
    }
    HeldClaim dead(std::move(*attempt).take());  // its waiter died: the claim's release unlinks it
  }
  return live;
}

std::string describe_slot_holders(const AdmissionRequest& request) {
  std::string holders;
  for (int n = 0; n < request.capacity; ++n) {
    holders +=
        (holders.empty() ? "" : ", ") + describe_holder(request.state_dir / "slots" / (std::to_string(n) + ".lock"));
  }
  return holders;
}

struct Slot {
  HeldClaim claim;
  int number;
};

Result<Slot> wait_for_slot(const AdmissionRequest& request, harness::Clock& clock, milliseconds bound,
                           const std::function<void(const std::string&)>& say) {
  auto slots = request.state_dir / "slots";
  CCCI_TRY_STATUS(harness::make_directories(slots));
  CCCI_TRY(HeldClaim ticket, take_ticket(request, clock));
  std::optional<Slot> taken;
  std::optional<harness::Error> problem;
  bool said = false;
  int ahead = 0;
  auto probe = [&] {
    auto before = live_tickets_before(ticket.path());
    if (!before.ok()) {
      problem = before.error();
      return ProbeReport::failed(before.error().message);
    }
    ahead = *before;
    for (int n = 0; ahead == 0 && n < request.capacity; ++n) {
      auto got = claim(slots / (std::to_string(n) + ".lock"), holder_note(request));
      if (!got.ok()) {
        problem = got.error();
        return ProbeReport::failed(got.error().message);
      }
      if (*got) {
        taken = Slot{HeldClaim(std::move(**got)), n};
        return ProbeReport::done();
      }
    }
    std::string state = "the host is at capacity (" + std::to_string(request.capacity) +
                        " runs, CCCI_CAPACITY), its slots held by " + describe_slot_holders(request) +
                        (ahead > 0 ? "; " + std::to_string(ahead) + " run(s) queued before this one" : "");
    if (!said) say("waiting for a slot: " + state + "; up to " + describe_seconds(bound));
    said = true;
    return ProbeReport::pending(state);
  };
  auto result = harness::poll_until(clock, poll_options(request, bound), probe);
  if (result.done()) return std::move(*taken);
  return wait_error(result, problem, "a slot on the host", [&] {
    return harness::make_error(ErrorKind::infra, result.last_message + ": still full after waiting " +
                                                     describe_seconds(milliseconds(request.wait)) +
                                                     " (CCCI_LOCK_WAIT)");
  });
}

bool is_run_id(std::string_view text) {
  return !text.empty() && text.size() <= 120 && std::all_of(text.begin(), text.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-';
  });
}

}  // namespace

HeldClaim& HeldClaim::operator=(HeldClaim&& other) noexcept {
  if (this != &other) {
    release();
    lock_ = std::exchange(other.lock_, std::nullopt);
  }
  return *this;
}

void HeldClaim::release() {
  if (!lock_) return;
  // Unlinked while still locked: a run that opened the file meanwhile sees it is no longer named.
  if (auto named = lock_->still_names_locked_file(); named.ok() && *named) {
    std::error_code ignored;
    std::filesystem::remove(lock_->path(), ignored);
  }
  lock_.reset();
}

std::filesystem::path subject_lock_path(const std::filesystem::path& state_dir, const std::string& recipe,
                                        std::optional<int> pr) {
  return state_dir / "locks" / (recipe + (pr ? "-pr" + std::to_string(*pr) : "-default") + ".lock");
}

std::string describe_holder(const std::filesystem::path& claim_file) {
  std::istringstream note(read_small_file(claim_file));
  std::string run_id;
  std::string pid;
  note >> run_id >> pid;
  bool pid_ok = !pid.empty() && pid.size() <= 10 &&
                std::all_of(pid.begin(), pid.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
  if (!is_run_id(run_id) || !pid_ok) return "a run that has not named itself yet";
  return "run " + run_id + " (pid " + pid + ")";
}

std::vector<std::string> sweep_dead_claims(const std::filesystem::path& state_dir) {
  std::vector<std::string> lines;
  for (const char* sub : {"locks", "slots", "queue"}) {
    std::error_code error;
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(state_dir / sub, error)) {
      if (entry.is_regular_file(error)) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& path : files) {
      auto name = path.filename().string();
      bool claim_file = path.extension() == ".lock" || path.extension() == ".ticket" || path.extension() == ".draft";
      if (!claim_file || name == "counter.lock") continue;
      auto attempt = harness::try_lock(path, harness::CreateFile::no);
      if (!attempt.ok() || !attempt->acquired()) continue;  // gone meanwhile, or a live run's
      std::string holder = describe_holder(path);
      HeldClaim dead(std::move(*attempt).take());
      dead.release();
      if (!std::filesystem::exists(path, error)) lines.push_back("removed " + path.string() + ", left by " + holder);
    }
  }
  return lines;
}

Result<Admission> admit_run(const AdmissionRequest& request, harness::Clock& clock,
                            const std::function<void(const std::string&)>& say) {
  const auto start = clock.now();
  Admission admission;
  CCCI_TRY(auto subject, wait_for_subject(request, clock, milliseconds(request.wait), say));
  admission.subject = std::move(subject);
  if (request.capacity <= 0) return admission;
  CCCI_TRY(auto slot, wait_for_slot(request, clock, remaining_of(request, clock, start), say));
  admission.slot = std::move(slot.claim);
  admission.slot_number = slot.number;
  return admission;
}

}  // namespace ccci::runner
