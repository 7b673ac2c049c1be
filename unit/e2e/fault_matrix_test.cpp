// The fault-injection matrix of issue 12 on the testbed. Each test injects one fault into a real
// ccci-run — a signal during a tier, a second signal during teardown, a child that ignores
// SIGTERM, a deploy that never converges, an OUT that is read-only or full — and records one row:
// the exit code against the one the row expects, the teardown's outcome, the residue (the docker
// objects of the run's stack by name and by namespace label, the run's abra home under its own
// state dir, anything left in its own TMPDIR) and the secret leaks (every form of every secret
// abra generated for the run, in every file of OUT and in ccci-run's output). The table is
// printed on stdout when the test binary ends. A run killed with SIGKILL counts with the next run
// of its recipe and PR, which reaps what it left. Three rows run a second ccci-run beside the first:
// a second run of the same recipe and PR (it waits, then gives up naming the first; or is stopped
// with SIGTERM while it waits) and a capacity of 1 (the second waits for the first to end). Not
// here: dockerd restarted mid-run, as the testbed's daemon is shared by every test and helper.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <boost/json/parse.hpp>

#include "harness/text.hpp"
#include "unit/e2e/lifecycle.hpp"
#include "unit/e2e/testbed.hpp"

namespace ccci::e2e {
namespace {

using namespace std::chrono_literals;

const std::filesystem::path source_dir = CCCI_SOURCE_DIR;
const std::filesystem::path binary_dir = CCCI_BINARY_DIR;

/// One line of the matrix.
struct Row {
  std::string fault;
  int exit_code = -1;
  int expected_exit = -1;
  std::string teardown;
  size_t residue = 0;
  size_t leaks = 0;
  std::string scanned;  ///< what the leak count covers: secrets and outputs
};

std::vector<Row>& matrix() {
  static std::vector<Row> rows;
  return rows;
}

/// Prints the matrix once every test has run (the binary's end: under ctest, each test's own).
class MatrixTable : public ::testing::Environment {
 public:
  void TearDown() override {
    if (matrix().empty()) return;
    std::ostringstream table;
    table << "\nfault-injection matrix: fault | exit (expected) | teardown | residue | leaks\n";
    for (const auto& row : matrix()) {
      table << row.fault << " | " << row.exit_code << " (" << row.expected_exit << ") | " << row.teardown << " | "
            << row.residue << " | " << row.leaks << " (" << row.scanned << ")\n";
    }
    std::cout << table.str() << std::flush;
  }
};

[[maybe_unused]] ::testing::Environment* const matrix_table =
    ::testing::AddGlobalTestEnvironment(new MatrixTable);  // gtest owns it

/// "clean in 4.2 s", "NOT clean …", from ccci-run's `[tier] teardown:` line; else why there is none.
std::string teardown_of(const std::string& output) {
  const std::string marker = "[tier] teardown: ";
  for (auto at = output.find(marker); at != std::string::npos; at = output.find(marker, at + 1)) {
    auto start = at + marker.size();
    std::string line = output.substr(start, output.find('\n', start) - start);
    if (line != "started") return line;
  }
  return output.find("[tier] ") == std::string::npos ? "none: stopped before any tier" : "did not run";
}

/// A fault matrix row: one ccci-run of fixture-db with its own state dir (FixtureCopy), its own
/// TMPDIR and an abra that records the secrets the stand-in generates, so residue and leaks are
/// this run's alone.
class FaultMatrix : public FixtureCopy {
 protected:
  FaultMatrix() { recipe_ = "fixture-db"; }

  void SetUp() override {
    FixtureCopy::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    char pattern[] = "/tmp/ccci-e2e-fault-XXXXXX";
    scratch_ = ::mkdtemp(pattern);
    std::filesystem::create_directories(tmp_dir());
    std::filesystem::create_directories(out_dir());
    write_recording_abra();
  }

  void TearDown() override {
    if (last_.plan.is_object()) {  // the stubborn check's record, when the run got to it
      std::string stack(last_.plan.at("domain").as_string());
      std::replace(stack.begin(), stack.end(), '.', '_');
      std::filesystem::remove("/tmp/ccci-e2e-stubborn-" + stack + ".pids");
    }
    for (auto mount = mounts_.rbegin(); mount != mounts_.rend(); ++mount) {
      auto done = e2e::run({"umount", "-l", mount->string()}, 1min);
      EXPECT_EQ(done.exit_code, 0) << done.describe << ": " << done.output;
    }
    if (!scratch_.empty()) std::filesystem::remove_all(scratch_);
    FixtureCopy::TearDown();
  }

  std::filesystem::path tmp_dir() const { return scratch_ / "tmp"; }
  std::filesystem::path out_dir() const { return scratch_ / "out"; }
  std::filesystem::path hold_after_secrets() const { return scratch_ / "hold-after-secrets"; }
  std::filesystem::path secrets_held() const { return scratch_ / "secrets-held"; }
  /// While it exists, `abra app undeploy` succeeds without undeploying anything.
  std::filesystem::path undeploy_does_nothing() const { return scratch_ / "undeploy-does-nothing"; }

  /// A watch for this row: at `line` of ccci-run's output, run `action` (a shell command).
  Watch watch(const std::string& line, const std::string& action,
              const std::filesystem::path& recipes = source_dir / "unit/e2e/specs-faults") const {
    Watch watch;
    watch.recipes_dir = recipes;
    watch.after_line = line;
    watch.capture = action;
    watch.out_dir = out_dir();
    watch.log_file = scratch_ / "ccci-run.log";
    watch.env = {{"TMPDIR", tmp_dir().string()},
                 {"CCCI_STATE_DIR", state_dir_.string()},
                 {"CCCI_ABRA", (scratch_ / "abra").string()}};
    return watch;
  }

  RunResult run_row(const Watch& how, int pr = 1) {
    RunResult result = run_ccci_watched(recipe_, pr, how, captured_);
    last_ = result;
    return result;
  }

  /// Records the row and checks what every row must hold: the exit code it expects, nothing
  /// left behind, no secret in any output.
  /// `earlier`: runs of the row before `result` (a run that was killed): their residue and their
  /// outputs count too.
  void record(const std::string& fault, const RunResult& result, int expected_exit,
              const std::vector<RunResult>& earlier = {}) {
    Row row{fault, result.exit_code, expected_exit, teardown_of(result.output), 0, 0, {}};
    std::vector<std::string> residue;
    std::vector<std::string> scanned;
    std::vector<const RunResult*> runs;
    for (const auto& run : earlier) runs.push_back(&run);
    runs.push_back(&result);
    for (const auto* run : runs) {
      auto left = residue_of(*run);
      residue.insert(residue.end(), left.begin(), left.end());
      row.leaks += leaks_in(*run, scanned.emplace_back());
    }
    std::sort(residue.begin(), residue.end());
    residue.erase(std::unique(residue.begin(), residue.end()), residue.end());
    row.residue = residue.size();
    row.scanned = harness::join(scanned, "; ");
    EXPECT_EQ(result.exit_code, expected_exit) << result.output;
    EXPECT_EQ(residue, std::vector<std::string>{}) << "the run left this behind";
    EXPECT_EQ(row.leaks, 0u) << row.scanned;
    matrix().push_back(row);
  }

  void expect_teardown_clean(const RunResult& result) {
    EXPECT_EQ(teardown_of(result.output).rfind("clean in ", 0), 0u) << result.output;
  }

  /// The docker objects of the run's stack (when it got as far as a plan), any run's abra home
  /// or run directory (journal, lock, planning clone) left in the state dir, anything left in the
  /// run's TMPDIR.
  std::vector<std::string> residue_of(const RunResult& result) const {
    std::vector<std::string> found;
    if (result.plan.is_object()) found = leftovers_of_run(result);
    for (const auto& dir : {state_dir_ / "abra/runs", state_dir_ / "runs", tmp_dir()}) {
      std::error_code absent;
      for (const auto& entry : std::filesystem::directory_iterator(dir, absent)) found.push_back(entry.path().string());
    }
    return found;
  }

  /// The secrets abra generated for this run: the values of the NAME/VALUE tables the recording
  /// abra kept (the stand-in generates 32 alphanumerics; nothing shorter is taken for one).
  std::vector<std::string> generated_secrets() const {
    std::vector<std::string> secrets;
    std::ifstream tables(scratch_ / "generated-secrets");
    for (std::string line; std::getline(tables, line);) {
      std::istringstream words(line);
      std::string name;
      std::string value;
      if (!(words >> name >> value) || name == "NAME" || value.size() < 16) continue;
      if (std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isalnum(c); }))
        secrets.push_back(value);
    }
    return secrets;
  }

  /// How many (output, form) pairs hold a generated secret, each also a test failure.
  size_t leaks_in(const RunResult& result, std::string& scanned) const {
    auto secrets = generated_secrets();
    size_t leaks = 0;
    size_t outputs = 0;
    auto scan = [&](const std::string& where, const std::string& text) {
      ++outputs;
      for (const auto& secret : secrets) {
        auto forms = leaked_forms(secret);  // an alphanumeric secret's two base64 alphabets agree
        std::sort(forms.begin(), forms.end());
        forms.erase(std::unique(forms.begin(), forms.end()), forms.end());
        for (const auto& form : forms) {
          if (text.find(form) == std::string::npos) continue;
          ++leaks;
          ADD_FAILURE() << where << " holds a generated secret as " << form;
        }
      }
    };
    scan("ccci-run's output", result.output);
    std::error_code unreadable;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(result.out_dir, unreadable)) {
      if (entry.is_regular_file()) scan(entry.path().string(), read_text(entry.path()));
    }
    scanned = std::to_string(secrets.size()) + " secret(s), " + std::to_string(outputs) + " outputs";
    return leaks;
  }

  /// Mounts (as `mount` argv, the target last) for this test; unmounted in TearDown. Skips the
  /// test where this host cannot mount.
  void mount(std::vector<std::string> argv) {
    std::filesystem::path target = argv.back();
    argv.insert(argv.begin(), "mount");
    auto done = e2e::run(argv, 1min);
    if (done.exit_code != 0) GTEST_SKIP() << "cannot mount here: " << done.describe << ": " << done.output;
    if (std::find(mounts_.begin(), mounts_.end(), target) == mounts_.end()) mounts_.push_back(target);
  }

  /// OUT as a read-only bind mount of itself (read-only even for root, unlike mode bits).
  void make_out_read_only() {
    mount({"--bind", out_dir().string(), out_dir().string()});
    if (IsSkipped()) return;
    mount({"-o", "remount,bind,ro", out_dir().string()});
  }

  /// The abra ccci runs: the testbed's stand-in, whose generated-secret tables (printed once by
  /// `app new --secrets` and `app secret generate`) are also appended to generated-secrets. While
  /// hold_after_secrets() exists, it then makes secrets_held() and waits until ccci-run is gone,
  /// so a kill lands after the secrets exist and before anything is deployed. While
  /// undeploy_does_nothing() exists, undeploy is a no-op that says it worked.
  void write_recording_abra() {
    const std::string real = (binary_dir / "testbed/bin/abra").string();
    const std::string record = (scratch_ / "generated-secrets").string();
    std::ofstream script(scratch_ / "abra");
    script << "#!/bin/sh\n"
              "case \" $* \" in\n"
              "*\" --secrets \"* | *\" secret generate \"*)\n"
              "  out=$('"
           << real
           << "' \"$@\")\n"
              "  status=$?\n"
              "  printf '%s\\n' \"$out\" >>'"
           << record
           << "'\n"
              "  if [ -e '"
           << hold_after_secrets().string() << "' ]; then\n"
           << "    : >'" << secrets_held().string() << "'\n"
           << "    while kill -0 \"$PPID\" 2>/dev/null; do sleep 0.05; done\n"
              "    exit \"$status\"\n"
              "  fi\n"
              "  printf '%s\\n' \"$out\"\n"
              "  exit \"$status\"\n"
              "  ;;\n"
              "*\" undeploy \"*)\n"
              "  [ -e '"
           << undeploy_does_nothing().string() << "' ] && exit 0\n"
           << "  ;;\n"
              "esac\n"
              "exec '"
           << real << "' \"$@\"\n";
    script.close();
    std::filesystem::permissions(scratch_ / "abra", std::filesystem::perms::owner_all);
  }

  std::filesystem::path scratch_;
  std::vector<std::filesystem::path> mounts_;
  std::string captured_;  ///< what the row's watch command printed
};

/// The shell command that sends ccci-run `signal`.
std::string send(const std::string& signal) { return "kill -" + signal + " \"$CCCI_E2E_PID\""; }

const std::vector<std::string> tiers = {"install", "upgrade", "backup", "restore", "custom"};

class SignalDuringTier : public FaultMatrix, public ::testing::WithParamInterface<std::string> {
 protected:
  /// The tiers before `stopped` passed, `stopped` did not, every later one was skipped for the
  /// signal.
  void expect_stopped_in(const std::string& stopped, const std::string& signal) {
    EXPECT_EQ(results().at("verdict").as_string(), "interrupted");
    auto at = std::find(tiers.begin(), tiers.end(), stopped);
    for (auto it = tiers.begin(); it != tiers.end(); ++it) {
      if (it < at) {
        EXPECT_EQ(status(*it), "pass") << *it << ": " << reason(*it);
      } else if (it == at) {
        EXPECT_NE(status(*it), "pass") << "the signal came after " << *it << " ended";
        // The signal lands seconds into the tier; stopping takes the kill grace (2 s + 1 s) and
        // at most one probe or request in flight, far below any of the tier's own waits (minutes).
        EXPECT_LT(tier(*it).at("duration_s").as_double(), 30.0) << *it << " did not stop at the signal";
      } else {
        EXPECT_EQ(status(*it), "skipped") << *it;
        EXPECT_EQ(reason(*it), "interrupted by " + signal) << *it;
      }
    }
  }
};

TEST_P(SignalDuringTier, SigtermStopsTheTierTearsDownAndExits143) {
  const std::string& stopped = GetParam();
  // In the install, once abra generated the secrets: the signal lands in the deploy, and the
  // leak scan has a secret to look for.
  std::string line = stopped == "install" ? " app secret generate " : "[tier] " + stopped + ": started";
  RunResult result = run_row(watch(line, send("TERM")));
  ASSERT_TRUE(result.results.is_object()) << result.output;
  expect_stopped_in(stopped, "SIGTERM");
  expect_teardown_clean(result);
  EXPECT_EQ(results().at("teardown").at("clean").as_bool(), true);
  EXPECT_FALSE(generated_secrets().empty()) << "the leak scan would look for nothing";
  expect_reports_valid(result.out_dir);
  record("SIGTERM during " + stopped, result, 143);
}

INSTANTIATE_TEST_SUITE_P(FaultMatrix, SignalDuringTier, ::testing::ValuesIn(tiers),
                         [](const ::testing::TestParamInfo<std::string>& tier) { return tier.param; });

TEST_F(FaultMatrix, SigintDuringTheBackupStopsItTearsDownAndExits130) {
  RunResult result = run_row(watch("[tier] backup: started", send("INT")));
  ASSERT_TRUE(result.results.is_object()) << result.output;
  EXPECT_EQ(results().at("verdict").as_string(), "interrupted");
  EXPECT_EQ(status("upgrade"), "pass");
  EXPECT_NE(status("backup"), "pass");
  EXPECT_LT(tier("backup").at("duration_s").as_double(), 30.0) << "the backup did not stop at the signal";
  for (const char* later : {"restore", "custom"}) EXPECT_EQ(reason(later), "interrupted by SIGINT") << later;
  expect_teardown_clean(result);
  expect_reports_valid(result.out_dir);
  record("SIGINT during backup", result, 130);
}

TEST_F(FaultMatrix, ASecondSignalDuringTeardownDoesNotAbandonIt) {
  // SIGTERM in the upgrade, then SIGINT once the teardown has begun and before it ends.
  RunResult result = run_row(watch("[tier] upgrade: started", send("TERM") + R"sh(
until grep -qF '[tier] teardown: started' "$CCCI_E2E_LOG"; do
  kill -0 "$CCCI_E2E_PID" || exit 1
  sleep 0.05
done
sleep 0.5
grep -qE '\[tier\] teardown: (clean|NOT clean)' "$CCCI_E2E_LOG" && { echo 'teardown had already ended'; exit 1; }
kill -INT "$CCCI_E2E_PID" && echo 'SIGINT sent during teardown')sh"));
  EXPECT_EQ(captured_, "SIGINT sent during teardown") << result.output;
  ASSERT_TRUE(result.results.is_object()) << result.output;
  EXPECT_EQ(results().at("verdict").as_string(), "interrupted");
  EXPECT_EQ(results().at("interrupt_signal").as_int64(), SIGTERM) << "the first signal decides the exit code";
  EXPECT_EQ(results().at("teardown").at("clean").as_bool(), true) << results().at("teardown");
  expect_teardown_clean(result);
  expect_reports_valid(result.out_dir);
  record("SIGTERM, then SIGINT during teardown", result, 143);
}

/// The processes still in process group `group` (zombies count as gone).
std::vector<std::string> processes_in_group(const std::string& group) {
  std::vector<std::string> found;
  std::error_code unreadable;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", unreadable)) {
    std::string pid = entry.path().filename().string();
    if (pid.empty() || !std::all_of(pid.begin(), pid.end(), [](unsigned char c) { return std::isdigit(c); })) continue;
    std::ifstream stat_file(entry.path() / "stat");
    std::string stat;
    std::getline(stat_file, stat);
    auto after_name = stat.rfind(')');  // the name may hold spaces; the fields after it do not
    if (after_name == std::string::npos) continue;
    std::istringstream fields(stat.substr(after_name + 2));
    std::string state;
    std::string parent;
    std::string pgrp;
    fields >> state >> parent >> pgrp;
    if (pgrp == group && state != "Z") found.push_back(pid + " (" + stat.substr(0, after_name + 1) + ")");
  }
  return found;
}

TEST_F(FaultMatrix, AChildThatIgnoresSigtermIsKilledWithItsGroupAfterTheGrace) {
  // The custom tier's ignores_sigterm script and its sleep ignore SIGTERM; ccci-run gets SIGTERM
  // once both run.
  RunResult result = run_row(watch("[tier] custom: started", R"sh(
stack=$(sed -n 's/^ *"domain": *"\([^"]*\)".*/\1/p' "$OUT/plan.json" | head -n1 | tr . _)
pids=/tmp/ccci-e2e-stubborn-$stack.pids
for attempt in $(seq 1 600); do [ -s "$pids" ] && break; sleep 0.1; done
read -r script group sleeper <"$pids" || exit 1
kill -0 "$script" && kill -0 "$sleeper" || exit 1
kill -TERM "$CCCI_E2E_PID"
echo "$script $group $sleeper")sh"));
  ASSERT_TRUE(result.results.is_object()) << result.output;
  ASSERT_TRUE(result.plan.is_object()) << result.output;
  std::istringstream pids(captured_);
  std::string script;
  std::string group;
  std::string sleeper;
  ASSERT_TRUE(pids >> script >> group >> sleeper) << "the stubborn check never ran: " << captured_ << result.output;
  EXPECT_EQ(processes_in_group(group), std::vector<std::string>{}) << "the stubborn check's group outlived the run";
  const auto* stubborn = check("custom", "ignores_sigterm");
  ASSERT_NE(stubborn, nullptr);
  EXPECT_NE(std::string(stubborn->at("message").as_string()).find("interrupted by SIGTERM"), std::string::npos)
      << stubborn->at("message");
  EXPECT_EQ(results().at("verdict").as_string(), "interrupted");
  expect_teardown_clean(result);
  expect_reports_valid(result.out_dir);
  record("SIGTERM while a child ignores SIGTERM", result, 143);
}

/// fixture-db whose PR 1 head runs `sleep` instead of its web server: the app never gets healthy.
class NeverConvergingHead : public FaultMatrix {
 protected:
  void SetUp() override {
    FaultMatrix::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    publish("refs/pull/1/head", "    command: [\"sleep\", \"86400\"]\n", "fix: a head whose app never gets healthy",
            "refs/pull/1/head");
  }
};

TEST_F(NeverConvergingHead, IsRedInTheUpgradeWithinTheDeployTimeoutAndTornDown) {
  Watch how = watch({}, {}, source_dir / "unit/e2e/specs-faults-never");
  how.extra_args = {"--git-base=" + git_base_.string()};
  RunResult result = run_row(how);
  ASSERT_TRUE(result.results.is_object()) << result.output;
  EXPECT_EQ(results().at("verdict").as_string(), "red");
  EXPECT_EQ(status("install"), "pass") << reason("install");
  EXPECT_EQ(status("upgrade"), "fail") << reason("upgrade");
  EXPECT_NE(reason("upgrade").find("did not converge within"), std::string::npos) << reason("upgrade");
  EXPECT_EQ(reason("backup"), "upgrade failed");
  expect_teardown_clean(result);
  expect_reports_valid(result.out_dir);
  record("a deploy that never converges", result, 1);
}

TEST_F(FaultMatrix, AReadOnlyOutIsRefusedBeforeAnythingIsDeployed) {
  make_out_read_only();
  if (IsSkipped() || HasFatalFailure()) return;
  RunResult result = run_row(watch({}, {}));
  EXPECT_NE(result.output.find("ccci-run: OUT (env OUT) = '" + out_dir().string() +
                               "': the artifact directory is not writable: Read-only file system"),
            std::string::npos)
      << result.output;
  EXPECT_EQ(result.output.find("[tier]"), std::string::npos) << "refused before planning" << result.output;
  EXPECT_TRUE(result.plan.is_null());
  EXPECT_TRUE(generated_secrets().empty()) << "abra never ran";
  record("OUT read-only from the start", result, 2);
}

TEST_F(FaultMatrix, AFullOutIsAnInfrastructureErrorBeforeAnythingIsDeployed) {
  mount({"-t", "tmpfs", "-o", "size=256k", "tmpfs", out_dir().string()});
  if (IsSkipped() || HasFatalFailure()) return;
  auto fill = e2e::run({"sh", "-c", "dd if=/dev/zero of=\"$1/filler\" bs=4k 2>/dev/null; stat -f -c %a \"$1\"", "sh",
                        out_dir().string()},
                       1min);
  ASSERT_EQ(fill.output, "0\n") << "OUT still has free blocks: " << fill.describe;
  RunResult result = run_row(watch({}, {}));
  EXPECT_NE(result.output.find("ccci-run: cannot write " + (out_dir() / "plan.json").string() + ": "),
            std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("No space left on device"), std::string::npos) << result.output;
  EXPECT_EQ(result.output.find("[tier]"), std::string::npos) << "stopped before any tier" << result.output;
  EXPECT_TRUE(generated_secrets().empty()) << "abra never ran";
  record("OUT full from the start", result, 3);
}

/// OUT fails in the upgrade, long after ccci proved it writable: the run still tears down, then
/// cannot write its reports — an infrastructure error naming the file in OUT.
class OutLostMidRun : public FaultMatrix {
 protected:
  void expect_torn_down_then_reports_refused(const RunResult& result, const std::string& why) {
    EXPECT_NE(result.output.find("[tier] upgrade: pass"), std::string::npos) << result.output;
    expect_teardown_clean(result);
    // "ccci-run: cannot write <OUT>/junit/…: …" or "ccci-run: cannot create <OUT>/junit: …"
    auto error = result.output.find("\nccci-run: cannot ");
    ASSERT_NE(error, std::string::npos) << result.output;
    std::string line = result.output.substr(error + 1, result.output.find('\n', error + 1) - error - 1);
    EXPECT_NE(line.find(" " + out_dir().string() + "/"), std::string::npos) << line;
    EXPECT_NE(line.find(why), std::string::npos) << line;
    EXPECT_FALSE(std::filesystem::exists(out_dir() / "results.json"));
    EXPECT_FALSE(generated_secrets().empty()) << "the leak scan would look for nothing";
  }
};

TEST_F(OutLostMidRun, AnOutThatFillsUpMidRunIsAnInfrastructureErrorAfterACleanTeardown) {
  mount({"-t", "tmpfs", "-o", "size=256k", "tmpfs", out_dir().string()});
  if (IsSkipped() || HasFatalFailure()) return;
  RunResult result = run_row(watch("[tier] upgrade: started",
                                   R"sh(dd if=/dev/zero of="$OUT/filler" bs=4k 2>/dev/null
[ "$(stat -f -c %a "$OUT")" = 0 ] && echo full)sh",
                                   source_dir / "recipes"));
  EXPECT_EQ(captured_, "full");
  expect_torn_down_then_reports_refused(result, "No space left on device");
  record("OUT full mid-run", result, 3);
}

TEST_F(OutLostMidRun, AnOutMadeReadOnlyMidRunIsAnInfrastructureErrorAfterACleanTeardown) {
  mount({"--bind", out_dir().string(), out_dir().string()});
  if (IsSkipped() || HasFatalFailure()) return;
  RunResult result =
      run_row(watch("[tier] upgrade: started",
                    R"sh(mount -o remount,bind,ro "$OUT" && ! touch "$OUT/.probe" 2>/dev/null && echo read-only)sh",
                    source_dir / "recipes"));
  EXPECT_EQ(captured_, "read-only");
  expect_torn_down_then_reports_refused(result, "Read-only file system");
  record("OUT read-only mid-run", result, 3);
}

/// abra's undeploy says it worked and leaves the stack running: the teardown spends its budget
/// (CCCI_TEARDOWN_TIMEOUT=20s) waiting for the stack to stop, skips abra's remove, and docker
/// removes the stack by name; the run stays green, the teardown message says what happened.
TEST_F(FaultMatrix, AnUndeployThatLeavesTheStackRunningIsEscalatedWithinTheTeardownBudget) {
  std::ofstream(undeploy_does_nothing()).close();
  Watch how = watch({}, {}, source_dir / "recipes");
  how.env["CCCI_TEARDOWN_TIMEOUT"] = "20s";
  RunResult result = run_row(how);
  ASSERT_TRUE(result.results.is_object()) << result.output;
  EXPECT_EQ(results().at("verdict").as_string(), "green");
  const auto& teardown = results().at("teardown").as_object();
  EXPECT_EQ(teardown.at("clean").as_bool(), true) << teardown;
  std::string message(teardown.at("message").as_string());
  EXPECT_NE(message.find("the teardown's budget of 20s ran out before abra's remove"), std::string::npos) << message;
  EXPECT_NE(message.find("abra left services: "), std::string::npos) << message;
  EXPECT_NE(message.find("; removed with docker"), std::string::npos) << message;
  // 20 s of budget, then docker's removal (30 s at most to stop): bounded well below abra's own 5 min.
  EXPECT_GE(teardown.at("duration_s").as_double(), 20.0);
  EXPECT_LT(teardown.at("duration_s").as_double(), 90.0);
  expect_teardown_clean(result);
  expect_reports_valid(result.out_dir);
  record("abra's undeploy leaves the stack running", result, 0);
}

/// Runs killed with SIGKILL: the kill cannot be caught, so nothing of the run's own tears down; the
/// next run of the same recipe and PR reaps what the killed one left (its lock died with it) and
/// is green. Each row counts the residue and the leaks of both runs.
class KilledRun : public FaultMatrix {
 protected:
  /// After a kill: the run's children (in process groups of their own) are done, and the mess
  /// is there for the next run to reap — what `kind` names ("service", "secret") among it.
  void expect_left_behind(const RunResult& killed, const std::string& kind) {
    ASSERT_EQ(killed.exit_code, 128 + SIGKILL) << killed.output;
    ASSERT_TRUE(killed.plan.is_object()) << killed.output;
    wait_for_orphans(std::string(killed.plan.at("run_id").as_string()));
    auto left = leftovers_of_run(killed);
    EXPECT_TRUE(std::any_of(left.begin(), left.end(), [&](const auto& line) { return line.rfind(kind + " ", 0) == 0; }))
        << "the killed run left no " << kind << ": " << ::testing::PrintToString(left);
    EXPECT_FALSE(residue_of(killed).empty());
  }

  /// The next run of the same recipe and PR, OUT of its own: green, having reaped the killed run
  /// (the `[reap]` lines name each thing removed).
  RunResult next_run_reaping(const RunResult& killed, const std::string& removed_kind) {
    Watch next = watch({}, {}, source_dir / "recipes");
    next.out_dir = scratch_ / "out-next";
    std::filesystem::create_directories(next.out_dir);
    RunResult result = run_row(next);
    EXPECT_EQ(results().at("verdict").as_string(), "green") << result.output;
    std::string run_id(killed.plan.at("run_id").as_string());
    EXPECT_NE(result.output.find("[reap] run " + run_id + ": removed " + removed_kind + " "), std::string::npos)
        << result.output;
    EXPECT_EQ(leftovers_of_run(killed), std::vector<std::string>{}) << result.output;
    expect_teardown_clean(result);
    expect_reports_valid(result.out_dir);
    return result;
  }
};

TEST_F(KilledRun, ASigkillMidDeployIsReapedByTheNextRunOfTheRecipeAndPr) {
  // Once abra generated the secrets, wait for the stack's first service, then kill while the
  // install's deploy is still under way.
  RunResult killed = run_row(watch(" app secret generate ", R"sh(
stack=$(sed -n 's/^ *"domain": *"\([^"]*\)".*/\1/p' "$OUT/plan.json" | head -n1 | tr . _)
for attempt in $(seq 1 1200); do
  [ -n "$(docker service ls -q --filter "label=com.docker.stack.namespace=$stack")" ] && break
  sleep 0.05
done
grep -qE '\[tier\] install: (pass|fail|error)' "$CCCI_E2E_LOG" && { echo 'the install had already ended'; exit 1; }
kill -KILL "$CCCI_E2E_PID" && echo 'killed mid-deploy')sh",
                                   source_dir / "recipes"));
  EXPECT_EQ(captured_, "killed mid-deploy") << killed.output;
  expect_left_behind(killed, "service");
  if (HasFatalFailure()) return;
  RunResult next = next_run_reaping(killed, "service");
  record("SIGKILL mid-deploy, then a new run", next, 0, {killed});
}

TEST_F(KilledRun, ASecretLeftByAKilledRunIsReapedByTheNextRunOfTheRecipeAndPr) {
  // abra holds once it generated the secrets; the kill lands before anything is deployed.
  std::ofstream(hold_after_secrets()).close();
  RunResult killed = run_row(watch(" app new ",
                                   "for attempt in $(seq 1 1200); do [ -e '" + secrets_held().string() +
                                       "' ] && break; sleep 0.05; done\n"
                                       "[ -e '" +
                                       secrets_held().string() + "' ] && kill -KILL \"$CCCI_E2E_PID\" && echo 'killed'",
                                   source_dir / "recipes"));
  std::filesystem::remove(hold_after_secrets());
  EXPECT_EQ(captured_, "killed") << killed.output;
  expect_left_behind(killed, "secret");
  if (HasFatalFailure()) return;
  auto left = leftovers_of_run(killed);
  EXPECT_TRUE(std::none_of(left.begin(), left.end(), [](const auto& line) { return line.rfind("service ", 0) == 0; }))
      << "the kill was to land before the deploy: " << ::testing::PrintToString(left);
  RunResult next = next_run_reaping(killed, "secret");
  record("a secret left by a killed run of the same recipe and PR", next, 0, {killed});
}

/// The matrix's own detections find what they look for: a docker object named after a stack, a
/// generated secret in OUT.
TEST_F(FaultMatrix, ItsResidueAndLeakScansFindWhatTheyLookFor) {
  const std::string stack = "ccci_e2e_probe_" + std::to_string(::getpid());
  auto made = e2e::run({"sh", "-c", "printf x | docker secret create \"$1_probe\" -", "sh", stack}, 1min);
  ASSERT_EQ(made.exit_code, 0) << made.output;
  auto found = leftovers_of(stack);
  (void)e2e::run({"docker", "secret", "rm", stack + "_probe"}, 1min);
  EXPECT_EQ(found, std::vector<std::string>{"secret " + stack + "_probe"});

  const std::string secret = "Zq8KwP2mXv7RtY4nLs9BdF3hJc6GaE1u";
  std::ofstream(scratch_ / "generated-secrets")
      << "NAME                     VALUE\ndb_password              " << secret << "\n";
  ASSERT_EQ(generated_secrets(), std::vector<std::string>{secret});
  std::ofstream(out_dir() / "summary.md") << "basic: " << leaked_forms(secret)[3] << "\n";
  RunResult planted;
  planted.out_dir = out_dir();
  std::string scanned;
  EXPECT_NONFATAL_FAILURE(EXPECT_EQ(leaks_in(planted, scanned), 1u), "holds a generated secret as");
  std::filesystem::create_directories(tmp_dir() / "ccci-plan-probe");
  EXPECT_EQ(residue_of(planted), std::vector<std::string>{(tmp_dir() / "ccci-plan-probe").string()});
}

/// Two ccci-runs on one host: the first is the row's watched run; at a line of its output the
/// watch starts the second (ccci-run again, in the first's environment and state dir, with its
/// own OUT and log and `env` added) and prints what `after_second` prints. The second's result is
/// read back from its OUT and log.
class TwoRuns : public FaultMatrix {
 protected:
  std::filesystem::path second_out() const { return scratch_ / "out-2"; }
  std::filesystem::path second_log() const { return scratch_ / "ccci-run-2.log"; }

  /// The watch command: the second run in the background with `env`, then `while_second` (a
  /// shell snippet; $second is its pid, $log2 its log), then `after_second` once it ended, then its
  /// exit code as "second exit N".
  std::string start_second(const std::string& env, const std::string& while_second,
                           const std::string& after_second = {}) const {
    return "log2='" + second_log().string() + "'\nOUT='" + second_out().string() + "' " + env + " '" +
           (binary_dir / "runner/ccci-run").string() + "' >\"$log2\" 2>&1 &\nsecond=$!\n" + while_second +
           "\nwait \"$second\"\nstatus=$?\n" + after_second + "\necho \"second exit $status\"";
  }

  RunResult second_result() const {
    RunResult result;
    result.out_dir = second_out();
    result.output = read_text(second_log());
    auto exit_at = captured_.rfind("second exit ");
    if (exit_at != std::string::npos) result.exit_code = std::stoi(captured_.substr(exit_at + 12));
    boost::system::error_code error;
    auto plan = boost::json::parse(read_text(second_out() / "plan.json"), error);
    if (!error) result.plan = plan;
    auto results = boost::json::parse(read_text(second_out() / "results.json"), error);
    if (!error) result.results = results;
    return result;
  }
};

TEST_F(TwoRuns, ASecondRunOfTheSameRecipeAndPrWaitsThenGivesUpNamingTheFirst) {
  std::filesystem::create_directories(second_out());
  // The second run, started once the first deploys, waits 3 s for the first's lock: the first's
  // install alone takes longer. Afterwards the first must still be running.
  RunResult first = run_row(watch("[tier] install: started", start_second("CCCI_LOCK_WAIT=3", "", R"sh(
grep -qE '\[tier\] teardown: ' "$CCCI_E2E_LOG" && echo 'the first run had ended'
echo "first pid $CCCI_E2E_PID")sh"),
                                  source_dir / "recipes"));
  RunResult second = second_result();
  ASSERT_TRUE(first.plan.is_object()) << first.output;
  std::string first_id(first.plan.at("run_id").as_string());
  std::string first_pid = captured_.substr(captured_.find("first pid ") + 10);
  first_pid = first_pid.substr(0, first_pid.find('\n'));
  EXPECT_EQ(captured_.find("the first run had ended"), std::string::npos) << captured_;
  std::string holder = "run " + first_id + " (pid " + first_pid + ")";
  EXPECT_NE(second.output.find("waiting for " + holder + " of fixture-db PR 1, up to 3s"), std::string::npos)
      << second.output;
  EXPECT_NE(second.output.find("ccci-run: fixture-db PR 1 is being run by " + holder +
                               ": still running after waiting 3s (CCCI_LOCK_WAIT)"),
            std::string::npos)
      << second.output;
  EXPECT_EQ(second.output.find("[tier]"), std::string::npos) << "the second deployed nothing" << second.output;
  ASSERT_TRUE(first.results.is_object()) << first.output;
  EXPECT_EQ(results().at("verdict").as_string(), "green");
  expect_teardown_clean(first);
  record("a second run of the same recipe and PR during the first: the first", first, 0);
  record("a second run of the same recipe and PR during the first: the second", second, 3);
  ASSERT_TRUE(second.plan.is_object()) << second.output;
  EXPECT_FALSE(std::filesystem::exists(state_dir_ / "runs" / std::string(second.plan.at("run_id").as_string())))
      << "the second's run directory went with it";
}

TEST_F(TwoRuns, WithACapacityOfOneTheSecondRunWaitsForTheFirstToEnd) {
  std::filesystem::create_directories(second_out());
  // Only the install, to keep the row short. The second run (the default branch: another
  // subject, so only the capacity holds it) starts once the first deploys; when the second
  // begins its own deploy, the first's teardown must have ended.
  Watch how = watch("[tier] install: started", start_second("PR= CCCI_LOCK_WAIT=600", R"sh(
until grep -qF '[tier] install: started' "$log2"; do
  kill -0 "$second" 2>/dev/null || break
  sleep 0.05
done
if grep -qE '\[tier\] teardown: ' "$CCCI_E2E_LOG"; then echo 'the first had ended'; else echo 'OVERLAP'; fi)sh"),
                    source_dir / "recipes");
  how.env["CCCI_CAPACITY"] = "1";
  how.env["STAGES"] = "install";
  RunResult first = run_row(how);
  RunResult second = second_result();
  EXPECT_NE(captured_.find("the first had ended"), std::string::npos) << captured_ << "\n" << second.output;
  EXPECT_NE(second.output.find("waiting for a slot: the host is at capacity (1 runs, CCCI_CAPACITY), its slots held "
                               "by run " +
                               std::string(first.plan.at("run_id").as_string())),
            std::string::npos)
      << second.output;
  ASSERT_TRUE(first.results.is_object()) << first.output;
  ASSERT_TRUE(second.results.is_object()) << second.output;
  EXPECT_EQ(results().at("verdict").as_string(), "green");
  EXPECT_EQ(second.results.at("verdict").as_string(), "green") << second.output;
  expect_teardown_clean(first);
  expect_teardown_clean(second);
  record("a capacity of 1 with two runs: the first", first, 0);
  record("a capacity of 1 with two runs: the second, after the first", second, 0);
}

TEST_F(TwoRuns, ASecondRunStoppedWhileItWaitsExits143AndLeavesNothing) {
  std::filesystem::create_directories(second_out());
  // The second run waits for the first's lock (up to 600 s); once it says so, SIGTERM.
  Watch how = watch("[tier] install: started", start_second("CCCI_LOCK_WAIT=600", R"sh(
until grep -qF '[admission] waiting for run ' "$log2"; do
  kill -0 "$second" 2>/dev/null || break
  sleep 0.05
done
kill -TERM "$second" && echo 'SIGTERM sent while the second waited')sh"),
                    source_dir / "recipes");
  how.env["STAGES"] = "install";
  RunResult first = run_row(how);
  RunResult second = second_result();
  EXPECT_NE(captured_.find("SIGTERM sent while the second waited"), std::string::npos) << captured_ << second.output;
  EXPECT_NE(second.output.find("ccci-run: interrupted by SIGTERM while waiting for the lock of fixture-db PR 1"),
            std::string::npos)
      << second.output;
  EXPECT_EQ(second.output.find("[tier]"), std::string::npos) << "the second deployed nothing" << second.output;
  ASSERT_TRUE(second.plan.is_object()) << second.output;
  EXPECT_FALSE(std::filesystem::exists(state_dir_ / "runs" / std::string(second.plan.at("run_id").as_string())))
      << "the second's run directory went with it";
  ASSERT_TRUE(first.results.is_object()) << first.output;
  EXPECT_EQ(results().at("verdict").as_string(), "green");
  expect_teardown_clean(first);
  record("SIGTERM while a second run of the same recipe and PR waits: the first", first, 0);
  record("SIGTERM while a second run of the same recipe and PR waits: the second", second, 143);
  std::error_code absent;
  EXPECT_EQ(std::filesystem::directory_iterator(state_dir_ / "locks", absent), std::filesystem::directory_iterator())
      << "both runs' lock files went with them";
}

}  // namespace
}  // namespace ccci::e2e
