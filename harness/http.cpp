#include "harness/http.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>
#include <thread>

#include "harness/log.hpp"

namespace ccci::harness {
namespace {

using std::chrono::milliseconds;

// A health page or API answer is small; a runaway body must not exhaust the runner's memory.
constexpr std::size_t max_body_bytes = std::size_t{64} * 1024 * 1024;

struct EasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

/// Appends to a curl_slist, keeping ownership in `list`; false when libcurl ran out of memory.
bool append(Slist& list, const std::string& line) {
  curl_slist* grown = curl_slist_append(list.get(), line.c_str());
  if (!grown) return false;
  static_cast<void>(list.release());
  list.reset(grown);
  return true;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
}

struct Transfer {
  HttpResponse response;
  bool body_too_large = false;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  size_t bytes = size * count;
  if (transfer->response.body.size() + bytes > max_body_bytes) {
    transfer->body_too_large = true;
    return 0;  // makes libcurl stop with CURLE_WRITE_ERROR
  }
  transfer->response.body.append(data, bytes);
  return bytes;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  size_t bytes = size * count;
  std::string_view line(data, bytes);
  // A status line starts a new response (after "100 Continue" or a followed redirect): only the
  // final response's headers are reported.
  if (line.starts_with("HTTP/")) {
    transfer->response.headers.clear();
    return bytes;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return bytes;  // the blank line ending the block
  transfer->response.headers.emplace_back(std::string(trim(line.substr(0, colon))),
                                          std::string(trim(line.substr(colon + 1))));
  return bytes;
}

/// "HOST:PORT:CONNECT-TO-HOST:CONNECT-TO-PORT" with empty HOST and PORT: every URL goes to the
/// gateway; an empty target port keeps the URL's port.
std::string connect_to_entry(const HttpRouting& routing) {
  std::string host = routing.gateway_host;
  if (host.find(':') != std::string::npos && !host.starts_with('[')) host = "[" + host + "]";
  std::string port = routing.gateway_port > 0 ? std::to_string(routing.gateway_port) : "";
  return "::" + host + ":" + port;
}

bool is_known_method(std::string_view method) {
  constexpr std::array<std::string_view, 6> known = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"};
  return std::find(known.begin(), known.end(), method) != known.end();
}

class CurlHttpClient final : public HttpClient {
 public:
  CurlHttpClient(HttpRouting routing, Logger& log) : routing_(std::move(routing)), log_(log) {}

  Result<HttpResponse> send(const HttpRequest& request) override {
    if (auto invalid = validate(request); !invalid.ok()) return log_refused(request, invalid.error());
    if (auto invalid = validate_routing(); !invalid.ok()) return log_refused(request, invalid.error());
    auto started = std::chrono::steady_clock::now();
    int attempts = is_idempotent(request.method) ? std::max(1, request.attempts) : 1;
    std::vector<std::string> retried;
    for (int attempt = 1;; ++attempt) {
      auto elapsed = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - started);
      HttpRequest this_attempt = request;
      this_attempt.timeout = request.timeout - elapsed;
      CURLcode code = CURLE_OK;
      Result<HttpResponse> answer = this_attempt.timeout > milliseconds::zero() ? perform_once(this_attempt, code)
                                                                                : out_of_time(request, retried);
      elapsed = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - started);
      if (answer.ok()) {
        answer->elapsed = elapsed;
        answer->retried = std::move(retried);
        log_.info("http", describe(request) + " -> " + std::to_string(answer->status) + " in " +
                              std::to_string(elapsed.count()) + "ms" + attempt_note(attempt));
        return answer;
      }
      const Error& error = answer.error();
      bool again = is_transient(code) && attempt < attempts;
      log_.info("http", describe(request) + " failed (" + std::string(to_string(error.kind)) + ") after " +
                            std::to_string(elapsed.count()) + "ms" + attempt_note(attempt) + ": " + error.message +
                            (again ? "; retrying" : ""));
      if (!again) {
        if (retried.empty()) return error;
        return make_error(error.kind, error.message + " (attempt " + std::to_string(attempt) +
                                          "; earlier: " + join_attempts(retried) + ")");
      }
      retried.push_back(error.message);
      std::this_thread::sleep_for(retry_pause * attempt);
    }
  }

 private:
  static constexpr milliseconds retry_pause{100};

  Error log_refused(const HttpRequest& request, Error error) {
    log_.info("http", describe(request) + " not sent: " + error.message);
    return error;
  }

  static bool is_idempotent(std::string_view method) {
    return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE";
  }

  /// Failures of the transport, not of the request: the connection was refused or dropped, the
  /// server sent nothing, an HTTP/2 stream or the framing broke, the TLS handshake was cut. Not
  /// timeouts (the request's time is spent), DNS, certificates or a refused protocol.
  static bool is_transient(CURLcode code) {
    switch (code) {
      case CURLE_COULDNT_CONNECT:
      case CURLE_SEND_ERROR:
      case CURLE_RECV_ERROR:
      case CURLE_GOT_NOTHING:
      case CURLE_PARTIAL_FILE:
      case CURLE_HTTP2:
      case CURLE_HTTP2_STREAM:
      case CURLE_SSL_CONNECT_ERROR: return true;
      default: return false;
    }
  }

  static std::string attempt_note(int attempt) {
    return attempt == 1 ? "" : " (attempt " + std::to_string(attempt) + ")";
  }

  static std::string join_attempts(const std::vector<std::string>& failures) {
    std::string joined;
    for (const auto& failure : failures) joined += (joined.empty() ? "" : "; ") + failure;
    return joined;
  }

  static Error out_of_time(const HttpRequest& request, const std::vector<std::string>& retried) {
    return make_error(ErrorKind::timeout, describe(request) + ": no time left for another attempt after " +
                                              std::to_string(request.timeout.count()) + "ms (" +
                                              join_attempts(retried) + ")");
  }

  /// One try; `code` is libcurl's result when the transfer was attempted (CURLE_OK otherwise).
  Result<HttpResponse> perform_once(const HttpRequest& request, CURLcode& code) {
    EasyHandle easy(curl_easy_init());
    if (!easy) return make_error(ErrorKind::infra, "curl_easy_init failed for " + describe(request));
    CURL* handle = easy.get();

    Slist connect_to;
    if (!routing_.gateway_host.empty() && !append(connect_to, connect_to_entry(routing_))) {
      return make_error(ErrorKind::infra, "out of memory building the gateway route");
    }
    Slist headers;
    bool caller_sets_expect = false;
    for (const auto& [name, value] : request.headers) {
      caller_sets_expect = caller_sets_expect || iequals(name, "Expect");
      // "Name;" is libcurl's spelling of a header with an empty value.
      if (!append(headers, value.empty() ? name + ";" : name + ": " + value)) {
        return make_error(ErrorKind::infra, "out of memory building request headers");
      }
    }
    // libcurl waits up to a second for "100 Continue" before sending a larger body; we never want it.
    if (!caller_sets_expect && !append(headers, "Expect:")) {
      return make_error(ErrorKind::infra, "out of memory building request headers");
    }

    Transfer transfer;
    std::array<char, CURL_ERROR_SIZE> error_text{};
    milliseconds connect_timeout = std::min(request.connect_timeout, request.timeout);

    curl_easy_setopt(handle, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_text.data());
    curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "https,http");
    curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
    curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(connect_timeout.count()));
    curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(handle, CURLOPT_USERAGENT, "ccci-run");
    if (!routing_.ca_bundle.empty()) curl_easy_setopt(handle, CURLOPT_CAINFO, routing_.ca_bundle.c_str());
    if (connect_to) {
      curl_easy_setopt(handle, CURLOPT_CONNECT_TO, connect_to.get());
      // The gateway is the fixed destination; a proxy from the environment would bypass it.
      curl_easy_setopt(handle, CURLOPT_NOPROXY, "*");
    }
    if (request.redirects == Redirects::followed) {
      curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 1L);
      curl_easy_setopt(handle, CURLOPT_MAXREDIRS, 10L);
      curl_easy_setopt(handle, CURLOPT_REDIR_PROTOCOLS_STR, "https,http");
    }
    set_method_and_body(handle, request);
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(handle, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(handle, CURLOPT_HEADERDATA, &transfer);

    code = curl_easy_perform(handle);
    if (code != CURLE_OK) return transfer_error(code, error_text.data(), transfer, request);
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &transfer.response.status);
    return std::move(transfer.response);
  }

  static Status validate(const HttpRequest& request) {
    if (!is_known_method(request.method)) {
      return make_error(ErrorKind::usage, "unsupported HTTP method '" + request.method + "' for " + request.url);
    }
    if (request.timeout <= milliseconds::zero() || request.connect_timeout <= milliseconds::zero()) {
      return make_error(ErrorKind::usage, "HTTP request without a positive timeout: " + describe(request));
    }
    return ok_status();
  }

  Status validate_routing() const {
    if (routing_.gateway_port < 0 || routing_.gateway_port > 65535) {
      return make_error(ErrorKind::usage, "gateway port out of range: " + std::to_string(routing_.gateway_port));
    }
    return ok_status();
  }

  static void set_method_and_body(CURL* handle, const HttpRequest& request) {
    const std::string& method = request.method;
    if (method == "GET") {
      curl_easy_setopt(handle, CURLOPT_HTTPGET, 1L);
      return;
    }
    if (method == "HEAD") {
      curl_easy_setopt(handle, CURLOPT_NOBODY, 1L);
      return;
    }
    if (method != "POST") curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, method.c_str());
    // POST, PUT and PATCH always carry a body (possibly empty, so Content-Length: 0 is sent);
    // DELETE only when the caller gave one.
    if (method != "DELETE" || !request.body.empty()) {
      curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
      curl_easy_setopt(handle, CURLOPT_POSTFIELDS, request.body.data());
    }
  }

  Error transfer_error(CURLcode code, const char* error_text, const Transfer& transfer,
                       const HttpRequest& request) const {
    std::string detail = curl_easy_strerror(code);
    if (error_text[0] != '\0') detail += ": " + std::string(trim(error_text));
    if (transfer.body_too_large) detail = "response body larger than " + std::to_string(max_body_bytes) + " bytes";
    std::string message = describe(request) + via() + ": " + detail;
    return make_error(code == CURLE_OPERATION_TIMEDOUT ? ErrorKind::timeout : ErrorKind::infra, std::move(message));
  }

  std::string via() const {
    if (routing_.gateway_host.empty()) return "";
    std::string port = routing_.gateway_port > 0 ? ":" + std::to_string(routing_.gateway_port) : "";
    return " (via gateway " + routing_.gateway_host + port + ")";
  }

  static std::string describe(const HttpRequest& request) { return request.method + " " + request.url; }

  HttpRouting routing_;
  Logger& log_;
};

}  // namespace

std::unique_ptr<HttpClient> make_http_client(HttpRouting routing, Logger& log) {
  return std::make_unique<CurlHttpClient>(std::move(routing), log);
}

HttpGlobal::HttpGlobal() : init_code_(static_cast<int>(curl_global_init(CURL_GLOBAL_ALL))) {}

HttpGlobal::~HttpGlobal() {
  if (init_code_ == CURLE_OK) curl_global_cleanup();
}

Status HttpGlobal::status() const {
  if (init_code_ == CURLE_OK) return ok_status();
  return make_error(ErrorKind::infra,
                    std::string("curl_global_init failed: ") + curl_easy_strerror(static_cast<CURLcode>(init_code_)));
}

const std::string* header_value(const Headers& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    bool same = std::equal(key.begin(), key.end(), name.begin(), name.end(), [](char a, char b) {
      return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
    });
    if (same) return &value;
  }
  return nullptr;
}

std::string form_encoded(std::string_view value) {
  static constexpr std::string_view hex = "0123456789ABCDEF";
  std::string out;
  for (char c : value) {
    auto byte = static_cast<unsigned char>(c);
    bool unreserved = (byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') || (byte >= '0' && byte <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(hex[byte >> 4U]);
      out.push_back(hex[byte & 0x0FU]);
    }
  }
  return out;
}

std::string form_urlencoded(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string body;
  for (const auto& [name, value] : fields) {
    if (!body.empty()) body += '&';
    body += form_encoded(name) + "=" + form_encoded(value);
  }
  return body;
}

}  // namespace ccci::harness
