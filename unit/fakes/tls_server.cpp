#include "unit/fakes/tls_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace ccci::fakes {
namespace {

using namespace std::chrono_literals;
using harness::ErrorKind;
using harness::make_error;

std::filesystem::path find_openssl() {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    auto candidate = std::filesystem::path(dir) / "openssl";
    if (!dir.empty() && ::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return {};
}

/// Forks and execs openssl with `args` in `cwd`; stdin /dev/null, stdout+stderr to `log`.
harness::Result<pid_t> spawn_openssl(const std::vector<std::string>& args, const std::filesystem::path& cwd,
                                     const std::filesystem::path& log) {
  static const std::filesystem::path openssl = find_openssl();
  if (openssl.empty()) return make_error(ErrorKind::not_found, "openssl not found on PATH");
  std::vector<std::string> argv_storage{openssl.string()};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& arg : argv_storage) argv.push_back(arg.data());
  argv.push_back(nullptr);
  int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (null_fd < 0 || log_fd < 0) return make_error(ErrorKind::infra, "cannot open /dev/null or " + log.string());
  const pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid == 0) {
    // Only async-signal-safe calls between fork and exec.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    ::setpgid(0, 0);
    ::dup2(null_fd, STDIN_FILENO);
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    if (::chdir(cwd.c_str()) != 0) ::_exit(126);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(null_fd);
  ::close(log_fd);
  if (pid < 0) return make_error(ErrorKind::infra, "fork failed");
  return pid;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

harness::Status run_openssl(const std::vector<std::string>& args, const std::filesystem::path& dir) {
  auto log = dir / "openssl.log";
  auto pid = spawn_openssl(args, dir, log);
  if (!pid.ok()) return pid.error();
  auto deadline = std::chrono::steady_clock::now() + 20s;
  int status = 0;
  while (::waitpid(*pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(*pid, SIGKILL);
      ::waitpid(*pid, &status, 0);
      return make_error(ErrorKind::timeout, "openssl " + args.front() + " took more than 20s");
    }
    std::this_thread::sleep_for(2ms);
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return harness::ok_status();
  return make_error(ErrorKind::infra, "openssl " + args.front() + " failed: " + read_file(log));
}

bool accepts_connections(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return connected;
}

void kill_and_reap(pid_t pid) {
  ::kill(-pid, SIGKILL);
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
}

}  // namespace

int unused_loopback_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(fd);
    return 0;
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

harness::Result<TestPki> make_test_pki(const std::filesystem::path& dir, const std::vector<std::string>& dns_names) {
  // Explicit config files keep the result independent of the host's openssl.cnf.
  std::ofstream(dir / "ca.cnf") << "[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = ccci test CA\n"
                                   "[v3_ca]\nbasicConstraints = critical,CA:TRUE\n"
                                   "keyUsage = critical,keyCertSign,cRLSign\nsubjectKeyIdentifier = hash\n";
  std::string alt_names;
  for (const auto& name : dns_names) alt_names += (alt_names.empty() ? "DNS:" : ",DNS:") + name;
  std::ofstream(dir / "server.cnf") << "[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = "
                                    << (dns_names.empty() ? "localhost" : dns_names.front()) << "\n"
                                    << "[v3_server]\nbasicConstraints = critical,CA:FALSE\n"
                                       "keyUsage = critical,digitalSignature\nextendedKeyUsage = serverAuth\n"
                                       "authorityKeyIdentifier = keyid\nsubjectAltName = "
                                    << alt_names << "\n";
  const std::vector<std::string> ec_key = {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"};
  std::vector<std::string> ca = {"req",   "-x509", "-config", "ca.cnf", "-extensions", "v3_ca",
                                 "-days", "2",     "-keyout", "ca.key", "-out",        "ca.pem"};
  ca.insert(ca.end(), ec_key.begin(), ec_key.end());
  CCCI_TRY_STATUS(run_openssl(ca, dir));
  std::vector<std::string> csr = {"req",     "-new",       "-config", "server.cnf",
                                  "-keyout", "server.key", "-out",    "server.csr"};
  csr.insert(csr.end(), ec_key.begin(), ec_key.end());
  CCCI_TRY_STATUS(run_openssl(csr, dir));
  CCCI_TRY_STATUS(
      run_openssl({"x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial", "1",
                   "-days", "2", "-extfile", "server.cnf", "-extensions", "v3_server", "-out", "server.pem"},
                  dir));
  return TestPki{dir / "ca.pem", dir / "server.pem", dir / "server.key"};
}

harness::Result<std::unique_ptr<TlsServer>> TlsServer::start(const TestPki& pki, const std::filesystem::path& log_dir) {
  std::string last_log;
  // The free port can be taken between probing and binding: try a few.
  for (int attempt = 0; attempt < 3; ++attempt) {
    int port = unused_loopback_port();
    auto log = log_dir / "s_server.log";
    auto pid = spawn_openssl({"s_server", "-www", "-accept", "127.0.0.1:" + std::to_string(port), "-cert",
                              pki.server_cert.string(), "-key", pki.server_key.string()},
                             log_dir, log);
    if (!pid.ok()) return pid.error();
    auto deadline = std::chrono::steady_clock::now() + 5s;
    int status = 0;
    bool exited = false;
    while (std::chrono::steady_clock::now() < deadline) {
      if (::waitpid(*pid, &status, WNOHANG) == *pid) {
        exited = true;  // typically: the port was taken after all
        break;
      }
      if (accepts_connections(port)) return std::unique_ptr<TlsServer>(new TlsServer(*pid, port));
      std::this_thread::sleep_for(5ms);
    }
    if (!exited) kill_and_reap(*pid);
    last_log = read_file(log);
  }
  return make_error(ErrorKind::infra, "openssl s_server did not start: " + last_log);
}

TlsServer::~TlsServer() { kill_and_reap(pid_); }

}  // namespace ccci::fakes
