#include "harness/docker.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <future>
#include <optional>
#include <set>
#include <span>

#include <boost/json.hpp>

#include "harness/text.hpp"

namespace ccci::harness {
namespace {

constexpr std::string_view json_row_format = "{{json .}}";
constexpr std::string_view labels_format = "{{json .Spec.Labels}}";
// One tab-separated line each (a literal tab in the template; no shell is involved).
constexpr std::string_view engine_format =
    "{{.ServerVersion}}\t{{.Swarm.LocalNodeState}}\t{{.Swarm.ControlAvailable}}\t{{.DockerRootDir}}";
constexpr std::string_view network_format = "{{.Driver}}\t{{.Attachable}}";

// Output that means the daemon (or our access to it) is gone, whatever the command.
constexpr std::array daemon_unreachable{
    std::string_view{"cannot connect to the docker daemon"},
    std::string_view{"is the docker daemon running"},
    std::string_view{"error during connect"},
    std::string_view{"permission denied while trying to connect"},
};

// A registry answer that the image does not exist (or is not ours to pull).
constexpr std::array image_missing{
    std::string_view{"manifest unknown"},
    std::string_view{"not found"},
    std::string_view{"pull access denied"},
    std::string_view{"repository does not exist"},
};

// ---------------------------------------------------------------------------------------------
// Text helpers.

/// The end of docker's output, for a message.
std::string tail(std::string_view text) { return last_lines(text, 10, 1500); }

/// The lines of two timestamped streams (`<RFC 3339 time> <task> | <line>`) in time order; lines
/// with equal times keep their stream order, stdout first.
std::string merge_by_timestamp(std::string_view out, std::string_view err) {
  std::vector<std::string> lines;
  for (std::string_view stream : {out, err}) {
    size_t start = 0;
    while (start < stream.size()) {
      size_t end = stream.find('\n', start);
      if (end == std::string_view::npos) end = stream.size();
      if (end > start) lines.emplace_back(stream.substr(start, end - start));
      start = end + 1;
    }
  }
  std::stable_sort(lines.begin(), lines.end(), [](const std::string& a, const std::string& b) {
    return a.substr(0, a.find(' ')) < b.substr(0, b.find(' '));
  });
  std::string merged;
  for (const auto& line : lines) merged += line + "\n";
  return merged;
}

bool contains_any(std::string_view haystack, std::span<const std::string_view> needles) {
  return std::any_of(needles.begin(), needles.end(),
                     [&](std::string_view needle) { return haystack.find(needle) != std::string_view::npos; });
}

Error unparsable(std::string_view what, std::string_view why, std::string_view text) {
  return make_error(ErrorKind::infra, "cannot parse " + std::string(what) + " (" + std::string(why) +
                                          "); output ends with:\n" + tail(text));
}

constexpr std::string_view object_name_chars = "_.-";
constexpr std::string_view image_chars = "_.-/:@";
constexpr std::string_view label_filter_chars = "_.-=/:";

// ---------------------------------------------------------------------------------------------

struct ResidueKind {
  std::vector<std::string> Residue::*field;
  std::vector<std::string> list_argv;  ///< before the --filter
  std::string_view name_format;
};

const std::vector<ResidueKind>& residue_kinds() {
  static const std::vector<ResidueKind> kinds{
      {&Residue::services, {"service", "ls"}, "{{.Name}}"}, {&Residue::containers, {"ps", "-a"}, "{{.Names}}"},
      {&Residue::volumes, {"volume", "ls"}, "{{.Name}}"},   {&Residue::secrets, {"secret", "ls"}, "{{.Name}}"},
      {&Residue::configs, {"config", "ls"}, "{{.Name}}"},   {&Residue::networks, {"network", "ls"}, "{{.Name}}"},
  };
  return kinds;
}

class RealDockerDriver final : public DockerDriver {
 public:
  RealDockerDriver(ProcessRunner& runner, DockerSettings settings) : runner_(runner), settings_(std::move(settings)) {}

  Result<EngineFacts> engine_facts() override {
    CCCI_TRY(auto completion, run_docker({"info", "--format", std::string(engine_format)}));
    return parse_engine_facts(completion.out);
  }

  Result<NetworkFacts> network_facts(const std::string& network) override {
    CCCI_TRY_STATUS(validate_docker_name("network name", network, object_name_chars));
    CCCI_TRY(auto completion,
             run_docker({"network", "inspect", "--format", std::string(network_format), network}, Missing::not_found));
    return parse_network_facts(completion.out);
  }

  Result<std::vector<std::string>> services_labelled(const std::string& label_filter) override {
    CCCI_TRY_STATUS(validate_docker_name("label filter", label_filter, label_filter_chars));
    CCCI_TRY(auto completion,
             run_docker({"service", "ls", "--filter", "label=" + label_filter, "--format", "{{.Name}}"}));
    return trimmed_lines(completion.out);
  }

  Result<std::vector<ServiceSummary>> service_ls(const std::string& stack) override {
    CCCI_TRY_STATUS(validate_docker_name("stack name", stack, object_name_chars));
    CCCI_TRY(auto completion, run_docker({"service", "ls", "--filter", "label=" + stack_namespace_label(stack),
                                          "--format", std::string(json_row_format)}));
    return parse_service_ls(completion.out);
  }

  Result<std::map<std::string, std::string>> service_labels(const std::string& service) override {
    CCCI_TRY_STATUS(validate_docker_name("service name", service, object_name_chars));
    CCCI_TRY(auto completion,
             run_docker({"service", "inspect", "--format", std::string(labels_format), service}, Missing::not_found));
    return parse_labels(completion.out);
  }

  Status service_rm(const std::vector<std::string>& services) override {
    return remove_all("service name", {"service", "rm"}, services);
  }

  Result<std::map<std::string, std::string>> service_images(const std::vector<std::string>& services) override {
    if (services.empty()) return std::map<std::string, std::string>{};
    for (const auto& service : services)
      CCCI_TRY_STATUS(validate_docker_name("service name", service, object_name_chars));
    std::vector<std::string> inspect{"service", "inspect"};
    inspect.insert(inspect.end(), services.begin(), services.end());
    CCCI_TRY(auto inspected, run_docker(std::move(inspect), Missing::not_found));
    return parse_service_images(inspected.out);
  }

  Result<std::string> service_tasks(const std::string& service, std::chrono::milliseconds timeout) override {
    CCCI_TRY_STATUS(validate_docker_name("service name", service, object_name_chars));
    CCCI_TRY(auto completion, spawn({"service", "ps", "--no-trunc", service}, timeout));
    if (!completion.succeeded()) return failure(completion, "docker service ps " + service, ErrorKind::infra);
    return completion.out;
  }

  Result<std::vector<ServiceRollout>> service_rollouts(const std::vector<std::string>& services) override {
    if (services.empty()) return std::vector<ServiceRollout>{};
    for (const auto& service : services)
      CCCI_TRY_STATUS(validate_docker_name("service name", service, object_name_chars));
    std::vector<std::string> inspect{"service", "inspect"};
    inspect.insert(inspect.end(), services.begin(), services.end());
    CCCI_TRY(auto inspected, run_docker(std::move(inspect), Missing::not_found));
    CCCI_TRY(auto states, parse_update_states(inspected.out));
    std::vector<std::string> ps{
        "service", "ps", "--no-trunc", "--filter", "_up-to-date=true", "--format", std::string(json_row_format)};
    ps.insert(ps.end(), services.begin(), services.end());
    CCCI_TRY(auto listed, run_docker(std::move(ps), Missing::not_found));
    CCCI_TRY(auto tasks, parse_tasks(listed.out));
    std::vector<ServiceRollout> rollouts;
    for (const auto& service : services) {
      ServiceRollout rollout{service, {}, {}, {}};
      if (auto state = states.find(service); state != states.end()) {
        rollout.update_state = state->second.first;
        rollout.update_message = state->second.second;
      }
      for (const auto& task : tasks) {
        if (task_service(task.name) == service) rollout.current_tasks.push_back(task);
      }
      rollouts.push_back(std::move(rollout));
    }
    return rollouts;
  }

  Result<std::string> service_logs(const std::string& service, int lines, std::chrono::milliseconds timeout) override {
    CCCI_TRY_STATUS(validate_docker_name("service name", service, object_name_chars));
    if (lines <= 0) return make_error(ErrorKind::usage, "docker service logs needs a positive line count");
    CCCI_TRY(
        auto completion,
        spawn({"service", "logs", "--no-trunc", "--timestamps", "--tail", std::to_string(lines), service}, timeout));
    if (!completion.succeeded()) return failure(completion, "docker service logs " + service, ErrorKind::infra);
    return merge_by_timestamp(completion.out, completion.err);
  }

  Result<bool> image_present(const std::string& image) override {
    CCCI_TRY_STATUS(validate_docker_name("image", image, image_chars, 512));
    auto completion = run_docker({"image", "inspect", "--format", "{{.Id}}", image}, Missing::not_found);
    if (!completion && completion.error().kind == ErrorKind::not_found) return false;
    if (!completion) return completion.error();
    return true;
  }

  Status image_pull(const std::string& image) override {
    CCCI_TRY_STATUS(validate_docker_name("image", image, image_chars, 512));
    std::string shown = settings_.executable + " image pull " + image;
    CCCI_TRY(auto completion, spawn({"image", "pull", image}, settings_.pull_timeout));
    if (completion.succeeded()) return ok_status();
    if (completion.timed_out) return failure(completion, shown, ErrorKind::timeout);
    std::string err = lowercase(completion.err);
    bool missing = completion.signal == 0 && !contains_any(err, daemon_unreachable) && contains_any(err, image_missing);
    return failure(completion, shown, missing ? ErrorKind::not_found : ErrorKind::infra);
  }

  Result<bool> stack_services_converged(const std::string& stack) override {
    CCCI_TRY(auto services, service_ls(stack));
    if (services.empty()) return false;
    for (const auto& service : services) {
      CCCI_TRY(bool converged, replicas_converged(service.replicas));
      if (!converged) return false;
    }
    return true;
  }

  Result<std::string> container_for_service(const std::string& service) override {
    CCCI_TRY_STATUS(validate_docker_name("service name", service, object_name_chars));
    CCCI_TRY(auto completion, run_docker({"ps", "--filter", "label=com.docker.swarm.service.name=" + service,
                                          "--filter", "status=running", "--format", "{{.ID}}"}));
    auto ids = trimmed_lines(completion.out);
    if (ids.empty()) return make_error(ErrorKind::not_found, "no running container for service " + service);
    return ids.front();  // docker ps lists the newest first
  }

  Result<Completion> exec(const std::string& container, const std::vector<std::string>& argv,
                          std::chrono::milliseconds timeout) override {
    CCCI_TRY_STATUS(validate_docker_name("container", container, object_name_chars));
    if (argv.empty()) return make_error(ErrorKind::usage, "docker exec needs a command");
    std::vector<std::string> args{"exec", container};
    args.insert(args.end(), argv.begin(), argv.end());
    CCCI_TRY(auto completion, spawn(std::move(args), timeout));
    if (!completion.succeeded() && !completion.timed_out) {
      // docker's own failures, as opposed to the command's exit status and output.
      std::string err = lowercase(completion.err);
      if (contains_any(err, daemon_unreachable)) return failure(completion, "docker exec", ErrorKind::infra);
      bool from_docker =
          err.rfind("error response from daemon", 0) == 0 || err.rfind("error: no such container", 0) == 0;
      if (from_docker) {
        bool gone =
            err.find("no such container") != std::string::npos || err.find("is not running") != std::string::npos;
        return failure(completion, "docker exec " + container, gone ? ErrorKind::not_found : ErrorKind::infra);
      }
    }
    return completion;
  }

  Result<std::vector<ContainerStats>> stack_container_stats(const std::vector<std::string>& stacks,
                                                            std::chrono::milliseconds timeout) override {
    for (const auto& stack : stacks) CCCI_TRY_STATUS(validate_docker_name("stack name", stack, object_name_chars));
    if (stacks.empty()) return std::vector<ContainerStats>{};
    CCCI_TRY(auto completion,
             run_docker({"stats", "--no-stream", "--no-trunc", "--format", std::string(json_row_format)},
                        Missing::is_error, timeout));
    CCCI_TRY(auto rows, parse_container_stats(completion.out));
    std::vector<ContainerStats> ours;
    for (auto& row : rows) {
      bool of_ours = std::any_of(stacks.begin(), stacks.end(),
                                 [&](const std::string& stack) { return container_of_stack(row.name, stack); });
      if (of_ours) ours.push_back(std::move(row));
    }
    return ours;
  }

  Result<Residue> label_residue(const std::string& label_filter) override {
    CCCI_TRY_STATUS(validate_docker_name("label filter", label_filter, label_filter_chars));
    std::vector<NameQuery> queries;
    for (const auto& kind : residue_kinds()) queries.push_back({&kind, "label=" + label_filter});
    auto answers = list_concurrently(queries);
    Residue residue;
    for (size_t i = 0; i < queries.size(); ++i) {
      CCCI_TRY(residue.*queries[i].kind->field, std::move(answers[i]));
    }
    return residue;
  }

  Result<Residue> stack_residue(const std::string& stack) override {
    CCCI_TRY_STATUS(validate_docker_name("stack name", stack, object_name_chars));
    const std::string prefix = stack + "_";
    std::vector<NameQuery> queries;
    for (const auto& kind : residue_kinds()) {
      queries.push_back({&kind, "label=" + stack_namespace_label(stack)});
      queries.push_back({&kind, "name=" + prefix});
    }
    auto answers = list_concurrently(queries);
    Residue residue;
    for (size_t i = 0; i < queries.size(); i += 2) {
      const ResidueKind& kind = *queries[i].kind;
      CCCI_TRY(auto labelled, std::move(answers[i]));
      CCCI_TRY(auto named, std::move(answers[i + 1]));
      std::set<std::string> names(labelled.begin(), labelled.end());
      // docker's name filter matches substrings; keep only real "<stack>_" prefixes.
      for (auto& name : named) {
        if (name.rfind(prefix, 0) == 0) names.insert(std::move(name));
      }
      residue.*kind.field = std::vector<std::string>(names.begin(), names.end());
    }
    return residue;
  }

  Status stack_rm(const std::string& stack) override {
    CCCI_TRY_STATUS(validate_docker_name("stack name", stack, object_name_chars));
    CCCI_TRY(auto completion, run_docker({"stack", "rm", stack}, Missing::success));
    (void)completion;
    return ok_status();
  }

  Status container_rm(const std::vector<std::string>& containers) override {
    return remove_all("container name", {"rm", "--force"}, containers);
  }
  Status volume_rm(const std::vector<std::string>& volumes) override {
    return remove_all("volume name", {"volume", "rm"}, volumes);
  }
  Status secret_rm(const std::vector<std::string>& secrets) override {
    return remove_all("secret name", {"secret", "rm"}, secrets);
  }
  Status network_rm(const std::vector<std::string>& networks) override {
    return remove_all("network name", {"network", "rm"}, networks);
  }
  Status config_rm(const std::vector<std::string>& configs) override {
    return remove_all("config name", {"config", "rm"}, configs);
  }

 private:
  /// What a "No such …" answer means for the command at hand.
  enum class Missing { is_error, not_found, success };

  Result<Completion> spawn(std::vector<std::string> args, std::chrono::milliseconds timeout) {
    Command command;
    command.argv.reserve(args.size() + 1);
    command.argv.push_back(settings_.executable);
    for (auto& arg : args) command.argv.push_back(std::move(arg));
    command.env = settings_.env;
    command.timeout = timeout;
    auto result = runner_.run(command);
    if (!result) {
      const Error& error = result.error();
      ErrorKind kind = error.kind == ErrorKind::not_found ? ErrorKind::infra : error.kind;
      return make_error(kind, "cannot run `" + join(command.argv, " ") + "`: " + error.message);
    }
    return result;
  }

  static Error failure(const Completion& completion, const std::string& shown, ErrorKind kind) {
    std::string outcome = completion.timed_out ? "timed out"
                          : completion.signal  ? "was killed by signal " + std::to_string(completion.signal)
                                               : "exited " + std::to_string(completion.exit_code);
    std::string detail = tail(completion.err.empty() ? completion.out : completion.err);
    return make_error(kind, "`" + shown + "` " + outcome + (detail.empty() ? "" : ":\n" + detail));
  }

  /// Runs docker; anything but exit 0 becomes a classified Error.
  Result<Completion> run_docker(std::vector<std::string> args, Missing missing = Missing::is_error,
                                std::optional<std::chrono::milliseconds> timeout = std::nullopt) {
    std::string shown = settings_.executable + " " + join(args, " ");
    CCCI_TRY(auto completion, spawn(std::move(args), timeout.value_or(settings_.timeout)));
    if (completion.succeeded()) return completion;
    if (completion.timed_out) return failure(completion, shown, ErrorKind::timeout);
    if (completion.signal != 0) return failure(completion, shown, ErrorKind::infra);
    std::string err = lowercase(completion.err);
    if (contains_any(err, daemon_unreachable)) return failure(completion, shown, ErrorKind::infra);
    if (missing != Missing::is_error && every_line_says_missing(err)) {
      if (missing == Missing::success) return completion;
      return failure(completion, shown, ErrorKind::not_found);
    }
    return failure(completion, shown, ErrorKind::infra);
  }

  /// docker prints one "No such …" line per missing name (and exits 1 even if others went).
  static bool every_line_says_missing(const std::string& lowered_err) {
    auto lines = trimmed_lines(lowered_err);
    return !lines.empty() && std::all_of(lines.begin(), lines.end(), [](const std::string& line) {
      return line.find("no such") != std::string::npos || line.find("not found") != std::string::npos ||
             line.find("nothing found in stack") != std::string::npos;
    });
  }

  Status remove_all(std::string_view what, std::vector<std::string> args, const std::vector<std::string>& names) {
    if (names.empty()) return ok_status();
    for (const auto& name : names) CCCI_TRY_STATUS(validate_docker_name(what, name, object_name_chars));
    args.insert(args.end(), names.begin(), names.end());
    CCCI_TRY(auto completion, run_docker(std::move(args), Missing::success));
    (void)completion;
    return ok_status();
  }

  struct NameQuery {
    const ResidueKind* kind;
    std::string filter;
  };

  /// The queries are independent docker round trips (~50 ms each), so they run at once; the
  /// answers come back in the queries' order.
  std::vector<Result<std::vector<std::string>>> list_concurrently(const std::vector<NameQuery>& queries) {
    std::vector<std::future<Result<std::vector<std::string>>>> pending;
    for (const auto& query : queries) {
      pending.push_back(
          std::async(std::launch::async, [this, &query] { return list_names(*query.kind, query.filter); }));
    }
    std::vector<Result<std::vector<std::string>>> answers;
    for (auto& future : pending) answers.push_back(future.get());
    return answers;
  }

  Result<std::vector<std::string>> list_names(const ResidueKind& kind, const std::string& filter) {
    std::vector<std::string> args = kind.list_argv;
    args.insert(args.end(), {"--filter", filter, "--format", std::string(kind.name_format)});
    CCCI_TRY(auto completion, run_docker(std::move(args)));
    return trimmed_lines(completion.out);
  }

  ProcessRunner& runner_;
  DockerSettings settings_;
};

const boost::json::string* string_field(const boost::json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value ? value->if_string() : nullptr;
}

}  // namespace

Status validate_docker_name(std::string_view what, std::string_view value, std::string_view extra,
                            std::size_t max_size) {
  bool ok = !value.empty() && value.size() <= max_size && std::isalnum(static_cast<unsigned char>(value.front())) &&
            std::all_of(value.begin(), value.end(), [&](unsigned char c) {
              return std::isalnum(c) || extra.find(static_cast<char>(c)) != std::string_view::npos;
            });
  if (ok) return ok_status();
  return make_error(ErrorKind::usage, "invalid docker " + std::string(what) + " " + printable(value) +
                                          ": expected letters, digits or [" + std::string(extra) +
                                          "], starting with a letter or digit");
}

bool daemon_unreachable_in(std::string_view lowered_err) { return contains_any(lowered_err, daemon_unreachable); }

bool Residue::empty() const {
  return services.empty() && containers.empty() && volumes.empty() && secrets.empty() && configs.empty() &&
         networks.empty();
}

std::string Residue::describe() const {
  std::vector<std::string> parts;
  auto add = [&](std::string_view kind, const std::vector<std::string>& names) {
    if (!names.empty()) parts.push_back(std::string(kind) + ": " + join(names, ", "));
  };
  add("services", services);
  add("containers", containers);
  add("volumes", volumes);
  add("secrets", secrets);
  add("configs", configs);
  add("networks", networks);
  return parts.empty() ? "nothing" : join(parts, "; ");
}

std::unique_ptr<DockerDriver> make_docker_driver(ProcessRunner& runner, DockerSettings settings) {
  return std::make_unique<RealDockerDriver>(runner, std::move(settings));
}

std::string stack_namespace_label(std::string_view stack) { return "com.docker.stack.namespace=" + std::string(stack); }

Result<std::vector<ServiceSummary>> parse_service_ls(std::string_view json_lines) {
  std::vector<ServiceSummary> services;
  for (const auto& line : trimmed_lines(json_lines)) {
    boost::system::error_code ec;
    boost::json::value row = boost::json::parse(line, ec);
    if (ec) return unparsable("docker service ls output", ec.message(), json_lines);
    const auto* object = row.if_object();
    if (!object) return unparsable("docker service ls output", "a row is not a JSON object", json_lines);
    const auto* name = string_field(*object, "Name");
    const auto* replicas = string_field(*object, "Replicas");
    if (!name || !replicas) return unparsable("docker service ls output", "a row lacks Name or Replicas", json_lines);
    ServiceSummary service;
    service.name = std::string(*name);
    service.replicas = std::string(*replicas);
    if (const auto* id = string_field(*object, "ID")) service.id = std::string(*id);
    if (const auto* mode = string_field(*object, "Mode")) service.mode = std::string(*mode);
    if (const auto* image = string_field(*object, "Image")) service.image = std::string(*image);
    services.push_back(std::move(service));
  }
  return services;
}

Result<std::map<std::string, std::string>> parse_labels(std::string_view json) {
  boost::system::error_code ec;
  boost::json::value labels = boost::json::parse(json, ec);
  if (ec) return unparsable("service labels", ec.message(), json);
  std::map<std::string, std::string> result;
  if (labels.is_null()) return result;  // a service without labels prints "null"
  const auto* object = labels.if_object();
  if (!object) return unparsable("service labels", "not a JSON object", json);
  for (const auto& [key, value] : *object) {
    const auto* text = value.if_string();
    if (!text) return unparsable("service labels", "label " + std::string(key) + " is not a string", json);
    result.emplace(std::string(key), std::string(*text));
  }
  return result;
}

namespace {

/// The fields of the first non-empty line, split at tabs.
std::vector<std::string> tab_fields(std::string_view text) {
  auto lines = trimmed_lines(text);
  return lines.empty() ? std::vector<std::string>{} : split(lines.front(), '\t');
}

}  // namespace

Result<EngineFacts> parse_engine_facts(std::string_view line) {
  auto fields = tab_fields(line);
  if (fields.size() != 4 || fields[0].empty())
    return unparsable("docker info output", "expected version, swarm state, manager and data root", line);
  return EngineFacts{fields[0], fields[1], fields[2] == "true", fields[3]};
}

Result<NetworkFacts> parse_network_facts(std::string_view line) {
  auto fields = tab_fields(line);
  if (fields.size() != 2 || fields[0].empty())
    return unparsable("docker network inspect output", "expected driver and attachable", line);
  return NetworkFacts{fields[0], fields[1] == "true"};
}

/// `docker service inspect`'s JSON: an array of services.
Result<boost::json::array> service_inspect_array(std::string_view json) {
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(json, ec);
  if (ec) return unparsable("docker service inspect output", ec.message(), json);
  auto* services = parsed.if_array();
  if (!services) return unparsable("docker service inspect output", "not a JSON array", json);
  return std::move(*services);
}

Result<std::map<std::string, std::pair<std::string, std::string>>> parse_update_states(std::string_view json) {
  constexpr std::string_view what = "docker service inspect output";
  CCCI_TRY(auto services, service_inspect_array(json));
  std::map<std::string, std::pair<std::string, std::string>> states;
  for (const auto& entry : services) {
    const auto* service = entry.if_object();
    const auto* spec = service ? service->if_contains("Spec") : nullptr;
    const auto* name = spec && spec->is_object() ? string_field(spec->get_object(), "Name") : nullptr;
    if (!name) return unparsable(what, "a service lacks Spec.Name", json);
    auto& [state, message] = states[std::string(*name)];
    const auto* status = service->if_contains("UpdateStatus");
    if (!status || !status->is_object()) continue;  // never updated: no UpdateStatus, or null
    if (const auto* text = string_field(status->get_object(), "State")) state = std::string(*text);
    if (const auto* text = string_field(status->get_object(), "Message")) message = std::string(*text);
  }
  return states;
}

Result<std::map<std::string, std::string>> parse_service_images(std::string_view json) {
  constexpr std::string_view what = "docker service inspect output";
  CCCI_TRY(auto services, service_inspect_array(json));
  std::map<std::string, std::string> images;
  for (const auto& entry : services) {
    // Spec.TaskTemplate.ContainerSpec.Image, each step an object.
    const boost::json::object* spec = nullptr;
    if (const auto* service = entry.if_object()) {
      if (const auto* value = service->if_contains("Spec")) spec = value->if_object();
    }
    const auto* name = spec ? string_field(*spec, "Name") : nullptr;
    const boost::json::object* container = nullptr;
    if (const auto* task = spec ? spec->if_contains("TaskTemplate") : nullptr; task && task->is_object()) {
      if (const auto* value = task->get_object().if_contains("ContainerSpec")) container = value->if_object();
    }
    const auto* image = container ? string_field(*container, "Image") : nullptr;
    if (!name || !image)
      return unparsable(what, "a service lacks Spec.Name or Spec.TaskTemplate.ContainerSpec.Image", json);
    images[std::string(*name)] = std::string(*image);
  }
  return images;
}

namespace {

struct ImageReference {
  std::string name;  ///< "docker.io/library/nginx", "registry.example:5000/team/app"
  std::string tag;   ///< "latest" when none is written
  std::string digest;
};

/// An image reference with docker's shorthands undone: the default registry and its library/
/// namespace, and the default tag.
ImageReference parse_reference(std::string_view image) {
  ImageReference ref;
  if (auto at = image.find('@'); at != std::string_view::npos) {
    ref.digest = std::string(image.substr(at + 1));
    image = image.substr(0, at);
  }
  // A tag follows the last ':' after the last '/' (before it, a ':' is a registry's port).
  auto slash = image.rfind('/');
  auto colon = image.rfind(':');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    ref.tag = std::string(image.substr(colon + 1));
    image = image.substr(0, colon);
  } else {
    ref.tag = "latest";
  }
  // The first component names a registry when it has a '.' or ':' or is localhost.
  std::string registry = "docker.io";
  std::string_view path = image;
  if (auto slash_at = image.find('/'); slash_at != std::string_view::npos) {
    auto first = image.substr(0, slash_at);
    if (first.find_first_of(".:") != std::string_view::npos || first == "localhost") {
      registry = first == "index.docker.io" ? "docker.io" : std::string(first);
      path = image.substr(slash_at + 1);
    }
  }
  bool official = registry == "docker.io" && path.find('/') == std::string_view::npos;
  std::string name = registry + (official ? "/library/" : "/") + std::string(path);
  ref.name = std::move(name);
  return ref;
}

}  // namespace

bool runs_image(std::string_view wanted, std::string_view running) {
  ImageReference want = parse_reference(wanted);
  ImageReference run = parse_reference(running);
  if (want.name != run.name || want.tag != run.tag) return false;
  return want.digest.empty() || want.digest == run.digest;
}

Result<std::vector<TaskState>> parse_tasks(std::string_view json_lines) {
  constexpr std::string_view what = "docker service ps output";
  std::vector<TaskState> tasks;
  for (const auto& line : trimmed_lines(json_lines)) {
    boost::system::error_code ec;
    boost::json::value row = boost::json::parse(line, ec);
    if (ec) return unparsable(what, ec.message(), json_lines);
    const auto* object = row.if_object();
    if (!object) return unparsable(what, "a row is not a JSON object", json_lines);
    const auto* name = string_field(*object, "Name");
    const auto* desired = string_field(*object, "DesiredState");
    const auto* current = string_field(*object, "CurrentState");
    if (!name || !desired || !current)
      return unparsable(what, "a row lacks Name, DesiredState or CurrentState", json_lines);
    TaskState task{std::string(*name), std::string(*desired), std::string(*current), {}};
    if (const auto* error = string_field(*object, "Error")) task.error = std::string(*error);
    tasks.push_back(std::move(task));
  }
  return tasks;
}

std::string_view task_service(std::string_view task_name) {
  return task_name.substr(0, std::min(task_name.rfind('.'), task_name.size()));
}

Result<ReplicaCount> parse_replicas(std::string_view replicas) {
  auto bad = [&] { return unparsable("service replicas", "expected running/desired", replicas); };
  auto slash = replicas.find('/');
  if (slash == std::string_view::npos || slash == 0) return bad();
  auto rest = replicas.substr(slash + 1);
  auto number = [](std::string_view text) -> std::optional<int> {
    int value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty() || text.front() == '-')
      return std::nullopt;
    return value;
  };
  auto running = number(replicas.substr(0, slash));
  auto desired = number(rest.substr(0, std::min(rest.find(' '), rest.size())));
  if (!running || !desired) return bad();
  return ReplicaCount{*running, *desired};
}

Result<bool> replicas_converged(std::string_view replicas) {
  CCCI_TRY(auto count, parse_replicas(replicas));
  return count.running == count.desired;
}

}  // namespace ccci::harness
