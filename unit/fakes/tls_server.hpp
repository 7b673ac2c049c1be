#pragma once
/// TlsServer: a real TLS server on loopback for tests — `openssl s_server -www` on
/// 127.0.0.1:<free port>, answering every GET with "HTTP/1.0 200 ok" and a status page.
///
/// make_test_pki() uses the openssl CLI to create a throwaway CA and a server certificate for
/// the given DNS names in a directory the caller owns. The server is a child process in its own
/// process group, killed on destruction and (PR_SET_PDEATHSIG) if the test process dies first.
/// Failures are ErrorKind::infra with openssl's stderr. Test code only: it spawns directly.
#include <sys/types.h>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "harness/result.hpp"

namespace ccci::fakes {

struct TestPki {
  std::filesystem::path ca_cert;      ///< PEM of the throwaway CA: what a client trusts
  std::filesystem::path server_cert;  ///< PEM, signed by the CA, SAN = the names asked for
  std::filesystem::path server_key;
};

harness::Result<TestPki> make_test_pki(const std::filesystem::path& dir, const std::vector<std::string>& dns_names);

class TlsServer {
 public:
  static harness::Result<std::unique_ptr<TlsServer>> start(const TestPki& pki, const std::filesystem::path& log_dir);
  ~TlsServer();
  TlsServer(const TlsServer&) = delete;
  TlsServer& operator=(const TlsServer&) = delete;

  int port() const { return port_; }

 private:
  TlsServer(pid_t pid, int port) : pid_(pid), port_(port) {}
  pid_t pid_;
  int port_;
};

/// A loopback TCP port that nothing listens on right now (bound to port 0, then released).
int unused_loopback_port();

}  // namespace ccci::fakes
