#include "testbed/abra/backupbot.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <exception>
#include <fstream>
#include <iostream>
#include <iterator>
#include <set>
#include <sstream>

#include "harness/filesystem.hpp"
#include "testbed/abra/backup_race.hpp"

namespace ccci::testbed {
namespace {

using harness::ErrorKind;
using harness::make_error;
using harness::Status;
using namespace std::chrono_literals;

struct Mount {
  std::string volume;  ///< the docker volume name (<stack>_<key>)
  std::string target;
};

struct RunningService {
  std::string name;
  std::map<std::string, std::string> labels;
  std::vector<Mount> mounts;
  std::string container;  ///< a running container of the service when enumerated; empty: none ran
};

/// A running container of `service`, or "" when none runs (a task being replaced).
harness::Result<std::string> running_container(Context& context, const std::string& service) {
  CCCI_TRY(auto ps, context.run({"docker", "ps", "-q", "--filter", "label=com.docker.swarm.service.name=" + service,
                                 "--filter", "status=running"},
                                30s));
  return ps.out.substr(0, ps.out.find('\n'));
}

harness::Result<std::vector<RunningService>> running_services(Context& context, const std::string& stack) {
  CCCI_TRY(auto names, stack_services(context, stack));
  std::vector<RunningService> services;
  for (const auto& name : names) {
    CCCI_TRY(auto inspected, context.run({"docker", "service", "inspect", "--format", "{{json .Spec}}", name}, 30s));
    boost::system::error_code ec;
    auto spec = boost::json::parse(inspected.out, ec);
    if (ec || !spec.is_object()) return make_error(ErrorKind::infra, "cannot parse the spec of " + name);
    RunningService service{name, {}, {}, {}};
    if (const auto* labels = spec.as_object().if_contains("Labels"); labels && labels->is_object()) {
      for (const auto& [k, v] : labels->as_object())
        service.labels[std::string(k)] = v.is_string() ? std::string(v.as_string()) : "";
    }
    const auto* task = spec.as_object().if_contains("TaskTemplate");
    const auto* container = task && task->is_object() ? task->as_object().if_contains("ContainerSpec") : nullptr;
    const auto* mounts = container && container->is_object() ? container->as_object().if_contains("Mounts") : nullptr;
    if (mounts && mounts->is_array()) {
      for (const auto& mount : mounts->as_array()) {
        const auto& m = mount.as_object();
        if (m.contains("Type") && m.at("Type").as_string() == "volume" && m.contains("Source")) {
          service.mounts.push_back({std::string(m.at("Source").as_string()), std::string(m.at("Target").as_string())});
        }
      }
    }
    CCCI_TRY(service.container, running_container(context, name));
    services.push_back(std::move(service));
  }
  return services;
}

/// backup-bot-two works only with services that have a running container when it enumerates:
/// one without is logged and its hooks and volumes are left out (docs/abra-contract.md
/// "Backups": what the ghost run saw; the words are recalled).
bool enumerable(const RunningService& service) {
  if (!service.container.empty()) return true;
  std::cerr << "ERRO Container " << service.name << " is not running, hooks can not be executed\n";
  return false;
}

std::string label(const RunningService& service, const std::string& key) {
  auto found = service.labels.find(key);
  return found == service.labels.end() ? "" : found->second;
}

/// Runs `hook` (split into words, as docker's SDK would) in the container of `service` found when
/// the services were enumerated.
Status run_hook(Context& context, const RunningService& service, const std::string& hook) {
  std::vector<std::string> argv{"docker", "exec", service.container};
  for (auto& word : shell_words(hook)) argv.push_back(word);
  auto done = context.run(argv, 600s, {}, true);
  if (!done.ok()) return done.error();
  if (!done->succeeded())
    return fatal("hook failed in " + service.name + ": " + hook + ": " + done->describe() + ": " + done->err);
  return harness::ok_status();
}

std::string app_version(const std::vector<RunningService>& services, const std::string& stack) {
  for (const auto& service : services) {
    std::string version = label(service, "coop-cloud." + stack + ".version");
    if (!version.empty()) return version;
  }
  return "";
}

harness::Environment restic_env(Context& context) {
  harness::Environment env;
  for (const char* key : {"RESTIC_REPOSITORY", "RESTIC_PASSWORD_FILE"}) {
    if (auto found = context.env().find(key); found != context.env().end()) env[key] = found->second;
  }
  return env;
}

harness::Result<std::vector<ResticSnapshot>> snapshots_of(Context& context, const std::string& stack) {
  CCCI_TRY(auto done,
           context.run({"restic", "snapshots", "--json", "--tag", stack}, 120s, {}, false, restic_env(context)));
  return parse_restic_snapshots(done.out);
}

/// CCCI_STANDIN_BACKUP_OUTPUT=table: `snapshots` and `list` print a second, differently decorated
/// format (a header, a separator line, aligned columns, the id first; paths after a time column),
/// so ccci's tolerant parsers are proven on more than the one recalled format.
bool table_output(Context& context) {
  auto found = context.env().find("CCCI_STANDIN_BACKUP_OUTPUT");
  return found != context.env().end() && found->second == "table";
}

/// "2026-11-23T07:00:00" → "2026-11-23 07:00:00", as a table would print it.
std::string spaced_time(std::string time) {
  if (time.size() > 10 && time[10] == 'T') time[10] = ' ';
  return time;
}

/// backup-bot-two execs its hooks in the app's containers through the docker API; a container
/// that is not running (a task still starting or restarting after a deploy) makes docker answer
/// 409 Conflict, which backupbot does not catch. The line is modelled on docker-py's APIError
/// (an assumption: docs/abra-standin.md). The stack is "not settled" while any of its services
/// runs fewer tasks than it wants.
harness::Result<std::vector<std::string>> unsettled_services(Context& context, const std::string& stack) {
  CCCI_TRY(auto listed, context.run({"docker", "service", "ls", "--filter", "label=com.docker.stack.namespace=" + stack,
                                     "--format", "{{.Name}} {{.Replicas}}"},
                                    30s));
  std::vector<std::string> unsettled;
  std::istringstream lines(listed.out);
  for (std::string name, replicas; lines >> name >> replicas;) {
    auto slash = replicas.find('/');
    if (slash == std::string::npos || replicas.substr(0, slash) != replicas.substr(slash + 1))
      unsettled.push_back(name);
    std::string rest;
    std::getline(lines, rest);  // "(max 1 per node)" and the like
  }
  return unsettled;
}

/// CCCI_STANDIN_BACKUP_409=<n>: the first n `backup create` calls for an app answer 409 whatever
/// the stack's state (counted in a file under the app's tmp dir), for the e2e of ccci's retry.
harness::Result<bool> forced_conflict(Context& context, const App& app) {
  auto knob = context.env().find("CCCI_STANDIN_BACKUP_409");
  if (knob == context.env().end() || knob->second.empty()) return false;
  int wanted = 0;
  try {
    wanted = std::stoi(knob->second);
  } catch (const std::exception&) {
    return fatal("CCCI_STANDIN_BACKUP_409 is not a number: " + knob->second);
  }
  auto dir = context.abra_dir() / "tmp" / app.stack / "backupbot";
  CCCI_TRY_STATUS(harness::make_directories(dir));
  auto counter = dir / "conflicts-answered";
  int answered = 0;
  std::ifstream(counter) >> answered;
  if (answered >= wanted) return false;
  std::ofstream(counter) << answered + 1 << "\n";
  return true;
}

harness::Error conflict(const std::string& container) {
  return fatal("docker.errors.APIError: 409 Client Error for http+docker://localhost/v1.47/containers/" + container +
               "/exec: Conflict (\"container " + container + " is not running\")");
}

}  // namespace

harness::Result<std::vector<ResticSnapshot>> parse_restic_snapshots(const std::string& json) {
  boost::system::error_code ec;
  auto parsed = boost::json::parse(json, ec);
  if (ec || !parsed.is_array()) return make_error(ErrorKind::infra, "restic snapshots printed no JSON list");
  std::vector<ResticSnapshot> snapshots;
  for (const auto& item : parsed.as_array()) {
    const auto* s = item.if_object();
    const auto* time = s ? s->if_contains("time") : nullptr;
    const auto* id = s ? s->if_contains("id") : nullptr;
    if (!time || !time->is_string() || !id || !id->is_string()) {
      return make_error(ErrorKind::infra,
                        "restic snapshots printed an entry without time and id: " + boost::json::serialize(item));
    }
    ResticSnapshot snapshot;
    snapshot.time = std::string(time->get_string()).substr(0, 19);
    snapshot.id = std::string(id->get_string());
    const auto* short_id = s->if_contains("short_id");
    snapshot.short_id =
        short_id && short_id->is_string() ? std::string(short_id->get_string()) : snapshot.id.substr(0, 8);
    if (const auto* tags = s->if_contains("tags"); tags && tags->is_array()) {
      for (const auto& tag : tags->get_array()) {
        if (!tag.is_string()) continue;
        std::string text(tag.get_string());
        if (text.rfind("version=", 0) == 0) snapshot.version = text.substr(8);
      }
    }
    snapshots.push_back(snapshot);
  }
  std::sort(snapshots.begin(), snapshots.end(), [](const auto& a, const auto& b) { return a.time < b.time; });
  return snapshots;
}

Status backup_create(Context& context, const Invocation& invocation) {
  CCCI_TRY(App app, load_app(context, invocation.positionals[0]));
  CCCI_TRY(bool forced, forced_conflict(context, app));
  if (forced) return conflict(app.stack + "_app");
  CCCI_TRY(auto unsettled, unsettled_services(context, app.stack));
  if (!unsettled.empty()) return conflict(unsettled.front());
  // After the settledness check and before the enumeration: the one window in which the race
  // can leave a service out without a 409.
  CCCI_TRY(auto raced, race_backup(context, app));
  CCCI_TRY(auto services, running_services(context, app.stack));
  if (raced) {
    auto again = std::find_if(services.begin(), services.end(),
                              [&](const RunningService& s) { return s.name == *raced && !s.container.empty(); });
    if (again != services.end())
      return fatal("CCCI_STANDIN_BACKUP_RACE: swarm ran " + *raced + " again before the enumeration");
  }
  bool enabled = std::any_of(services.begin(), services.end(),
                             [](const RunningService& s) { return label(s, "backupbot.backup") == "true"; });
  if (!enabled) return fatal("no service of " + app.stack + " has backupbot.backup=true");
  // Paths and hooks are enumerated once, before the hooks run, as backup-bot-two does.
  std::set<std::string> paths;
  std::vector<RunningService> enumerated;
  for (const auto& service : services) {
    if (!enumerable(service)) continue;
    enumerated.push_back(service);
    for (const auto& mount : service.mounts) {
      std::string key =
          mount.volume.rfind(app.stack + "_", 0) == 0 ? mount.volume.substr(app.stack.size() + 1) : mount.volume;
      std::string excluded, only;
      for (const auto& s : services) {
        if (excluded.empty()) excluded = label(s, "backupbot.backup.volumes." + key);
        if (only.empty()) only = label(s, "backupbot.backup.volumes." + key + ".path");
      }
      if (excluded == "false") continue;
      std::string root = "/var/lib/docker/volumes/" + mount.volume + "/_data";
      if (only.empty()) {
        paths.insert(root);
        continue;
      }
      for (size_t start = 0; start <= only.size();) {
        size_t comma = only.find(',', start);
        std::string part = only.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!part.empty()) paths.insert(root + "/" + part);
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    }
  }
  for (const auto& service : enumerated) {
    if (auto hook = label(service, "backupbot.backup.pre-hook"); !hook.empty())
      CCCI_TRY_STATUS(run_hook(context, service, hook));
  }
  // backup-bot-two's snapshots also hold the app's metadata; with every volume excluded that is
  // all a snapshot holds.
  auto manifest = context.abra_dir() / "tmp" / app.stack / "backupbot";
  CCCI_TRY_STATUS(harness::make_directories(manifest));
  std::ofstream(manifest / "app") << app.domain << "\n" << app_version(services, app.stack) << "\n";
  std::vector<std::string> argv{"restic",         "backup", "--tag", app.stack,
                                "--host",         "ccci",   "--tag", "version=" + app_version(services, app.stack),
                                manifest.string()};
  argv.insert(argv.end(), paths.begin(), paths.end());
  auto done = context.run(argv, 600s, {}, false, restic_env(context));
  if (!done.ok()) return fatal("restic backup failed: " + done.error().message);
  for (const auto& service : enumerated) {
    if (auto hook = label(service, "backupbot.backup.post-hook"); !hook.empty())
      CCCI_TRY_STATUS(run_hook(context, service, hook));
  }
  std::cout << "INFO backup of " << app.domain << " done\n";
  return harness::ok_status();
}

Status backup_snapshots(Context& context, const Invocation& invocation) {
  CCCI_TRY(App app, load_app(context, invocation.positionals[0]));
  CCCI_TRY(auto snapshots, snapshots_of(context, app.stack));
  if (snapshots.empty()) {
    std::cerr << "WARN No Snapshots found for app " << app.domain << "\n";
    return harness::ok_status();
  }
  if (table_output(context)) {
    std::cout << "ID        TIME                 VERSION\n"
              << "--------  -------------------  -------\n";
    for (const auto& snapshot : snapshots)
      std::cout << snapshot.short_id << "  " << spaced_time(snapshot.time) << "  " << snapshot.version << "\n";
    std::cout << snapshots.size() << " snapshots\n";
    return harness::ok_status();
  }
  for (const auto& snapshot : snapshots)
    std::cout << snapshot.time << " " << snapshot.short_id << " " << snapshot.version << "\n";
  return harness::ok_status();
}

Status backup_list(Context& context, const Invocation& invocation) {
  CCCI_TRY(App app, load_app(context, invocation.positionals[0]));
  std::string snapshot = invocation.value("snapshot");
  std::vector<std::string> argv{"restic", "ls", "--json"};
  if (snapshot.empty())
    argv.insert(argv.end(), {"--tag", app.stack, "latest"});
  else
    argv.push_back(snapshot);
  CCCI_TRY(auto done, context.run(argv, 120s, {}, true, restic_env(context)));
  if (!done.succeeded()) return fatal("No Snapshots with ID " + snapshot + " found");
  bool all = invocation.has("all");
  bool table = table_output(context);
  if (table) std::cout << "TIME                 PATH\n";
  std::istringstream lines(done.out);
  for (std::string line; std::getline(lines, line);) {
    boost::system::error_code ec;
    auto node = boost::json::parse(line, ec);
    if (ec || !node.is_object() || !node.as_object().contains("path")) continue;
    std::string path(node.as_object().at("path").as_string());
    if (!all && path.rfind("/var/lib/docker/volumes/", 0) != 0) continue;
    const auto* mtime = node.as_object().if_contains("mtime");
    if (table && mtime && mtime->is_string())
      std::cout << spaced_time(std::string(mtime->get_string()).substr(0, 19)) << "  ";
    std::cout << path << "\n";
  }
  return harness::ok_status();
}

Status restore(Context& context, const Invocation& invocation) {
  CCCI_TRY(App app, load_app(context, invocation.positionals[0]));
  CCCI_TRY(auto snapshots, snapshots_of(context, app.stack));
  std::string wanted = invocation.value("snapshot");
  const ResticSnapshot* chosen = nullptr;
  for (const auto& snapshot : snapshots) {
    if (wanted.empty() || snapshot.short_id == wanted || snapshot.id == wanted) chosen = &snapshot;
  }
  if (!chosen) return make_error(ErrorKind::not_found, "No Snapshots with ID " + wanted + " found");
  CCCI_TRY(auto services, running_services(context, app.stack));
  std::vector<RunningService> enumerated;
  std::copy_if(services.begin(), services.end(), std::back_inserter(enumerated), enumerable);
  for (const auto& service : enumerated) {
    if (auto hook = label(service, "backupbot.restore.pre-hook"); !hook.empty())
      CCCI_TRY_STATUS(run_hook(context, service, hook));
  }
  auto done = context.run({"restic", "restore", chosen->id, "--target", "/", "--include", "/var/lib/docker/volumes"},
                          600s, {}, false, restic_env(context));
  if (!done.ok()) return fatal("restic restore failed: " + done.error().message);
  for (const auto& service : enumerated) {
    if (auto hook = label(service, "backupbot.restore.post-hook"); !hook.empty())
      CCCI_TRY_STATUS(run_hook(context, service, hook));
  }
  std::cout << "INFO restored snapshot " << chosen->short_id << " of " << app.domain << "\n";
  return harness::ok_status();
}

}  // namespace ccci::testbed
