#include "runner/helper_commands.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <optional>
#include <sstream>

#include "harness/log.hpp"
#include "harness/text.hpp"

namespace ccci::runner {
namespace {

using harness::ErrorKind;

constexpr int exit_usage = 2;
constexpr int exit_not_done = 3;
constexpr int exit_signal_base = 128;

constexpr const char* exec_usage = "usage: ccci-run exec SERVICE [--] ARGV...";
constexpr const char* http_usage =
    "usage: ccci-run http [--method M] [--data BODY | --data-file FILE] [--header 'K: V']... [--status-only] PATH";

int usage_error(std::ostream& err, const std::string& message, const char* usage) {
  err << "ccci-run: " << message << "\n" << usage << "\n";
  return exit_usage;
}

/// A fact the run sets for its scripts; nullopt (after saying so) when the caller is no check.
std::optional<std::string> required_fact(const EnvironmentMap& env, const std::string& command, const std::string& name,
                                         std::ostream& err) {
  auto found = env.find(name);
  if (found != env.end() && !found->second.empty()) return found->second;
  err << "ccci-run: ccci-run " << command << " runs inside a ccci check: " << name << " is not set\n";
  return std::nullopt;
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

struct HttpArgs {
  std::string method = "GET";
  std::string body;
  harness::Headers headers;
  bool status_only = false;
  std::string path;
};

/// The options of `http`, or a usage error's message.
harness::Result<HttpArgs> parse_http_args(const std::vector<std::string>& args) {
  HttpArgs parsed;
  bool has_data = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&]() -> harness::Result<std::string> {
      if (i + 1 >= args.size()) return harness::make_error(ErrorKind::usage, arg + " needs a value");
      return args[++i];
    };
    if (arg == "--method" || arg == "-X") {
      CCCI_TRY(std::string method, value());
      std::transform(method.begin(), method.end(), method.begin(), [](unsigned char c) { return std::toupper(c); });
      static const std::vector<std::string> methods = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"};
      if (std::find(methods.begin(), methods.end(), method) == methods.end())
        return harness::make_error(ErrorKind::usage, "--method must be one of GET HEAD POST PUT PATCH DELETE");
      parsed.method = method;
    } else if (arg == "--data" || arg == "-d" || arg == "--data-file") {
      if (has_data) return harness::make_error(ErrorKind::usage, "give one --data or --data-file");
      has_data = true;
      CCCI_TRY(std::string given, value());
      if (arg != "--data-file") {
        parsed.body = std::move(given);
        continue;
      }
      std::ifstream file(given, std::ios::binary);
      std::ostringstream text;
      text << file.rdbuf();
      if (!file) return harness::make_error(ErrorKind::usage, "--data-file " + given + " could not be read");
      parsed.body = text.str();
    } else if (arg == "--header" || arg == "-H") {
      CCCI_TRY(std::string header, value());
      auto colon = header.find(':');
      if (colon == std::string::npos || colon == 0 || harness::has_control_characters(header))
        return harness::make_error(ErrorKind::usage, "--header must be 'Name: value' on one line");
      auto start = header.find_first_not_of(' ', colon + 1);
      parsed.headers.emplace_back(header.substr(0, colon), start == std::string::npos ? "" : header.substr(start));
    } else if (arg == "--status-only" || arg == "-s") {
      parsed.status_only = true;
    } else if (!arg.empty() && arg[0] == '/' && parsed.path.empty()) {
      parsed.path = arg;
    } else {
      return harness::make_error(ErrorKind::usage, "unexpected argument '" + harness::printable(arg, 80) + "'");
    }
  }
  if (parsed.path.empty()) return harness::make_error(ErrorKind::usage, "a PATH starting with '/' is needed");
  if (harness::has_control_characters(parsed.path))
    return harness::make_error(ErrorKind::usage, "the PATH holds control characters");
  return parsed;
}

}  // namespace

bool is_helper_command(const std::vector<std::string>& args) {
  return !args.empty() && (args[0] == "exec" || args[0] == "http");
}

harness::Result<harness::HttpRouting> helper_routing(const EnvironmentMap& env) {
  harness::HttpRouting routing;
  if (auto ca = env.find("CCCI_CA_BUNDLE"); ca != env.end() && !ca->second.empty()) routing.ca_bundle = ca->second;
  auto gateway = env.find("CCCI_GATEWAY");
  if (gateway == env.end() || gateway->second.empty()) return routing;
  const std::string& value = gateway->second;
  auto colon = value.rfind(':');
  // host[:port]; an IPv6 host is written in brackets, so its own colons come before a ']'.
  bool has_port = colon != std::string::npos && value.find(']', colon) == std::string::npos;
  routing.gateway_host = has_port ? value.substr(0, colon) : value;
  if (has_port) {
    std::string port = value.substr(colon + 1);
    if (!all_digits(port) || port.size() > 5 || std::stoi(port) == 0 || std::stoi(port) > 65535)
      return harness::make_error(ErrorKind::usage, "CCCI_GATEWAY must be host[:port], not '" + value + "'");
    routing.gateway_port = std::stoi(port);
  }
  if (routing.gateway_host.empty() || harness::has_control_characters(routing.gateway_host))
    return harness::make_error(ErrorKind::usage, "CCCI_GATEWAY must be host[:port], not '" + value + "'");
  return routing;
}

int helper_exec(const EnvironmentMap& env, const std::vector<std::string>& args, harness::DockerDriver& docker,
                std::ostream& out, std::ostream& err) {
  if (args.empty()) return usage_error(err, "exec needs a SERVICE and an ARGV", exec_usage);
  const std::string& service = args[0];
  if (auto valid = harness::validate_docker_name("service", service, "_.-"); !valid.ok())
    return usage_error(err, valid.error().message, exec_usage);
  std::vector<std::string> argv(args.begin() + 1, args.end());
  if (!argv.empty() && argv[0] == "--") argv.erase(argv.begin());
  if (argv.empty()) return usage_error(err, "exec needs an ARGV to run in " + service, exec_usage);
  auto stack = required_fact(env, "exec", "CCCI_STACK", err);
  if (!stack) return exit_usage;

  const std::string swarm_service = *stack + "_" + service;
  auto container = docker.container_for_service(swarm_service);
  if (!container.ok()) {
    err << "ccci-run: no running container of " << swarm_service << ": " << container.error().message << "\n";
    return exit_not_done;
  }
  auto done = docker.exec(*container, argv, helper_timeout);
  if (!done.ok()) {
    err << "ccci-run: " << done.error().message << "\n";
    return exit_not_done;
  }
  out << done->out << std::flush;
  err << done->err << std::flush;
  if (done->timed_out) {
    err << "ccci-run: " << done->describe() << "\n";
    return exit_not_done;
  }
  return done->signal != 0 ? exit_signal_base + done->signal : done->exit_code;
}

int helper_http(const EnvironmentMap& env, const std::vector<std::string>& args, harness::HttpClient& http,
                std::ostream& out, std::ostream& err) {
  auto parsed = parse_http_args(args);
  if (!parsed.ok()) return usage_error(err, parsed.error().message, http_usage);
  auto domain = required_fact(env, "http", "CCCI_DOMAIN", err);
  if (!domain) return exit_usage;

  harness::HttpRequest request;
  request.method = parsed->method;
  request.url = "https://" + *domain + parsed->path;
  request.headers = parsed->headers;
  request.body = parsed->body;
  request.timeout = helper_timeout;
  auto response = http.send(request);
  if (!response.ok()) {
    err << "ccci-run: " << request.method << " " << parsed->path << ": " << response.error().message << "\n";
    return exit_not_done;
  }
  if (parsed->status_only) {
    out << response->status << "\n" << std::flush;
  } else {
    out << response->body << std::flush;
    err << "HTTP " << response->status << "\n";
  }
  return response->status >= 200 && response->status < 400 ? 0 : 1;
}

int run_helper_command(const EnvironmentMap& env, const std::vector<std::string>& args,
                       const harness::Environment& child_env, std::ostream& out, std::ostream& err) {
  // What a helper prints is the calling script's to read: its spawns and requests log nowhere.
  std::ostream discarded(nullptr);
  harness::Logger log(discarded);
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "exec") {
    auto processes = harness::make_process_runner(log);
    harness::DockerSettings settings;
    settings.env = child_env;
    settings.timeout = helper_timeout;
    auto docker = harness::make_docker_driver(*processes, settings);
    return helper_exec(env, rest, *docker, out, err);
  }
  auto routing = helper_routing(env);
  if (!routing.ok()) return usage_error(err, routing.error().message, http_usage);
  harness::HttpGlobal curl;
  if (!curl.status().ok()) {
    err << "ccci-run: " << curl.status().error().message << "\n";
    return exit_not_done;
  }
  auto http = harness::make_http_client(*routing, log);
  return helper_http(env, rest, *http, out, err);
}

}  // namespace ccci::runner
