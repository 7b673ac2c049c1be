#include "unit/fakes/loopback_http_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace ccci::fakes {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
}

/// A listening socket on 127.0.0.1 with a kernel-chosen port.
int listen_on_loopback(int& port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(fd, 16) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("cannot listen on 127.0.0.1");
  }
  port = ntohs(address.sin_port);
  return fd;
}

}  // namespace

std::string ReceivedRequest::header(std::string_view name) const {
  std::string_view rest = head;
  while (!rest.empty()) {
    auto end = rest.find("\r\n");
    std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 2);
    auto colon = line.find(':');
    if (colon == std::string_view::npos || !iequals(line.substr(0, colon), name)) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    return std::string(value);
  }
  return "";
}

bool ReceivedRequest::has_header(std::string_view name) const {
  std::string needle = "\r\n" + std::string(name) + ":";
  std::string haystack = head;
  std::transform(needle.begin(), needle.end(), needle.begin(), [](unsigned char c) { return std::tolower(c); });
  std::transform(haystack.begin(), haystack.end(), haystack.begin(), [](unsigned char c) { return std::tolower(c); });
  return haystack.find(needle) != std::string::npos;
}

LoopbackHttpServer::LoopbackHttpServer(Responder responder) : responder_(std::move(responder)) {
  listen_fd_ = listen_on_loopback(port_);
  thread_ = std::thread([this] { serve(); });
}

LoopbackHttpServer::~LoopbackHttpServer() {
  stopping_ = true;
  thread_.join();
  ::close(listen_fd_);
}

std::vector<ReceivedRequest> LoopbackHttpServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::string LoopbackHttpServer::response(int status, std::string_view reason, std::string_view body,
                                         const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string text = "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) + "\r\n";
  for (const auto& [name, value] : headers) text += name + ": " + value + "\r\n";
  text += "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n";
  text += body;
  return text;
}

void LoopbackHttpServer::serve() {
  while (!stopping_) {
    pollfd waiting{listen_fd_, POLLIN, 0};
    if (::poll(&waiting, 1, 20) <= 0) continue;
    int connection = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (connection < 0) continue;
    answer(connection);
    ::close(connection);
  }
}

void LoopbackHttpServer::answer(int connection) {
  timeval receive_timeout{2, 0};
  ::setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &receive_timeout, sizeof receive_timeout);
  std::string data;
  char buffer[4096];
  std::size_t head_end = std::string::npos;
  while ((head_end = data.find("\r\n\r\n")) == std::string::npos) {
    ssize_t got = ::recv(connection, buffer, sizeof buffer, 0);
    if (got <= 0) return;
    data.append(buffer, static_cast<std::size_t>(got));
  }
  ReceivedRequest request;
  request.head = data.substr(0, head_end);
  request.body = data.substr(head_end + 4);
  auto first_space = request.head.find(' ');
  auto second_space = request.head.find(' ', first_space + 1);
  request.method = request.head.substr(0, first_space);
  request.target = request.head.substr(first_space + 1, second_space - first_space - 1);
  std::string length_text = request.header("Content-Length");
  std::size_t length = length_text.empty() ? 0 : std::stoul(length_text);
  while (request.body.size() < length) {
    ssize_t got = ::recv(connection, buffer, sizeof buffer, 0);
    if (got <= 0) break;
    request.body.append(buffer, static_cast<std::size_t>(got));
  }
  {
    std::lock_guard lock(mutex_);
    requests_.push_back(request);
  }
  std::string reply = responder_(request);
  std::size_t sent = 0;
  while (sent < reply.size()) {
    ssize_t wrote = ::send(connection, reply.data() + sent, reply.size() - sent, MSG_NOSIGNAL);
    if (wrote <= 0) return;
    sent += static_cast<std::size_t>(wrote);
  }
  ::shutdown(connection, SHUT_WR);
}

SilentServer::SilentServer() { fd_ = listen_on_loopback(port_); }

SilentServer::~SilentServer() { ::close(fd_); }

}  // namespace ccci::fakes
