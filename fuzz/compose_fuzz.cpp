// Fuzz target: harness::load_compose. The input is a compose file, optionally followed by a line
// "%%" and an overlay merged over it, and another "%%" and an env file: the app env its values
// interpolate from, and also `app.env` for services' `env_file`. The model loads (and answers
// every question asked of it) or fails with a spec error at file:line:col in one of the two files.
#include <map>

#include "fuzz/fuzz_checks.hpp"
#include "harness/compose.hpp"
#include "harness/env_file.hpp"

namespace {

using ccci::fuzz::require;

void ask_everything(const ccci::harness::ComposeModel& model) {
  (void)model.images();
  (void)model.backup_enabled();
  (void)model.backup_paths("fuzz_stack");
  for (const auto& name : model.service_names()) {
    auto port = model.traefik_port(name);
    require(!port || (*port >= 1 && *port <= 65535), "a traefik port is a TCP port");
  }
  for (const auto& [key, volume] : model.volumes)
    require(!model.volume_name("fuzz_stack", key).empty(), "volumes have names");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ccci::fuzz::InputClock clock;
  auto parts = ccci::fuzz::split_parts(std::string_view(reinterpret_cast<const char*>(data), size), "%%", 3);
  const std::string& dir = ccci::fuzz::scratch_dir();
  std::vector<std::string> files{dir + "/compose.yml"};
  ccci::fuzz::write_file(files[0], parts[0]);
  std::string compose_file = "compose.yml";
  if (parts.size() > 1) {
    files.push_back(dir + "/compose.override.yml");
    ccci::fuzz::write_file(files[1], parts[1]);
    compose_file += ":compose.override.yml";
  }
  ccci::fuzz::write_file(dir + "/app.env", parts.size() > 2 ? parts[2] : "");
  std::map<std::string, std::string> env{{"STACK_NAME", "fuzz_stack"}, {"DOMAIN", "fuzz.example"}};
  if (parts.size() > 2) {
    if (auto parsed = ccci::harness::parse_env_file(parts[2], ".env", env); parsed.ok()) env = parsed->values();
  }
  env["COMPOSE_FILE"] = compose_file;
  auto model = ccci::harness::load_compose(dir, env);
  if (model.ok()) {
    ask_everything(*model);
  } else {
    ccci::fuzz::require_positioned_spec_error(model.error(), files);
  }
  clock.require_in_time("load_compose is quick");
  return 0;
}
