#include "testbed/abra/app_commands.hpp"

#include <cstdio>

#include <sys/stat.h>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include "harness/abra.hpp"
#include "harness/clock.hpp"
#include "harness/filesystem.hpp"
#include "harness/poll.hpp"

namespace ccci::testbed {
namespace {

using harness::ErrorKind;
using harness::make_error;
using harness::Status;
using namespace std::chrono_literals;

/// Far above any password abra generates; a `# length=` beyond it is a mistake, not a request.
constexpr size_t max_secret_length = 4096;

/// `text` with every `from` replaced by `to`.
std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

std::string latest_tag(Context& context, const std::filesystem::path& dir) {
  std::string tags = context.git(dir, {"tag", "--sort=v:refname"});
  auto last = tags.rfind('\n');
  return last == std::string::npos ? tags : tags.substr(last + 1);
}

Status checkout(Context& context, const std::filesystem::path& dir, const std::string& version) {
  auto done = context.run(
      {"git", "-C", dir.string(), "-c", "advice.detachedHead=false", "checkout", "-q", "refs/tags/" + version}, 60s);
  if (!done.ok()) return fatal("unable to check out " + version + " in " + dir.string() + ": " + done.error().message);
  return harness::ok_status();
}

bool dirty(Context& context, const std::filesystem::path& dir) {
  auto done = context.run({"git", "-C", dir.string(), "status", "--porcelain"}, 60s);
  return !done.ok() || !done->out.empty();
}

/// abra refuses to check a version out over local changes (abra-cli.md §2 [OBS]).
Status refuse_dirty_tree(Context& context, const App& app) {
  if (!dirty(context, app.recipe_dir)) return harness::ok_status();
  return fatal(app.recipe + " (" + app.recipe_dir.string() +
               ") has locally unstaged changes? please commit/remove your changes before proceeding");
}

/// Rewrites (or adds) the TYPE line of the .env.
Status write_type(const App& app, const std::string& version) {
  std::ifstream in(app.env_path);
  std::string text, line;
  bool written = false;
  while (std::getline(in, line)) {
    if (!written && (line.rfind("TYPE=", 0) == 0 || line.rfind("RECIPE=", 0) == 0)) {
      line = "TYPE=" + app.recipe + (version.empty() ? "" : ":" + version);
      written = true;
    }
    text += line + "\n";
  }
  if (!written) text = "TYPE=" + app.recipe + ":" + version + "\n" + text;
  std::ofstream(app.env_path, std::ios::trunc) << text;
  return harness::ok_status();
}

}  // namespace

harness::Result<std::vector<SecretPlan>> secret_plans(const App& app) {
  CCCI_TRY(auto model, harness::load_compose(app.recipe_dir, app.compose_env()));
  std::vector<SecretPlan> plans;
  for (const auto& [key, resource] : model.secrets) {
    SecretPlan plan{key, resource.name, true, 32};
    std::string upper;
    for (char c : key) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const auto* version = app.env.find("SECRET_" + upper + "_VERSION");
    if (plan.name.empty()) plan.name = app.stack + "_" + key + "_" + (version ? version->value : "v1");
    if (version) {
      if (version->comment.find("generate=false") != std::string::npos) plan.generate = false;
      CCCI_TRY(auto length, harness::comment_number(*version, "length", max_secret_length, app.env_path.string()));
      if (length) plan.length = *length;
    }
    plans.push_back(plan);
  }
  return plans;
}

namespace {

bool secret_exists(Context& context, const std::string& name) {
  auto done = context.run({"docker", "secret", "inspect", name}, 30s, {}, true);
  return done.ok() && done->succeeded();
}

Status create_secret(Context& context, const App& app, const std::string& name, const std::string& value) {
  auto file = context.abra_dir() / "tmp" / ("secret-" + name);
  CCCI_TRY_STATUS(harness::make_directories(file.parent_path()));
  {
    std::ofstream out(file, std::ios::trunc);
    ::chmod(file.c_str(), 0600);
    out << value;
  }
  auto done = context.run(
      {"docker", "secret", "create", "--label", "com.docker.stack.namespace=" + app.stack, name, file.string()}, 30s);
  auto removed = harness::remove_file(file);  // it holds the secret: failing to remove it is an error
  if (!done.ok()) return done.error();
  return removed;
}

/// Waits until every service of the stack runs its desired replicas with its current spec.
Status wait_converged(Context& context, const App& app, std::chrono::seconds timeout) {
  auto clock = harness::make_system_clock();
  harness::PollOptions options;
  options.timeout = timeout;
  options.max_wait = 1s;
  auto result = harness::poll_until(*clock, options, [&] {
    auto services = stack_services(context, app.stack);
    if (!services.ok()) return harness::ProbeReport::failed(services.error().message);
    if (services->empty()) return harness::ProbeReport::pending("no services yet");
    for (const auto& service : *services) {
      auto state = context.run(
          {"docker", "service", "inspect", "--format", "{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}", service},
          30s, {}, true);
      std::string update = state.ok() ? state->out : "";
      if (update.find("rollback") != std::string::npos || update.find("paused") != std::string::npos) {
        return harness::ProbeReport::failed(service + " update " + update);
      }
      if (update.find("updating") != std::string::npos) return harness::ProbeReport::pending(service + " is updating");
      // Only tasks of the current spec, as docker's own progress monitor (which abra's copies) asks:
      // during a rolling update the old spec's task still runs.
      auto tasks =
          context.run({"docker", "service", "ps", "--filter", "_up-to-date=true", "--filter", "desired-state=running",
                       "--format", "{{.CurrentState}}|{{.Error}}", "--no-trunc", service},
                      30s, {}, true);
      if (!tasks.ok() || tasks->out.rfind("Running", 0) != 0) {
        std::string last = tasks.ok() ? tasks->out.substr(0, tasks->out.find('\n')) : "";
        return harness::ProbeReport::pending(service + ": " + (last.empty() ? "no running task" : last));
      }
    }
    return harness::ProbeReport::done();
  });
  if (!result.done()) return fatal("deploy failed: " + result.last_message);
  return harness::ok_status();
}

Status gateway_sync(Context& context) {
  auto testbed = context.env().find("CCCI_TESTBED");
  if (testbed == context.env().end() || testbed->second.empty()) return harness::ok_status();
  auto done = context.run({testbed->second, "gateway-sync"}, 120s);
  if (!done.ok()) return done.error();
  return harness::ok_status();
}

std::string yaml_quote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) out += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
  return out + "\"";
}

}  // namespace

Status check_out_pinned_version(Context& context, const App& app, bool chaos) {
  if (chaos || app.env_version.empty()) return harness::ok_status();
  CCCI_TRY_STATUS(refuse_dirty_tree(context, app));
  return checkout(context, app.recipe_dir, app.env_version);
}

Status check_out_pinned_version(Context& context, const Invocation& invocation) {
  static const std::set<std::string> loads_the_recipe{"app secret generate",  "app secret insert", "app backup create",
                                                      "app backup snapshots", "app backup list",   "app restore"};
  if (!loads_the_recipe.count(invocation.command) || invocation.positionals.empty()) return harness::ok_status();
  CCCI_TRY(App app, load_app(context, invocation.positionals.front()));
  return check_out_pinned_version(context, app, invocation.has("chaos"));
}

std::string chaos_version(const std::string& head, bool is_dirty) { return head.substr(0, 8) + (is_dirty ? "+U" : ""); }

std::string generate_secret(size_t length) {
  static constexpr char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::random_device device;
  std::uniform_int_distribution<size_t> pick(0, sizeof(alphabet) - 2);
  std::string value;
  for (size_t i = 0; i < length; ++i) value += alphabet[pick(device)];
  return value;
}

Status app_new(Context& context, const Invocation& invocation) {
  const std::string& recipe = invocation.positionals[0];
  CCCI_TRY_STATUS(harness::validate_recipe_name(recipe));
  std::string domain = invocation.value("domain");
  std::string server = invocation.value("server");
  if (domain.empty() || server.empty()) return make_error(ErrorKind::usage, "app new needs --server and --domain");
  CCCI_TRY_STATUS(harness::validate_domain(domain));
  // Like abra, which knows only the servers `abra server add` made under $ABRA_DIR/servers/.
  std::error_code unreadable;
  if (!std::filesystem::is_directory(context.abra_dir() / "servers" / server, unreadable)) {
    return fatal("server " + server + " doesn't exist? (no " + (context.abra_dir() / "servers" / server).string() +
                 "; register it with: abra server add)");
  }
  auto dir = context.recipe_dir(recipe);
  CCCI_TRY(bool has_sample, harness::path_exists(dir / ".env.sample"));
  if (!has_sample) return fatal(dir.string() + "/.env.sample does not exist?");
  auto env_path = context.abra_dir() / "servers" / server / (domain + ".env");
  CCCI_TRY(bool env_exists, harness::path_exists(env_path));
  if (env_exists) return fatal(env_path.string() + " already exists?");
  if (!invocation.has("chaos")) {
    std::string version = invocation.positionals.size() > 1 ? invocation.positionals[1] : latest_tag(context, dir);
    CCCI_TRY_STATUS(checkout(context, dir, version));
  }
  std::ifstream sample(dir / ".env.sample");
  std::stringstream text;
  text << sample.rdbuf();
  std::string env = replace_all(text.str(), recipe + ".example.com", domain);
  CCCI_TRY_STATUS(harness::make_directories(env_path.parent_path()));
  std::ofstream(env_path) << env;
  if (invocation.has("secrets")) {
    Invocation generate;
    generate.positionals = {domain};
    generate.switches = {"all"};
    return app_secret_generate(context, generate);
  }
  return harness::ok_status();
}

Status app_secret_generate(Context& context, const Invocation& invocation) {
  CCCI_TRY(App app, load_app(context, invocation.positionals[0]));
  if (!invocation.has("all")) return make_error(ErrorKind::usage, "the stand-in only generates --all secrets");
  CCCI_TRY(auto plans, secret_plans(app));
  // abra prints what it generated, once, as a NAME/VALUE table (docs/abra-standin.md).
  std::vector<std::pair<std::string, std::string>> generated;
  for (const auto& plan : plans) {
    if (!plan.generate || secret_exists(context, plan.name)) continue;
    std::string value = generate_secret(plan.length);
    CCCI_TRY_STATUS(create_secret(context, app, plan.name, value));
    generated.emplace_back(plan.key, value);
  }
  if (!generated.empty()) {
    std::printf("%-24s %s\n", "NAME", "VALUE");
    for (const auto& [key, value] : generated) std::printf("%-24s %s\n", key.c_str(), value.c_str());
  }
  return harness::ok_status();
}

Status app_secret_insert(Context& context, const Invocation& invocation) {
  CCCI_TRY(App app, load_app(context, invocation.positionals[0]));
  const std::string& name = invocation.positionals[1];
  const std::string& version = invocation.positionals[2];
  if (invocation.positionals.size() < 4)
    return make_error(ErrorKind::usage, "secret insert needs a value or -f <file>");
  std::string value = invocation.positionals[3];
  if (invocation.has("file")) {
    std::ifstream in(value);
    if (!in) return fatal("cannot read " + value);
    std::stringstream text;
    text << in.rdbuf();
    value = text.str();
  }
  return create_secret(context, app, app.stack + "_" + name + "_" + version, value);
}

namespace {

/// A release deploy checks out its version (given, pinned in the .env, or the latest tag) on a
/// clean tree; the version it deployed.
harness::Result<std::string> check_out_release(Context& context, const App& app, const Invocation& invocation) {
  CCCI_TRY_STATUS(refuse_dirty_tree(context, app));
  std::string version = invocation.positionals.size() > 1 ? invocation.positionals[1]
                        : !app.env_version.empty()        ? app.env_version
                                                          : latest_tag(context, app.recipe_dir);
  CCCI_TRY_STATUS(checkout(context, app.recipe_dir, version));
  return version;
}

/// The labels abra puts on the app service: recipe, chaos and the version deployed (a chaos
/// deploy: the checkout's commit, "+U" when dirty, and the recipe's own version label).
std::map<std::string, std::string> deploy_labels(Context& context, const App& app, const harness::ComposeModel& model,
                                                 bool chaos, const std::string& version) {
  std::string prefix = "coop-cloud." + app.stack + ".";
  std::map<std::string, std::string> labels{{prefix + "recipe", app.recipe},
                                            {prefix + "chaos", chaos ? "true" : "false"}};
  if (!chaos) {
    labels[prefix + "version"] = version;
    return labels;
  }
  std::string head = context.git(app.recipe_dir, {"rev-parse", "HEAD"});
  labels[prefix + "chaos-version"] = chaos_version(head, dirty(context, app.recipe_dir));
  if (model.services.count("app")) {
    const auto& own_labels = model.services.at("app").deploy_labels;
    if (auto own = own_labels.find(prefix + "version"); own != own_labels.end())
      labels[prefix + "version"] = own->second;
  }
  return labels;
}

/// `docker stack deploy` of the app's compose files, plus the generated labels overlay and, on the
/// testbed, its compose overlay — both written into `overlay_dir`, outside the checkout.
harness::Result<std::vector<std::string>> stack_deploy_argv(Context& context, const App& app,
                                                            std::map<std::string, std::string>& env,
                                                            const harness::ComposeModel& model,
                                                            const std::map<std::string, std::string>& labels,
                                                            const std::filesystem::path& overlay_dir) {
  CCCI_TRY_STATUS(harness::make_directories(overlay_dir));
  std::ofstream labels_file(overlay_dir / "labels.yml", std::ios::trunc);
  labels_file << "version: \"3.8\"\nservices:\n  app:\n    deploy:\n      labels:\n";
  for (const auto& [key, value] : labels)
    labels_file << "        " << yaml_quote(key) << ": " << yaml_quote(value) << "\n";
  labels_file.close();
  // Like abra (Prune: false): services the new files drop keep running until someone prunes them.
  std::vector<std::string> argv{"docker", "stack", "deploy", "--resolve-image", "never", "--detach=true"};
  std::string files = env.count("COMPOSE_FILE") && !env["COMPOSE_FILE"].empty() ? env["COMPOSE_FILE"] : "compose.yml";
  for (size_t start = 0; start <= files.size();) {
    size_t colon = files.find(':', start);
    std::string file = files.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    if (!file.empty()) argv.insert(argv.end(), {"-c", (app.recipe_dir / file).string()});
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  if (model.services.count("app")) argv.insert(argv.end(), {"-c", (overlay_dir / "labels.yml").string()});
  if (auto testbed = context.env().find("CCCI_TESTBED"); testbed != context.env().end() && !testbed->second.empty()) {
    std::vector<std::string> overlay{testbed->second, "compose-overlay"};
    for (const auto& name : model.service_names()) overlay.push_back(name);
    CCCI_TRY(auto printed, context.run(overlay, 30s));
    std::ofstream(overlay_dir / "testbed.yml", std::ios::trunc) << printed.out;
    argv.insert(argv.end(), {"-c", (overlay_dir / "testbed.yml").string()});
  }
  argv.push_back(app.stack);
  return argv;
}

/// How long abra waits for convergence: the app's `coop-cloud.<stack>.timeout` label, else 300 s.
std::chrono::seconds converge_timeout(const App& app, const harness::ComposeModel& model) {
  long timeout = 300;
  if (model.services.count("app")) {
    const auto& labels = model.services.at("app").deploy_labels;
    auto label = labels.find("coop-cloud." + app.stack + ".timeout");
    if (label != labels.end()) timeout = std::atol(label->second.c_str());
  }
  return std::chrono::seconds(timeout > 0 ? timeout : 300);
}

}  // namespace

Status app_deploy(Context& context, const Invocation& invocation) {
  CCCI_TRY(App app, load_app(context, invocation.positionals[0]));
  bool chaos = invocation.has("chaos");
  CCCI_TRY(auto services, stack_services(context, app.stack));
  if (!services.empty() && !invocation.has("force")) return fatal(app.domain + " is already deployed");
  std::string version;
  if (!chaos) {
    CCCI_TRY(version, check_out_release(context, app, invocation));
  }
  auto env = app.compose_env();
  auto model = harness::load_compose(app.recipe_dir, env);
  if (!model.ok()) return fatal("unable to read the compose files: " + model.error().message);
  CCCI_TRY(auto plans, secret_plans(app));
  for (const auto& plan : plans) {
    if (!secret_exists(context, plan.name)) {
      return fatal(plan.generate ? "secret not generated: " + plan.name
                                 : "secret not inserted (#generate=false): " + plan.name);
    }
  }
  // Generated overlays live outside the checkout, so they never make it dirty.
  auto labels = deploy_labels(context, app, *model, chaos, version);
  CCCI_TRY(auto argv, stack_deploy_argv(context, app, env, *model, labels, context.abra_dir() / "tmp" / app.stack));
  auto deployed = context.run(argv, 300s, {}, false, harness::Environment(env.begin(), env.end()));
  if (!deployed.ok()) return fatal("deploy failed: " + deployed.error().message);
  if (!invocation.has("no-converge-checks"))
    CCCI_TRY_STATUS(wait_converged(context, app, converge_timeout(app, *model)));
  CCCI_TRY_STATUS(gateway_sync(context));
  if (!chaos) CCCI_TRY_STATUS(write_type(app, version));
  return harness::ok_status();
}

Status app_undeploy(Context& context, const Invocation& invocation) {
  CCCI_TRY(App app, load_app(context, invocation.positionals[0]));
  CCCI_TRY(auto services, stack_services(context, app.stack));
  if (services.empty()) return make_error(ErrorKind::not_found, app.domain + " is not deployed?");
  CCCI_TRY(auto removed, context.run({"docker", "stack", "rm", app.stack}, 120s));
  auto clock = harness::make_system_clock();
  harness::PollOptions options;
  options.timeout = 120s;
  auto gone = harness::poll_until(*clock, options, [&] {
    auto left = context.run({"docker", "ps", "-aq", "--filter", "label=com.docker.stack.namespace=" + app.stack}, 30s);
    auto services_left = stack_services(context, app.stack);
    bool empty = left.ok() && left->out.empty() && services_left.ok() && services_left->empty();
    return empty ? harness::ProbeReport::done()
                 : harness::ProbeReport::pending("containers of " + app.stack + " still there");
  });
  if (!gone.done()) return fatal("undeploy of " + app.domain + " did not finish: " + gone.last_message);
  return gateway_sync(context);
}

namespace {

/// docker objects of `kind` that belong to the stack: by namespace label, or by `<stack>_` name.
harness::Result<std::vector<std::string>> owned(Context& context, const std::string& kind, const std::string& stack) {
  std::vector<std::string> names;
  for (const auto& filter : {"label=com.docker.stack.namespace=" + stack, "name=" + stack + "_"}) {
    CCCI_TRY(auto done, context.run({"docker", kind, "ls", "--filter", filter, "--format", "{{.Name}}"}, 30s));
    std::istringstream lines(done.out);
    for (std::string name; std::getline(lines, name);) {
      bool mine = name.rfind(stack + "_", 0) == 0 || std::string(filter).rfind("label=", 0) == 0;
      if (mine && std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    }
  }
  return names;
}

Status remove_all(Context& context, const std::string& kind, const std::string& stack) {
  CCCI_TRY(auto names, owned(context, kind, stack));
  if (names.empty()) return harness::ok_status();
  std::vector<std::string> argv{"docker", kind, "rm"};
  argv.insert(argv.end(), names.begin(), names.end());
  CCCI_TRY(auto done, context.run(argv, 60s));
  return harness::ok_status();
}

}  // namespace

Status app_remove(Context& context, const Invocation& invocation) {
  CCCI_TRY(App app, load_app(context, invocation.positionals[0]));
  CCCI_TRY(auto services, stack_services(context, app.stack));
  if (!services.empty()) return fatal(app.domain + " is still deployed. Run \"abra app undeploy " + app.domain + "\"");
  CCCI_TRY_STATUS(remove_all(context, "volume", app.stack));
  CCCI_TRY_STATUS(remove_all(context, "secret", app.stack));
  CCCI_TRY_STATUS(remove_all(context, "config", app.stack));
  CCCI_TRY_STATUS(harness::remove_file(app.env_path));
  // The generated overlays are scratch: one left behind is not the app's (abra ignores it too).
  (void)harness::remove_tree(context.abra_dir() / "tmp" / app.stack);
  return harness::ok_status();
}

Status app_volume_remove(Context& context, const Invocation& invocation) {
  CCCI_TRY(App app, load_app(context, invocation.positionals[0]));
  return remove_all(context, "volume", app.stack);
}

}  // namespace ccci::testbed
