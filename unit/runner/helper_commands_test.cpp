#include "runner/helper_commands.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "runner/app.hpp"
#include "unit/fakes/fake_drivers.hpp"
#include "unit/fakes/fake_http.hpp"
#include "unit/fakes/fake_process.hpp"
#include "unit/fakes/temp_dir.hpp"

namespace ccci::runner {
namespace {

using harness::ErrorKind;

const EnvironmentMap check_env = {{"CCCI_STACK", "fixt_ccci_test"}, {"CCCI_DOMAIN", "fixt.ccci.test"}};

class HelperExec : public ::testing::Test {
 protected:
  int exec(const std::vector<std::string>& args, const EnvironmentMap& env = check_env) {
    return helper_exec(env, args, docker, out, err);
  }
  fakes::FakeDocker docker;
  std::ostringstream out, err;
};

TEST_F(HelperExec, RunsTheArgvInTheStacksServiceAndPassesItsOutputAndExitThrough) {
  docker.exec_answers.push_back(fakes::exited(4, "marker\n", "cat: warning\n"));
  EXPECT_EQ(exec({"app", "--", "cat", "/data/markers/x"}), 4);
  EXPECT_EQ(out.str(), "marker\n");
  EXPECT_EQ(err.str(), "cat: warning\n");
  EXPECT_EQ(docker.calls,
            (std::vector<std::string>{"container_for_service fixt_ccci_test_app", "exec c0ffee cat /data/markers/x"}));
}

TEST_F(HelperExec, TheDoubleDashIsOptionalAndProtectsAnArgvThatLooksLikeOne) {
  EXPECT_EQ(exec({"app", "true"}), 0);
  EXPECT_EQ(exec({"app", "--", "--", "x"}), 0);
  EXPECT_EQ(docker.calls.back(), "exec c0ffee -- x");
}

TEST_F(HelperExec, ASignalEndsIt128PlusTheSignal) {
  harness::Completion killed = fakes::exited(-1);
  killed.signal = 9;
  docker.exec_answers.push_back(killed);
  EXPECT_EQ(exec({"app", "--", "sleep", "9"}), 137);
}

TEST_F(HelperExec, NoRunningContainerOrNoDockerIsExit3) {
  docker.failures.emplace("container_for_service", harness::Error{ErrorKind::not_found, "no task running"});
  EXPECT_EQ(exec({"db", "--", "true"}), 3);
  EXPECT_EQ(err.str(), "ccci-run: no running container of fixt_ccci_test_db: no task running\n");
  docker.failures.clear();
  docker.failures.emplace("exec", harness::Error{ErrorKind::infra, "docker: cannot connect"});
  EXPECT_EQ(exec({"db", "--", "true"}), 3);
}

TEST_F(HelperExec, OutsideACheckItSaysWhichFactIsMissingAndExits2) {
  EXPECT_EQ(exec({"app", "--", "true"}, {{"CCCI_DOMAIN", "fixt.ccci.test"}}), 2);
  EXPECT_EQ(err.str(), "ccci-run: ccci-run exec runs inside a ccci check: CCCI_STACK is not set\n");
  EXPECT_TRUE(docker.calls.empty());
}

TEST_F(HelperExec, AHostileOrMissingServiceOrArgvIsAUsageError) {
  EXPECT_EQ(exec({}), 2);
  EXPECT_EQ(exec({"app"}), 2);
  EXPECT_EQ(exec({"app", "--"}), 2);
  EXPECT_EQ(exec({"--filter=x", "--", "true"}), 2);
  EXPECT_EQ(exec({"app db", "--", "true"}), 2);
  EXPECT_EQ(exec({"../app", "--", "true"}), 2);
  EXPECT_TRUE(docker.calls.empty());
  EXPECT_NE(err.str().find("usage: ccci-run exec SERVICE [--] ARGV..."), std::string::npos) << err.str();
}

class HelperHttp : public ::testing::Test {
 protected:
  int http(const std::vector<std::string>& args, const EnvironmentMap& env = check_env) {
    return helper_http(env, args, client, out, err);
  }
  fakes::FakeHttpClient client;
  std::ostringstream out, err;
};

TEST_F(HelperHttp, GetPrintsTheBodyAndTheStatusOnStderrAndPassesOn2xxAnd3xx) {
  client.respond("GET", "https://fixt.ccci.test/cgi-bin/marker/x", 200, "written\n");
  EXPECT_EQ(http({"/cgi-bin/marker/x"}), 0);
  EXPECT_EQ(out.str(), "written\n");
  EXPECT_EQ(err.str(), "HTTP 200\n");
  client.respond("GET", "https://fixt.ccci.test/login", 302, "");
  EXPECT_EQ(http({"/login"}), 0);
}

TEST_F(HelperHttp, AnyOtherStatusExits1) {
  client.respond("GET", "https://fixt.ccci.test/missing", 404, "not here\n");
  EXPECT_EQ(http({"/missing"}), 1);
  EXPECT_EQ(out.str(), "not here\n");
  EXPECT_EQ(err.str(), "HTTP 404\n");
  client.respond("GET", "https://fixt.ccci.test/broken", 502, "");
  EXPECT_EQ(http({"/broken"}), 1);
}

TEST_F(HelperHttp, MethodBodyAndHeadersAreSentAsGiven) {
  client.respond("PUT", "https://fixt.ccci.test/cgi-bin/marker/x", 201, "");
  EXPECT_EQ(http({"--method", "put", "--data", "hello", "--header", "Content-Type:  text/plain", "-H",
                  "X-Empty:", "/cgi-bin/marker/x"}),
            0);
  auto sent = client.requests();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].method, "PUT");
  EXPECT_EQ(sent[0].body, "hello");
  EXPECT_EQ(sent[0].headers, (harness::Headers{{"Content-Type", "text/plain"}, {"X-Empty", ""}}));
}

TEST_F(HelperHttp, DataFileIsSentAsTheBody) {
  fakes::TempDir dir;
  auto file = dir.write("body.json", "{\"title\": \"x\"}\n");
  client.respond("POST", "https://fixt.ccci.test/api/topics", 201, "{\"id\": 7}");
  EXPECT_EQ(http({"-X", "POST", "--data-file", file.string(), "/api/topics"}), 0);
  EXPECT_EQ(client.requests().at(0).body, "{\"title\": \"x\"}\n");
  EXPECT_EQ(http({"--data-file", (dir.path() / "absent").string(), "/api/topics"}), 2);
}

TEST_F(HelperHttp, StatusOnlyPrintsTheStatusAloneOnStdout) {
  client.respond("DELETE", "https://fixt.ccci.test/cgi-bin/marker/x", 404, "gone\n");
  EXPECT_EQ(http({"--status-only", "--method", "DELETE", "/cgi-bin/marker/x"}), 1);
  EXPECT_EQ(out.str(), "404\n");
  EXPECT_EQ(err.str(), "");
}

TEST_F(HelperHttp, ARequestThatCouldNotBeMadeExits3) {
  client.fail("GET", "https://fixt.ccci.test/", ErrorKind::infra, "connection refused");
  EXPECT_EQ(http({"/"}), 3);
  EXPECT_EQ(err.str(), "ccci-run: GET /: connection refused\n");
  EXPECT_EQ(out.str(), "");
}

TEST_F(HelperHttp, OutsideACheckOrWithBadArgumentsItExits2AndSendsNothing) {
  EXPECT_EQ(http({"/"}, {{"CCCI_STACK", "fixt_ccci_test"}}), 2);
  EXPECT_EQ(err.str(), "ccci-run: ccci-run http runs inside a ccci check: CCCI_DOMAIN is not set\n");
  EXPECT_EQ(http({}), 2);
  EXPECT_EQ(http({"no-slash"}), 2);
  EXPECT_EQ(http({"/a", "/b"}), 2);
  EXPECT_EQ(http({"--method", "TRACE", "/"}), 2);
  EXPECT_EQ(http({"--method"}), 2);
  EXPECT_EQ(http({"--data", "a", "--data", "b", "/"}), 2);
  EXPECT_EQ(http({"--header", "no colon", "/"}), 2);
  EXPECT_EQ(http({"--header", "X: a\r\nInjected: b", "/"}), 2);
  EXPECT_EQ(http({"--frobnicate", "/"}), 2);
  EXPECT_EQ(http({"/a\nb"}), 2);
  EXPECT_TRUE(client.requests().empty());
}

TEST(HelperRouting, GatewayIsHostAndOptionalPortAndTheCaIsTrusted) {
  auto routed = helper_routing({{"CCCI_GATEWAY", "127.0.0.1:8443"}, {"CCCI_CA_BUNDLE", "/testbed/ca.pem"}});
  ASSERT_TRUE(routed.ok()) << routed.error().message;
  EXPECT_EQ(routed->gateway_host, "127.0.0.1");
  EXPECT_EQ(routed->gateway_port, 8443);
  EXPECT_EQ(routed->ca_bundle, std::filesystem::path("/testbed/ca.pem"));
  auto plain = helper_routing({{"CCCI_GATEWAY", "gateway.local"}});
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->gateway_host, "gateway.local");
  EXPECT_EQ(plain->gateway_port, 0);
  auto v6 = helper_routing({{"CCCI_GATEWAY", "[::1]:443"}});
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->gateway_host, "[::1]");
  EXPECT_EQ(v6->gateway_port, 443);
  auto none = helper_routing({});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->gateway_host, "");
  EXPECT_EQ(none->ca_bundle, std::filesystem::path());
}

TEST(HelperRouting, AGatewayThatIsNotHostAndPortIsAUsageError) {
  for (const char* bad : {"host:", "host:http", "host:0", "host:70000", ":443", "host:123456"}) {
    auto routed = helper_routing({{"CCCI_GATEWAY", bad}});
    ASSERT_FALSE(routed.ok()) << bad;
    EXPECT_EQ(routed.error().kind, ErrorKind::usage);
  }
}

TEST(HelperCommands, CcciRunDispatchesExecAndHttpBeforeAnyRunSetting) {
  EXPECT_TRUE(is_helper_command({"exec", "app"}));
  EXPECT_TRUE(is_helper_command({"http", "/"}));
  EXPECT_FALSE(is_helper_command({"reap"}));
  EXPECT_FALSE(is_helper_command({}));
  std::ostringstream out, err;
  // No RECIPE, no OUT: a run would refuse; a helper only needs its facts.
  EXPECT_EQ(run_ccci({}, {"exec", "app", "--", "true"}, out, err), 2);
  EXPECT_EQ(err.str(), "ccci-run: ccci-run exec runs inside a ccci check: CCCI_STACK is not set\n");
  std::ostringstream out2, err2;
  EXPECT_EQ(run_ccci({{"CCCI_GATEWAY", "x:y"}}, {"http", "/"}, out2, err2), 2);
  EXPECT_NE(err2.str().find("CCCI_GATEWAY must be host[:port]"), std::string::npos) << err2.str();
}

}  // namespace
}  // namespace ccci::runner
