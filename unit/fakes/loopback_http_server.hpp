#pragma once
/// LoopbackHttpServer: a plain-HTTP server on 127.0.0.1:<ephemeral port> for tests, answering
/// each connection with whatever the test's responder returns (a raw HTTP response) and
/// recording every request it received. One connection at a time, closed after each answer.
/// Its thread stops and joins on destruction. Throws std::runtime_error if it cannot listen
/// (test code: a broken loopback is a broken test host).
#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace ccci::fakes {

struct ReceivedRequest {
  std::string method;
  std::string target;  ///< as on the request line, e.g. "/items?x=1"
  std::string head;    ///< the request line and header lines, CRLF-separated
  std::string body;
  /// The value of the first header named `name` (case-insensitive), or "" when absent.
  std::string header(std::string_view name) const;
  bool has_header(std::string_view name) const;
};

class LoopbackHttpServer {
 public:
  using Responder = std::function<std::string(const ReceivedRequest&)>;
  explicit LoopbackHttpServer(Responder responder);
  ~LoopbackHttpServer();
  LoopbackHttpServer(const LoopbackHttpServer&) = delete;
  LoopbackHttpServer& operator=(const LoopbackHttpServer&) = delete;

  int port() const { return port_; }
  std::vector<ReceivedRequest> requests() const;

  /// "HTTP/1.1 <status> <reason>" with the headers, Content-Length and Connection: close.
  static std::string response(int status, std::string_view reason, std::string_view body = {},
                              const std::vector<std::pair<std::string, std::string>>& headers = {});

 private:
  void serve();
  void answer(int connection);

  Responder responder_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::vector<ReceivedRequest> requests_;
  std::thread thread_;
};

/// A loopback socket that listens but never accepts or answers: the kernel completes the TCP
/// handshake, then nothing. Closed on destruction.
class SilentServer {
 public:
  SilentServer();
  ~SilentServer();
  SilentServer(const SilentServer&) = delete;
  SilentServer& operator=(const SilentServer&) = delete;
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace ccci::fakes
