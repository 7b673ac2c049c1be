#include "unit/e2e/testbed.hpp"

#include <boost/json.hpp>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <sys/wait.h>

namespace ccci::e2e {
namespace {

const std::filesystem::path source_dir = CCCI_SOURCE_DIR;
const std::filesystem::path binary_dir = CCCI_BINARY_DIR;

std::string quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

boost::json::value read_json(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return nullptr;
  std::stringstream buffer;
  buffer << in.rdbuf();
  boost::system::error_code ec;
  auto value = boost::json::parse(buffer.str(), ec);
  return ec ? boost::json::value(nullptr) : value;
}

std::filesystem::path state_dir() {
  const char* dir = std::getenv("CCCI_TESTBED_DIR");
  return dir ? dir : "/var/lib/ccci-testbed";
}

Testbed bring_up() {
  Testbed bed;
  std::string output;
  int status = shell(quote((source_dir / "testbed/ccci-testbed").string()) + " up", &output);
  if (status != 0) {
    bed.why_unavailable = "testbed/ccci-testbed up failed (exit " + std::to_string(status) + "):\n" + output;
    return bed;
  }
  std::ifstream env_file(state_dir() / "env");
  for (std::string line; std::getline(env_file, line);) {
    auto eq = line.find('=');
    if (eq != std::string::npos && line[0] != '#') bed.env[line.substr(0, eq)] = line.substr(eq + 1);
  }
  bed.available = !bed.env.empty();
  if (!bed.available) bed.why_unavailable = "the testbed wrote no env file";
  return bed;
}

}  // namespace

int shell(const std::string& command, std::string* output) {
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return -1;
  std::string text;
  std::array<char, 4096> buffer{};
  while (size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) text.append(buffer.data(), n);
  int status = ::pclose(pipe);
  if (output) *output = text;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

const Testbed& testbed() {
  static const Testbed bed = bring_up();
  return bed;
}

RunResult run_ccci(const std::string& recipe, int pr, const std::vector<std::string>& extra_args) {
  RunResult result;
  char pattern[] = "/tmp/ccci-e2e-XXXXXX";
  result.out_dir = ::mkdtemp(pattern);
  std::string command = "env";
  for (const auto& [key, value] : testbed().env) command += " " + quote(key + "=" + value);
  command += " " + quote("PATH=" + (binary_dir / "testbed/bin").string() + ":" + std::getenv("PATH"));
  command += " RECIPE=" + quote(recipe) + " PR=" + std::to_string(pr) + " OUT=" + quote(result.out_dir.string());
  command += " " + quote((binary_dir / "runner/ccci-run").string());
  for (const auto& arg : extra_args) command += " " + quote(arg);
  result.exit_code = shell(command, &result.output);
  result.results = read_json(result.out_dir / "results.json");
  result.plan = read_json(result.out_dir / "plan.json");
  return result;
}

std::vector<std::string> leftovers_of(const std::string& stack) {
  std::vector<std::string> found;
  const std::pair<const char*, std::string> queries[] = {
      {"service", "docker service ls --format '{{.Name}}'"},
      {"container", "docker ps -a --format '{{.Names}}'"},
      {"volume", "docker volume ls --format '{{.Name}}'"},
      {"secret", "docker secret ls --format '{{.Name}}'"},
      {"config", "docker config ls --format '{{.Name}}'"},
      {"network", "docker network ls --format '{{.Name}}'"},
  };
  for (const auto& [kind, command] : queries) {
    std::string output;
    if (shell(command, &output) != 0) {
      found.push_back(std::string(kind) + " query failed: " + output);
      continue;
    }
    std::istringstream lines(output);
    for (std::string name; std::getline(lines, name);) {
      if (name.find(stack) != std::string::npos) found.push_back(std::string(kind) + " " + name);
    }
  }
  return found;
}

}  // namespace ccci::e2e
