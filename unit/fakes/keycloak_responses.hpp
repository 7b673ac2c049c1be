#pragma once
/// Keycloak's answers as Keycloak 24-26 sends them (bodies and the headers that matter), recorded
/// for the keycloak driver's contract tests: a token grant, Location headers of created
/// resources, the client-secret representation and Keycloak's two error shapes,
/// {"errorMessage": …} from the admin API and {"error": …, "error_description": …} from OAuth.
#include <string>

#include "harness/http.hpp"

namespace ccci::fakes::keycloak {

inline constexpr const char* base_url = "https://kc-7f3a.ci.example";
inline constexpr const char* realm = "ccci-run-7f3a-b2";
inline constexpr const char* token_url = "https://kc-7f3a.ci.example/realms/master/protocol/openid-connect/token";
inline constexpr const char* realms_url = "https://kc-7f3a.ci.example/admin/realms";
inline constexpr const char* realm_url = "https://kc-7f3a.ci.example/admin/realms/ccci-run-7f3a-b2";
inline constexpr const char* clients_url = "https://kc-7f3a.ci.example/admin/realms/ccci-run-7f3a-b2/clients";
inline constexpr const char* client_uuid = "4b3c9a52-1b2f-4e5e-9c1d-2f7a0e8b6c11";
inline constexpr const char* secret_url =
    "https://kc-7f3a.ci.example/admin/realms/ccci-run-7f3a-b2/clients/4b3c9a52-1b2f-4e5e-9c1d-2f7a0e8b6c11/"
    "client-secret";
inline constexpr const char* users_url = "https://kc-7f3a.ci.example/admin/realms/ccci-run-7f3a-b2/users";
inline constexpr const char* user_id = "9a1e6f0c-3d7b-4c52-8e0f-51b2d4a7c930";
inline constexpr const char* reset_password_url =
    "https://kc-7f3a.ci.example/admin/realms/ccci-run-7f3a-b2/users/9a1e6f0c-3d7b-4c52-8e0f-51b2d4a7c930/"
    "reset-password";

/// The secrets of the recorded exchange.
inline constexpr const char* admin_password = "adm1n pw&x=+%/Zq9";
inline constexpr const char* access_token =
    "eyJhbGciOiJSUzI1NiIsInR5cCIgOiAiSldUIiwia2lkIiA6ICJ3bWZ0X2JxQ2lWd0ZpNUtBRWY3NmJ3In0."
    "eyJleHAiOjE3NjQ2MjYwNjAsImlhdCI6MTc2NDYyNjAwMCwianRpIjoiY2M0ZTBiOTEiLCJpc3MiOiJodHRwczovL2tjLTdmM2EuY2kuZXhh"
    "bXBsZS9yZWFsbXMvbWFzdGVyIiwic3ViIjoiYWRtaW4iLCJ0eXAiOiJCZWFyZXIiLCJhenAiOiJhZG1pbi1jbGkifQ."
    "kT3v9Yq0cJf1b2Pz8wXa4LmN6sRt5UeH7gKdQ0oV1iBxCy2DjEnFhGpIqSrTuWvXzA3B4C5D6E7F8G9H0I1J2K3L";
inline constexpr const char* client_secret = "Xq3Lk9vP2mRt8sYwZb1NcE4hJd6GfA0u";
inline constexpr const char* user_password = "Us3r-p4ss-7hX2wQ-run";

inline harness::Headers json_headers() {
  return {{"Content-Type", "application/json"},
          {"Cache-Control", "no-store"},
          {"Pragma", "no-cache"},
          {"Referrer-Policy", "no-referrer"},
          {"X-Content-Type-Options", "nosniff"}};
}

inline harness::HttpResponse answer(long status, std::string body, harness::Headers headers) {
  harness::HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.headers = std::move(headers);
  return response;
}

/// POST …/realms/master/protocol/openid-connect/token, grant_type=password, admin-cli.
inline harness::HttpResponse token_granted() {
  return answer(
      200,
      std::string(R"({"access_token":")") + access_token +
          R"(","expires_in":60,"refresh_expires_in":1800,"refresh_token":"eyJhbGciOiJIUzUxMiIsInR5cCIgOiAiSldUIiwia2lkIiA6ICI1YzE0In0.eyJleHAiOjE3NjQ2Mjc4MDB9.p1Q0",)"
          R"("token_type":"Bearer","not-before-policy":0,"session_state":"5f0e2b7c-8a41-4d3e-9b6a-0c7d2e1f4a58","scope":"profile email"})",
      json_headers());
}
/// The same with a wrong admin password.
inline harness::HttpResponse token_refused() {
  return answer(401, R"({"error":"invalid_grant","error_description":"Invalid user credentials"})", json_headers());
}

/// 201 Created with its Location header and an empty body, as every admin-API create answers.
inline harness::HttpResponse created(const std::string& location) {
  return answer(201, "", {{"Location", location}, {"Referrer-Policy", "no-referrer"}, {"Content-Length", "0"}});
}
inline harness::HttpResponse realm_created() { return created(realm_url); }
inline harness::HttpResponse client_created() { return created(std::string(clients_url) + "/" + client_uuid); }
inline harness::HttpResponse user_created() { return created(std::string(users_url) + "/" + user_id); }

inline harness::HttpResponse realm_exists() {
  return answer(409, R"({"errorMessage":"Realm ccci-run-7f3a-b2 already exists"})", json_headers());
}
/// An admin whose token lacks the rights (e.g. a non-admin user of master).
inline harness::HttpResponse forbidden() { return answer(403, R"({"error":"HTTP 403 Forbidden"})", json_headers()); }
inline harness::HttpResponse client_secret_answer() {
  return answer(200, std::string(R"({"type":"secret","value":")") + client_secret + R"("})", json_headers());
}
inline harness::HttpResponse invalid_email() {
  return answer(400, R"({"field":"email","errorMessage":"error-invalid-email","params":["email","not-an-email"]})",
                json_headers());
}
inline harness::HttpResponse password_policy_refused() {
  return answer(
      400, R"({"error":"invalidPasswordMinLengthMessage","error_description":"Invalid password: minimum length 24."})",
      json_headers());
}
inline harness::HttpResponse no_content() { return answer(204, "", {{"Referrer-Policy", "no-referrer"}}); }
inline harness::HttpResponse realm_not_found() {
  return answer(404, R"({"error":"Realm not found."})", json_headers());
}
inline harness::HttpResponse unknown_error() { return answer(500, R"({"error":"unknown_error"})", json_headers()); }
/// What a reverse proxy answers while Keycloak is still starting.
inline harness::HttpResponse proxy_error_page() {
  return answer(502, "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>Bad Gateway</body>\r\n</html>\r\n",
                {{"Content-Type", "text/html"}});
}

}  // namespace ccci::fakes::keycloak
