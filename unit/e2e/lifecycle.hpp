#pragma once
/// The fixture of the lifecycle suites: one ccci-run on the testbed, checked for what every run
/// must satisfy (reports valid, nothing left behind), with readers of its results.json; and a
/// copy of a fixture repo a test can add a commit to. Skips where no Docker daemon can start.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "unit/e2e/testbed.hpp"
#include "unit/fakes/secret_forms.hpp"

namespace ccci::e2e {

namespace json = boost::json;

/// Every form a leak of `secret` is searched for (the leaking check of unit/e2e/specs/fixture-db
/// prints them all): plain, the base64 characters the secret alone determines at each byte offset
/// (so also inside HTTP Basic credentials) in both alphabets, percent-encoded in either case, and
/// JSON \u escapes.
inline std::vector<std::string> leaked_forms(const std::string& secret) {
  std::vector<std::string> forms{secret};
  for (size_t offset = 0; offset < 3; ++offset) {
    for (auto alphabet : {fakes::Alphabet::standard, fakes::Alphabet::url_safe}) {
      std::string encoded = fakes::base64_encode(std::string(offset, 'x') + secret, alphabet, fakes::Padding::dropped);
      size_t first = (8 * offset + 5) / 6, end = 8 * (offset + secret.size()) / 6;
      forms.push_back(encoded.substr(first, end - first));
    }
  }
  for (auto hex : {fakes::HexCase::lower, fakes::HexCase::upper}) {
    forms.push_back(fakes::percent_encode(
        secret, [](unsigned char) { return false; }, hex));
  }
  forms.push_back(fakes::json_escape(secret, fakes::JsonStyle::all_unicode));
  return forms;
}

class Lifecycle : public OnTestbed {
 protected:
  /// Runs ccci-run and checks what every run must satisfy, whatever its verdict.
  RunResult run(const std::string& recipe, int pr, const std::string& terminate_after = {}) {
    RunResult result =
        terminate_after.empty() ? run_ccci(recipe, pr) : run_ccci_terminated(recipe, pr, terminate_after);
    return checked(result);
  }
  /// Runs ccci-run with the stand-in's knobs in its environment.
  RunResult run_with(const std::string& recipe, int pr, const std::map<std::string, std::string>& env) {
    return checked(run_ccci_with_env(recipe, pr, env));
  }
  RunResult checked(const RunResult& result) {
    last_ = result;
    EXPECT_TRUE(result.results.is_object()) << "no results.json; output:\n" << result.output;
    EXPECT_TRUE(result.plan.is_object()) << "no plan.json";
    if (result.plan.is_object()) {
      std::string domain(result.plan.at("domain").as_string());
      std::string stack = domain;
      std::replace(stack.begin(), stack.end(), '.', '_');
      EXPECT_EQ(leftovers_of(stack), std::vector<std::string>{}) << "the run left resources behind";
    }
    expect_reports_valid(result.out_dir);
    if (result.results.is_object()) {
      const auto& deps = results().at("dependencies").as_array();
      for (const auto& dep : deps) {  // each dependency's stack is gone too
        std::string stack(dep.at("domain").as_string());
        std::replace(stack.begin(), stack.end(), '.', '_');
        EXPECT_EQ(leftovers_of(stack), std::vector<std::string>{}) << "the run left its dependency behind: " << dep;
      }
      EXPECT_TRUE(results().at("teardown").at("clean").as_bool());
      EXPECT_EQ(results().at("deploy_count").as_int64(),
                expected_deploys_ >= 0 ? expected_deploys_ : 1 + static_cast<int64_t>(deps.size()));
      EXPECT_EQ(results().at("base").at("not_deployable").as_string(), "") << "every fixture's base deploys";
    }
    return result;
  }

  /// What is left of the run's stack, from plan.json's domain.
  static std::vector<std::string> leftovers_of_run(const RunResult& result) {
    std::string stack(result.plan.at("domain").as_string());
    std::replace(stack.begin(), stack.end(), '.', '_');
    return leftovers_of(stack);
  }

  /// A killed run's children (abra, docker) live on in process groups of their own; every one
  /// names the run's domain or stack, so "-<nonce>" is in its command line. Waits (bounded) until
  /// they are gone, so what the test sees next is the reaper's doing alone.
  static void wait_for_orphans(const std::string& run_id) {
    std::string nonce = run_id.substr(run_id.rfind('-') + 1);
    auto done = e2e::run(
        {"sh", "-c", "for i in $(seq 600); do pgrep -f -- \"$1\" >/dev/null || exit 0; sleep 0.2; done; exit 1", "sh",
         "[-]" + nonce},  // a pattern that does not match its own shell
        std::chrono::minutes(3));
    ASSERT_EQ(done.exit_code, 0) << "the killed run's children did not finish: " << done.describe;
  }

  /// results.json against docs/results.schema.json, every JUnit file against docs/junit.xsd.
  /// fixture-web's browser_roundtrip ended with `status`, its screenshots `files` (in the order
  /// taken) in OUT/artifacts/custom/browser_roundtrip/, listed in results.json and attached to its
  /// JUnit case.
  void expect_browser_roundtrip_screenshots(const RunResult& result, const std::string& status,
                                            const std::vector<std::string>& files) {
    const auto* browser = check("custom", "browser_roundtrip");
    ASSERT_NE(browser, nullptr);
    EXPECT_EQ(browser->at("status").as_string(), status) << browser->at("message") << "\n" << browser->at("detail");
    json::array expected;
    for (const auto& file : files) expected.emplace_back("artifacts/custom/browser_roundtrip/" + file);
    EXPECT_EQ(browser->at("artifacts").as_array(), expected);
    std::string junit = read_text(result.out_dir / "junit/custom__overlay.xml");
    for (const auto& path : expected) {
      std::string file(path.as_string());
      EXPECT_GT(std::filesystem::file_size(result.out_dir / file), 1000u) << file << " is not a screenshot";
      EXPECT_NE(junit.find("[[ATTACHMENT|" + file + "]]"), std::string::npos) << junit;
    }
    // junit.xsd, the contract, allows no properties on a case: the attachment lines are the link.
    EXPECT_EQ(junit.find("<property name=\"attachment\""), std::string::npos) << junit;
  }

  static void expect_reports_valid(const std::filesystem::path& out) {
    const std::filesystem::path source = CCCI_SOURCE_DIR;
    auto schema = e2e::run(
        {"python3", "-c",
         "import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))",
         (out / "results.json").string(), (source / "docs/results.schema.json").string()},
        std::chrono::minutes(1));
    EXPECT_EQ(schema.exit_code, 0) << "results.json does not match its schema: " << schema.output;
    int junit_files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(out / "junit")) {
      ++junit_files;
      auto xsd =
          e2e::run({"xmllint", "--noout", "--schema", (source / "docs/junit.xsd").string(), entry.path().string()},
                   std::chrono::minutes(1));
      EXPECT_EQ(xsd.exit_code, 0) << xsd.output;
    }
    EXPECT_GT(junit_files, 0);
  }

  const json::object& results() const { return last_.results.as_object(); }
  const json::object& tier(const std::string& name) const {
    for (const auto& t : results().at("tiers").as_array()) {
      if (t.at("tier").as_string() == name) return t.as_object();
    }
    throw std::runtime_error("no tier " + name);
  }
  std::string status(const std::string& name) const { return std::string(tier(name).at("status").as_string()); }
  std::string reason(const std::string& name) const { return std::string(tier(name).at("reason").as_string()); }
  const json::object* check(const std::string& tier_name, const std::string& check_name) const {
    for (const auto& c : tier(tier_name).at("checks").as_array()) {
      if (c.at("name").as_string() == check_name) return &c.as_object();
    }
    return nullptr;
  }
  /// The check's message, having expected the check to be there with `expected_status`.
  std::string check_message(const std::string& tier_name, const std::string& check_name,
                            const std::string& expected_status) const {
    const auto* found = check(tier_name, check_name);
    EXPECT_NE(found, nullptr) << tier_name << " ran no check " << check_name;
    if (found == nullptr) return {};
    EXPECT_EQ(found->at("status").as_string(), expected_status) << check_name << ": " << *found;
    return std::string(found->at("message").as_string());
  }

  /// A red run gathered the stack's tasks, its services' logs and abra's logs before teardown, and
  /// every failed JUnit case links them.
  void expect_evidence(const RunResult& result, const std::string& failed_suite) {
    const auto& evidence = results().at("evidence").as_object();
    EXPECT_TRUE(evidence.at("collected").as_bool());
    std::vector<std::string> files;
    for (const auto& file : evidence.at("files").as_array()) files.emplace_back(file.as_string());
    std::string stack(last_.plan.at("domain").as_string());
    std::replace(stack.begin(), stack.end(), '.', '_');
    auto has = [&](const std::string& file) { return std::find(files.begin(), files.end(), file) != files.end(); };
    EXPECT_TRUE(has("evidence/tasks.txt")) << result.output;
    EXPECT_TRUE(has("evidence/logs/" + stack + "_app.log")) << result.output;
    EXPECT_TRUE(std::any_of(files.begin(), files.end(), [](const std::string& f) {
      return f.rfind("evidence/abra/", 0) == 0;
    })) << "abra's own logs are part of the evidence";
    for (const auto& file : files) EXPECT_TRUE(std::filesystem::is_regular_file(result.out_dir / file)) << file;
    std::string tasks = read_text(result.out_dir / "evidence/tasks.txt");
    EXPECT_NE(tasks.find("## " + stack + "_app"), std::string::npos) << tasks;
    EXPECT_NE(tasks.find("CURRENT STATE"), std::string::npos) << tasks;
    EXPECT_NE(read_text(result.out_dir / ("evidence/logs/" + stack + "_app.log")).find("GET /cgi-bin/health"),
              std::string::npos);
    std::string junit = read_text(result.out_dir / "junit" / failed_suite);
    EXPECT_NE(junit.find("[[ATTACHMENT|evidence/tasks.txt]]"), std::string::npos) << junit;
  }

  static std::string read_text(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

  void expect_green_through_every_tier(const RunResult& result) {
    ASSERT_EQ(result.exit_code, 0) << result.output;
    EXPECT_FALSE(results().at("evidence").at("collected").as_bool());
    EXPECT_FALSE(std::filesystem::exists(result.out_dir / "evidence")) << "a green run collects no evidence";
    EXPECT_EQ(results().at("verdict").as_string(), "green");
    EXPECT_GE(results().at("level").as_int64(), 4);
    for (const char* name : {"install", "upgrade", "backup", "restore", "custom"})
      EXPECT_EQ(status(name), "pass") << name;
    const auto* head = check("upgrade", "head_deployed");
    ASSERT_NE(head, nullptr);
    EXPECT_EQ(head->at("status").as_string(), "pass");
    std::string head_commit(results().at("head").at("commit").as_string());
    EXPECT_EQ(std::string(head->at("message").as_string()).find("chaos-version " + head_commit.substr(0, 8)), 0u)
        << head->at("message");
    EXPECT_EQ(results().at("base").at("source").as_string(), "target-branch");
  }

  /// A green run through every tier timed each operation within the run's own duration, and
  /// Docker reported its stack's memory and CPU at least once.
  void expect_plausible_resource_figures(const RunResult& result) {
    auto millis = [](const json::value& seconds) { return std::llround(seconds.to_number<double>() * 1000.0); };
    long long sum = 0;
    std::map<std::string, int> seen;
    for (const auto& operation : results().at("operations").as_array()) {
      std::string name(operation.at("name").as_string());
      ++seen[name];
      long long duration = millis(operation.at("duration_s"));
      sum += duration;
      EXPECT_GE(duration, 0) << name;
      // These always spawn abra or docker: never under a millisecond. A seed or checks with
      // nothing to do for its tier may be.
      bool spawns = name.rfind("seed_", 0) != 0 && name != "checks";
      if (spawns) {
        EXPECT_GT(duration, 0) << name;
      }
    }
    for (const char* name : {"install", "seed_pre_upgrade", "upgrade", "seed_pre_backup", "backup", "seed_pre_restore",
                             "restore", "teardown"})
      EXPECT_EQ(seen[name], 1) << name << " timed once: " << results().at("operations");
    EXPECT_EQ(seen["checks"], 5) << "one checks operation per tier";
    EXPECT_LE(sum, millis(results().at("duration_s"))) << "the operations lie within the run";
    const auto& resources = results().at("resources").as_object();
    EXPECT_GE(resources.at("samples").as_int64(), 1) << resources;
    ASSERT_FALSE(resources.at("peak_memory_bytes").is_null()) << resources;
    EXPECT_GT(resources.at("peak_memory_bytes").to_number<std::uint64_t>(), 0u) << resources;
    ASSERT_FALSE(resources.at("peak_cpu_percent").is_null()) << resources;
    EXPECT_GE(resources.at("peak_cpu_percent").to_number<double>(), 0.0) << resources;
    std::ifstream summary(result.out_dir / "summary.md");
    std::string md((std::istreambuf_iterator<char>(summary)), std::istreambuf_iterator<char>());
    EXPECT_NE(md.find("\n- stack resources: peak memory "), std::string::npos) << md;
  }

  RunResult last_;
  int expected_deploys_ = -1;  ///< what checked() expects of deploy_count; -1: 1 + the dependencies
};

/// A copy of a testbed fixture repo under a git base of its own (pass `--git-base=` git_base_),
/// so a test can publish a commit the testbed's own repos never see, and a state dir of its own
/// (pass `--state-dir=` state_dir_), so no last-green record leaks between tests.
/// A Lifecycle test with a state dir of its own (run directories, abra homes, claims), so no other
/// run's directory is ever in reach of its runs and reaps; removed after the test.
class OwnStateDir : public Lifecycle {
 protected:
  void SetUp() override {
    Lifecycle::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    char pattern[] = "/tmp/ccci-e2e-state-XXXXXX";
    state_dir_ = ::mkdtemp(pattern);
  }
  void TearDown() override {
    if (!state_dir_.empty()) std::filesystem::remove_all(state_dir_);
  }

  std::string state_flag() const { return "--state-dir=" + state_dir_.string(); }

  /// `ccci-run reap` against this test's state dir, with the testbed's docker; `extra` after it.
  CommandResult reap(const std::vector<std::string>& extra = {}) const {
    std::vector<std::string> argv{(std::filesystem::path(CCCI_BINARY_DIR) / "runner/ccci-run").string(), "reap",
                                  state_flag()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return e2e::run(argv, std::chrono::minutes(5), testbed().env);
  }

  std::filesystem::path state_dir_;
};

class FixtureCopy : public Lifecycle {
 protected:
  void SetUp() override {
    Lifecycle::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    char state_pattern[] = "/tmp/ccci-e2e-state-XXXXXX";
    state_dir_ = ::mkdtemp(state_pattern);
    char pattern[] = "/tmp/ccci-e2e-git-base-XXXXXX";
    git_base_ = ::mkdtemp(pattern);
    std::filesystem::path mirror = git_base_ / ("coop-cloud/" + recipe_);
    std::string source = testbed().env.at("CCCI_GIT_BASE") + "/coop-cloud/" + recipe_;
    git({"clone", "-q", "--mirror", source, mirror.string()});
    git({"clone", "-q", mirror.string(), work().string()});
  }
  void TearDown() override {
    if (!git_base_.empty()) std::filesystem::remove_all(git_base_);
    if (!state_dir_.empty()) std::filesystem::remove_all(state_dir_);
  }

  /// The commit `ref` names in the work tree's clone.
  std::string commit_of(const std::string& ref) {
    auto done = e2e::run({"git", "-C", work().string(), "rev-parse", ref + "^{commit}"}, std::chrono::minutes(1));
    EXPECT_EQ(done.exit_code, 0) << done.output;
    return done.output.substr(0, 40);
  }

  /// Checks out `from`, inserts `app_lines` at the top of the app service in compose.yml, commits
  /// and pushes the commit as `to`: an annotated tag for "refs/tags/…", else that ref.
  void publish(const std::string& from, const std::string& app_lines, const std::string& message,
               const std::string& to) {
    publish_compose(
        from,
        [&](std::string& compose) {
          auto app = compose.find("  app:\n");
          ASSERT_NE(app, std::string::npos) << compose;
          compose.insert(app + 7, app_lines);
        },
        message, to);
  }

  /// Like publish, with compose.yml changed by `edit`.
  void publish_compose(const std::string& from, const std::function<void(std::string&)>& edit,
                       const std::string& message, const std::string& to) {
    git({"-C", work().string(), "fetch", "-q", "origin", "+" + from + ":refs/ccci-e2e/from"});
    git({"-C", work().string(), "-c", "advice.detachedHead=false", "checkout", "-q", "refs/ccci-e2e/from"});
    std::string compose = read_text(work() / "compose.yml");
    edit(compose);
    std::ofstream(work() / "compose.yml", std::ios::trunc) << compose;
    git({"-C", work().string(), "commit", "-q", "-a", "-m", message});
    push_head(to);
  }

  /// Pushes the work tree's HEAD as `to`: an annotated tag for "refs/tags/…", else that ref.
  void push_head(const std::string& to) {
    const std::string tags = "refs/tags/";
    if (to.rfind(tags, 0) == 0) {
      git({"-C", work().string(), "tag", "-a", to.substr(tags.size()), "-m", to.substr(tags.size())});
      git({"-C", work().string(), "push", "-q", "origin", to});
    } else {
      git({"-C", work().string(), "push", "-q", "--force", "origin", "HEAD:" + to});
    }
  }

  /// Checks out `from`, adds `service_lines` (one whole service, indented under `services:`) to
  /// compose.yml, commits and force-pushes the commit as the ref `to` (not a tag).
  void publish_with_service(const std::string& from, const std::string& service_lines, const std::string& message,
                            const std::string& to) {
    git({"-C", work().string(), "fetch", "-q", "origin", "+" + from + ":refs/ccci-e2e/from"});
    git({"-C", work().string(), "-c", "advice.detachedHead=false", "checkout", "-q", "refs/ccci-e2e/from"});
    std::string compose = read_text(work() / "compose.yml");
    auto services = compose.find("\nservices:\n");
    ASSERT_NE(services, std::string::npos) << compose;
    compose.insert(services + 11, service_lines);
    std::ofstream(work() / "compose.yml", std::ios::trunc) << compose;
    git({"-C", work().string(), "commit", "-q", "-a", "-m", message});
    git({"-C", work().string(), "push", "-q", "--force", "origin", "HEAD:" + to});
  }

  void git(std::vector<std::string> args) {
    args.insert(args.begin(), {"git", "-c", "user.name=ccci e2e", "-c", "user.email=e2e@ccci.test", "-c",
                               "commit.gpgsign=false", "-c", "tag.gpgsign=false"});
    auto done = e2e::run(args, std::chrono::minutes(1));
    ASSERT_EQ(done.exit_code, 0) << done.describe << ": " << done.output;
  }

  std::filesystem::path work() const { return git_base_ / "work"; }

  std::string recipe_ = "fixture-web";
  std::filesystem::path git_base_;
  std::filesystem::path state_dir_;
};

}  // namespace ccci::e2e
