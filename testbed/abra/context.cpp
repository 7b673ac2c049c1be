#include "testbed/abra/context.hpp"

#include <fstream>

#include "harness/abra.hpp"
#include "harness/filesystem.hpp"
#include "harness/text.hpp"

namespace ccci::testbed {

using harness::ErrorKind;
using harness::make_error;

Context::Context(harness::ProcessRunner& runner, harness::Environment env) : runner_(runner), env_(std::move(env)) {
  auto dir = env_.find("ABRA_DIR");
  abra_dir_ = dir != env_.end() && !dir->second.empty() ? std::filesystem::path(dir->second)
                                                        : std::filesystem::path(env_["HOME"]) / ".abra";
}

harness::Result<std::filesystem::path> Context::find_app_env(const std::string& domain) const {
  // Iterated with error codes throughout: a range-for's increment throws filesystem_error.
  std::error_code ec;
  std::filesystem::directory_iterator server(abra_dir_ / "servers", ec), end;
  for (; !ec && server != end; server.increment(ec)) {
    auto candidate = server->path() / (domain + ".env");
    CCCI_TRY(bool exists, harness::path_exists(candidate));
    if (exists) return candidate;
  }
  if (ec && ec != std::errc::no_such_file_or_directory) {
    return make_error(ErrorKind::infra, "cannot list " + (abra_dir_ / "servers").string() + ": " + ec.message());
  }
  return make_error(ErrorKind::not_found, "unable to find app " + domain + " (no " + domain + ".env under " +
                                              (abra_dir_ / "servers").string() + ")");
}

harness::Result<harness::Completion> Context::run(std::vector<std::string> argv, std::chrono::milliseconds timeout,
                                                  const std::filesystem::path& cwd, bool allow_failure,
                                                  const harness::Environment& extra) {
  harness::Command command;
  command.argv = std::move(argv);
  command.env = env_;
  for (const auto& [k, v] : extra) command.env[k] = v;
  command.cwd = cwd;
  command.timeout = timeout;
  auto done = runner_.run(command);
  if (!done.ok()) return done.error();
  if (!done->succeeded() && !allow_failure) {
    return make_error(ErrorKind::infra, command.argv[0] + " " + (command.argv.size() > 1 ? command.argv[1] : "") +
                                            ": " + done->describe() + ": " +
                                            harness::last_lines(done->err.empty() ? done->out : done->err, 20, 1500));
  }
  return done;
}

std::string Context::git(const std::filesystem::path& dir, std::vector<std::string> args) {
  args.insert(args.begin(), {"git", "-C", dir.string()});
  auto done = run(std::move(args), std::chrono::seconds(60), {}, true);
  if (!done.ok() || !done->succeeded()) return {};
  std::string out = done->out;
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

std::map<std::string, std::string> App::compose_env() const {
  auto values = env.values();
  values["STACK_NAME"] = stack;
  auto exports = harness::read_env_file(recipe_dir / "abra.sh", values);
  if (exports.ok()) {
    for (const auto& [k, v] : exports->values()) values[k] = v;
  }
  return values;
}

harness::Result<App> load_app(Context& context, const std::string& domain) {
  CCCI_TRY_STATUS(harness::validate_domain(domain));
  App app;
  app.domain = domain;
  app.stack = harness::stack_name_for(domain);
  CCCI_TRY(app.env_path, context.find_app_env(domain));
  CCCI_TRY(app.env, harness::read_env_file(app.env_path));
  const auto* type = app.env.find("TYPE");
  if (!type) type = app.env.find("RECIPE");
  if (!type) return make_error(ErrorKind::usage, app.env_path.string() + " is missing the TYPE env var?");
  auto colon = type->value.find(':');
  app.recipe = type->value.substr(0, colon);
  if (colon != std::string::npos) app.env_version = type->value.substr(colon + 1);
  app.recipe_dir = context.recipe_dir(app.recipe);
  return app;
}

harness::Result<std::vector<std::string>> stack_services(Context& context, const std::string& stack) {
  CCCI_TRY(auto done, context.run({"docker", "service", "ls", "--filter", "label=com.docker.stack.namespace=" + stack,
                                   "--format", "{{.Name}}"},
                                  std::chrono::seconds(30)));
  std::vector<std::string> names;
  size_t start = 0;
  for (size_t end; (end = done.out.find('\n', start)) != std::string::npos; start = end + 1) {
    if (end > start) names.push_back(done.out.substr(start, end - start));
  }
  if (start < done.out.size()) names.push_back(done.out.substr(start));
  return names;
}

std::vector<std::string> shell_words(const std::string& text) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quote == '\'') {
      if (c == '\'')
        quote = 0;
      else
        word += c;
    } else if (quote == '"') {
      if (c == '"')
        quote = 0;
      else if (c == '\\' && i + 1 < text.size() && std::string("\"\\$`").find(text[i + 1]) != std::string::npos)
        word += text[++i];
      else
        word += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == '\\' && i + 1 < text.size()) {
      word += text[++i];
      in_word = true;
    } else if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(word);
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(word);
  return words;
}

}  // namespace ccci::testbed
