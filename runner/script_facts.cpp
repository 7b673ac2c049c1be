#include "runner/script_facts.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <random>
#include <sstream>
#include <system_error>

#include "harness/atomic_file.hpp"
#include "harness/filesystem.hpp"
#include "harness/text.hpp"

namespace ccci::runner {
namespace {

/// 24 characters of 62: 142 bits.
constexpr int password_random_chars = 24;

std::string random_alphanumerics(int count) {
  static constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device device;
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  std::string text;
  for (int i = 0; i < count; ++i) text += alphabet[pick(device)];
  return text;
}

}  // namespace

AdminAccount make_admin_account(const std::string& domain) {
  // The fixed "Cc1-" meets every password rule that asks for an upper- and a lower-case letter,
  // a digit and a symbol; the strength is in the random part.
  return AdminAccount{"ccciadmin", "ccciadmin@" + domain, "Cc1-" + random_alphanumerics(password_random_chars)};
}

std::filesystem::path running_executable() {
  std::array<char, 4096> buffer{};
  ssize_t length = ::readlink("/proc/self/exe", buffer.data(), buffer.size() - 1);
  if (length <= 0) return {};
  return std::filesystem::path(std::string(buffer.data(), static_cast<size_t>(length)));
}

StepFacts with_generated_facts(StepFacts facts) {
  facts.admin = make_admin_account(facts.domain);
  facts.ccci_run = running_executable();
  return facts;
}

harness::Environment script_environment(const StepFacts& facts, const ScriptPlace& place) {
  harness::Environment env = facts.script_env;
  env["CCCI_DOMAIN"] = facts.domain;
  env["CCCI_URL"] = "https://" + facts.domain;
  env["CCCI_STACK"] = facts.stack;
  env["CCCI_APP"] = facts.app;
  env["CCCI_SERVICES"] = harness::join(place.services, " ");
  env["CCCI_DEPS_FILE"] = place.deps_file.string();
  env["CCCI_ARTIFACT_DIR"] = place.artifact_dir.string();
  env["CCCI_ADMIN_USER"] = facts.admin.user;
  env["CCCI_ADMIN_EMAIL"] = facts.admin.email;
  env["CCCI_ADMIN_PASSWORD"] = facts.admin.password;
  if (!facts.ccci_run.empty()) {
    env["CCCI_RUN"] = facts.ccci_run.string();
    std::string dir = facts.ccci_run.parent_path().string();
    auto path = env.find("PATH");
    env["PATH"] = path == env.end() || path->second.empty() ? dir : dir + ":" + path->second;
  }
  return env;
}

harness::Result<std::filesystem::path> fresh_artifact_dir(const std::filesystem::path& out, Tier tier,
                                                          const std::string& check) {
  std::filesystem::path dir = out / "artifacts" / std::string(to_string(tier)) / check;
  CCCI_TRY_STATUS(harness::remove_tree(dir));
  CCCI_TRY_STATUS(harness::make_directories(dir));
  return dir;
}

harness::Result<std::filesystem::path> deps_file(const std::filesystem::path& out) {
  std::filesystem::path file = out / "artifacts" / "deps.json";
  CCCI_TRY(bool exists, harness::path_exists(file));
  if (exists) return file;
  CCCI_TRY_STATUS(harness::make_directories(file.parent_path()));
  CCCI_TRY_STATUS(harness::write_file_atomically(file, "{\"deps\": []}\n"));
  return file;
}

std::vector<std::string> artifacts_in(const std::filesystem::path& out, const std::filesystem::path& dir) {
  std::vector<std::string> found;
  std::error_code error;
  std::filesystem::recursive_directory_iterator entry(dir, error);
  for (; !error && entry != std::filesystem::recursive_directory_iterator(); entry.increment(error)) {
    if (entry->is_regular_file(error) && !entry->is_symlink(error))
      found.push_back(entry->path().lexically_relative(out).string());
  }
  std::sort(found.begin(), found.end());
  return found;
}

harness::Status mask_secrets_in(const harness::Redactor& redactor, const std::filesystem::path& out,
                                const std::vector<std::string>& files) {
  std::vector<std::string> unmasked;
  for (const auto& name : files) {
    std::ifstream in(out / name, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) {
      unmasked.push_back(name + " (unreadable)");
      continue;
    }
    std::string masked = redactor.redact(text.str());
    if (masked == text.str()) continue;
    if (!harness::write_file_atomically(out / name, masked).ok()) unmasked.push_back(name);
  }
  if (unmasked.empty()) return harness::ok_status();
  return harness::make_error(harness::ErrorKind::infra,
                             "could not mask secrets in the artifacts " + harness::join(unmasked, ", "));
}

CheckStatus script_status(const harness::Completion& done) {
  if (done.timed_out) return CheckStatus::fail;
  if (done.signal != 0) return CheckStatus::error;
  if (done.exit_code == 0) return CheckStatus::pass;
  return done.exit_code == 1 ? CheckStatus::fail : CheckStatus::error;
}

}  // namespace ccci::runner
