#pragma once
/// DockerDriver: the docker CLI operations ccci needs, as argv built for the ProcessRunner
/// (never a shell), with output parsed into typed values (Boost.JSON stays inside docker.cpp).
///
/// Failure behaviour:
/// - docker could not be started, was killed, could not reach the daemon, or printed output
///   that does not parse: ErrorKind::infra (a parse failure carries the raw text's tail).
///   Our own wall-clock limit ran out: ErrorKind::timeout.
/// - A named service, container or image that does not exist: ErrorKind::not_found.
/// - Removals are idempotent: "No such …" counts as success, so teardown and the reaper can
///   repeat them. Removing an empty list spawns nothing.
/// Names and images are validated before anything is spawned (no leading '-', no whitespace or
/// control characters): a hostile value is ErrorKind::usage.
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/docker_stats.hpp"
#include "harness/process.hpp"
#include "harness/result.hpp"

namespace ccci::harness {

/// One row of `docker service ls`.
struct ServiceSummary {
  std::string id;
  std::string name;      ///< "<stack>_<service>"
  std::string mode;      ///< "replicated", "global", …
  std::string replicas;  ///< as printed: "1/1", "0/1", "1/1 (max 1 per node)"
  std::string image;
};

/// One task of `docker service ps`, as printed.
struct TaskState {
  std::string name;     ///< "<service>.<slot>", or "<service>.<node id>" for a global service
  std::string desired;  ///< "Running", "Ready", "Shutdown", …
  std::string current;  ///< "Running 2 seconds ago", "Starting 4 seconds ago", "Failed 1 second ago", …
  std::string error;    ///< "" when the task has none
};

/// Where a service's rollout stands: swarm's update state and the tasks of its current spec.
struct ServiceRollout {
  std::string name;
  /// .UpdateStatus.State: "updating", "completed", "paused", "rollback_started",
  /// "rollback_paused", "rollback_completed"; "" while the service has never been updated.
  std::string update_state;
  std::string update_message;
  /// The tasks of the service's current spec (`--filter _up-to-date=true`), as docker orders them.
  std::vector<TaskState> current_tasks;
};

/// What `docker info` says of the engine.
struct EngineFacts {
  std::string version;      ///< the server's version, e.g. "28.0.1"
  std::string swarm_state;  ///< "active", "inactive", "pending", …
  bool manager = false;     ///< this node can manage the swarm (deploy stacks)
  std::string data_root;    ///< where the engine keeps images and volumes
};

/// A network's driver ("overlay", "bridge", …) and whether standalone containers may attach.
struct NetworkFacts {
  std::string driver;
  bool attachable = false;
};

/// Everything a stack (or a label) still owns, by kind: the six-kind residual query.
struct Residue {
  std::vector<std::string> services;
  std::vector<std::string> containers;
  std::vector<std::string> volumes;
  std::vector<std::string> secrets;
  std::vector<std::string> configs;
  std::vector<std::string> networks;

  bool empty() const;
  /// "services: a, b; volumes: c" for messages.
  std::string describe() const;
};

struct DockerSettings {
  std::string executable = "docker";
  Environment env;                                              ///< DOCKER_HOST etc. pass through here
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};  ///< every call but pulls
  std::chrono::milliseconds pull_timeout{std::chrono::minutes(20)};
};

class DockerDriver {
 public:
  virtual ~DockerDriver() = default;

  /// `docker info`; infra (naming docker's words) when the engine does not answer.
  virtual Result<EngineFacts> engine_facts() = 0;
  /// not_found when there is no network of that name.
  virtual Result<NetworkFacts> network_facts(const std::string& network) = 0;
  /// The names of every service carrying `label_filter` ("key=value" or "key"), of any stack.
  virtual Result<std::vector<std::string>> services_labelled(const std::string& label_filter) = 0;

  virtual Result<std::vector<ServiceSummary>> service_ls(const std::string& stack) = 0;
  /// The service's own labels (.Spec.Labels); not_found when there is no such service.
  virtual Result<std::map<std::string, std::string>> service_labels(const std::string& service) = 0;
  virtual Status service_rm(const std::vector<std::string>& services) = 0;
  /// Each service's image as its spec holds it (.Spec.TaskTemplate.ContainerSpec.Image, with the
  /// "@sha256:…" docker appends when it resolved a digest), by name: one `docker service inspect`
  /// whatever the number of services; not_found when one of them does not exist.
  virtual Result<std::map<std::string, std::string>> service_images(const std::vector<std::string>& services) = 0;
  /// `docker service ps --no-trunc`: every task of the service with its state and error, as
  /// printed (evidence for people, not parsed).
  virtual Result<std::string> service_tasks(const std::string& service, std::chrono::milliseconds timeout) = 0;
  /// Each service's update state and the tasks of its current spec: one `docker service inspect`
  /// and one `docker service ps --filter _up-to-date=true`, whatever the number of services.
  /// Tasks of an older spec (still running during a rolling update) are not among them. One
  /// rollout per service, in the order asked.
  virtual Result<std::vector<ServiceRollout>> service_rollouts(const std::vector<std::string>& services) = 0;
  /// The last `lines` lines of the service's logs (its tasks' stdout and stderr), timestamped and
  /// in time order, as printed (evidence for people, not parsed).
  virtual Result<std::string> service_logs(const std::string& service, int lines,
                                           std::chrono::milliseconds timeout) = 0;

  virtual Result<bool> image_present(const std::string& image) = 0;
  /// not_found when the registry does not have the image (a missing tag, no access).
  virtual Status image_pull(const std::string& image) = 0;

  /// True when the stack has services and every one runs all its desired replicas.
  virtual Result<bool> stack_services_converged(const std::string& stack) = 0;
  /// The id of a running container of `service`; not_found when none runs.
  virtual Result<std::string> container_for_service(const std::string& service) = 0;
  /// Runs argv in the container. A non-zero exit is reported in the Completion, not an error.
  virtual Result<Completion> exec(const std::string& container, const std::vector<std::string>& argv,
                                  std::chrono::milliseconds timeout) = 0;

  /// One sample of the running containers of `stacks` (swarm names a task's container
  /// "<stack>_<service>.<slot>.<task id>"): one `docker stats --no-stream` of every running
  /// container, filtered by name, whatever the number of stacks. Not by ids from `docker ps`: a
  /// container replaced between the two calls (an upgrade, a restart) would fail the sample.
  /// docker takes a second or two to sample; `timeout` bounds it.
  virtual Result<std::vector<ContainerStats>> stack_container_stats(const std::vector<std::string>& stacks,
                                                                    std::chrono::milliseconds timeout) = 0;

  /// Everything carrying `label_filter` ("key=value" or "key"), or, for stack_residue, the
  /// stack's namespace label or a "<stack>_" name prefix (abra creates secrets by name).
  virtual Result<Residue> label_residue(const std::string& label_filter) = 0;
  virtual Result<Residue> stack_residue(const std::string& stack) = 0;

  virtual Status stack_rm(const std::string& stack) = 0;
  /// `docker rm --force`: stops and removes the containers, by name.
  virtual Status container_rm(const std::vector<std::string>& containers) = 0;
  virtual Status volume_rm(const std::vector<std::string>& volumes) = 0;
  virtual Status secret_rm(const std::vector<std::string>& secrets) = 0;
  virtual Status network_rm(const std::vector<std::string>& networks) = 0;
  virtual Status config_rm(const std::vector<std::string>& configs) = 0;
};

std::unique_ptr<DockerDriver> make_docker_driver(ProcessRunner& runner, DockerSettings settings);

/// ErrorKind::usage unless `value` (a name docker takes as one argument) starts with a letter or
/// digit — so never with '-' — and uses only letters, digits and `extra`, at most `max_size` bytes.
Status validate_docker_name(std::string_view what, std::string_view value, std::string_view extra,
                            std::size_t max_size = 255);
/// Whether docker's error output (lowercased) says the daemon cannot be reached.
bool daemon_unreachable_in(std::string_view lowered_err);

/// The label swarm puts on every object of a stack: "com.docker.stack.namespace=<stack>".
std::string stack_namespace_label(std::string_view stack);

/// Parsers exposed for tests; failures are ErrorKind::infra with the raw text's tail.
/// engine_facts' and network_facts' one tab-separated line each.
Result<EngineFacts> parse_engine_facts(std::string_view line);
Result<NetworkFacts> parse_network_facts(std::string_view line);
Result<std::vector<ServiceSummary>> parse_service_ls(std::string_view json_lines);
Result<std::map<std::string, std::string>> parse_labels(std::string_view json);
/// `docker service inspect` (a JSON array): each service's name → {update state, message}.
Result<std::map<std::string, std::pair<std::string, std::string>>> parse_update_states(std::string_view json);
/// `docker service inspect` (a JSON array): each service's name → its spec's image.
Result<std::map<std::string, std::string>> parse_service_images(std::string_view json);
/// Whether a service running `running` runs the image a compose file names as `wanted`: the same
/// repository and tag once docker's shorthands are undone ("nginx" is "docker.io/library/nginx:latest");
/// a digest docker appended to `running` is ignored unless `wanted` pins one itself.
bool runs_image(std::string_view wanted, std::string_view running);
/// `docker service ps --format '{{json .}}'`, one task a line.
Result<std::vector<TaskState>> parse_tasks(std::string_view json_lines);
/// The service a task belongs to: its name up to the last '.' ("app_web.1" → "app_web").
std::string_view task_service(std::string_view task_name);

/// "running/desired[ (max n per node)]" as numbers.
struct ReplicaCount {
  int running = 0;
  int desired = 0;
};
Result<ReplicaCount> parse_replicas(std::string_view replicas);
/// Converged when running == desired ("0/0" included).
Result<bool> replicas_converged(std::string_view replicas);

}  // namespace ccci::harness
