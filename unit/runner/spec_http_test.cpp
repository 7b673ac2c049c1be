// The http check kind's full form in recipe.yml: steps, expectations, captures, converge.
#include <gtest/gtest.h>

#include "runner/spec.hpp"
#include "unit/fakes/spec_text.hpp"

namespace ccci::runner {
namespace {

using fakes::parse_spec_text;
using fakes::spec_error_of;

TEST(SpecHttp, AListOfStepsWithCapturesExpectationsAndConvergeBecomesOneCheck) {
  auto spec = parse_spec_text(R"yaml(checks:
  custom:
    - name: api_note_roundtrip
      converge: 30s
      http:
        - {method: POST, path: /cgi-bin/login, headers_contain: {Set-Cookie: session=}}
        - method: POST
          path: /cgi-bin/notes
          body: 'text $$5'
          status: 201
          capture: {note_id: {json: /id}, where: {header: Location}, n: {match: "n=([0-9]+)"}}
        - path: /cgi-bin/notes/${note_id}
          headers: {X-From: "${where}"}
          body_matches: '"id":"[0-9a-f]+"'
          json: {/text: "text $5", /n: 5, /ok: true, /gone: null, /quoted: "5", /empty: ~}
)yaml");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  const SpecCheck& check = spec->checks.at(Tier::custom).at(0);
  const auto& http = std::get<HttpCheck>(check.kind);
  ASSERT_EQ(http.steps.size(), 3u);
  EXPECT_EQ(http.converge, std::chrono::seconds(30));
  EXPECT_TRUE(check.writes) << "a check with a POST step writes";
  EXPECT_EQ(http.steps[0].headers_contain.at("Set-Cookie"), "session=");
  const auto& captures = http.steps[1].captures;
  ASSERT_EQ(captures.size(), 3u);
  EXPECT_EQ(captures[0].name, "note_id");
  EXPECT_EQ(captures[0].from, CaptureFrom::json);
  EXPECT_EQ(captures[1].from, CaptureFrom::header);
  EXPECT_EQ(captures[1].source, "Location");
  EXPECT_EQ(captures[2].from, CaptureFrom::match);
  const auto& read = http.steps[2];
  EXPECT_EQ(read.body_matches, "\"id\":\"[0-9a-f]+\"");
  std::vector<std::pair<std::string, std::string>> json;
  for (const auto& e : read.json) json.emplace_back(e.pointer, e.expected);
  EXPECT_EQ(json, (std::vector<std::pair<std::string, std::string>>{{"/text", "\"text $5\""},
                                                                    {"/n", "5"},
                                                                    {"/ok", "true"},
                                                                    {"/gone", "null"},
                                                                    {"/quoted", "\"5\""},
                                                                    {"/empty", "null"}}));
  EXPECT_EQ(describe(check),
            "3 http steps: POST /cgi-bin/login → 200; POST /cgi-bin/notes → 201; GET /cgi-bin/notes/${note_id} → 200, "
            "body matches /\"id\":\"[0-9a-f]+\"/, /text = \"text $5\", /n = 5, /ok = true, /gone = null, /quoted = "
            "\"5\", /empty = null (converges within 30s)");
}

TEST(SpecHttp, SeedsTakeStepsToo) {
  auto spec = parse_spec_text(R"(seeds:
  pre_backup:
    - http:
        - {method: POST, path: /login, capture: {t: {header: X-Token}}}
        - {method: PUT, path: /marker, headers: {X-Token: "${t}"}, status: 201}
)");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_EQ(std::get<HttpCheck>(spec->seeds.at(SeedOp::pre_backup).at(0).kind).steps.size(), 2u);
}

TEST(SpecHttp, MistakesAreSpecErrorsAtTheirPosition) {
  const std::pair<const char*, const char*> cases[] = {
      {"checks:\n  custom:\n    - {name: x, http: [{path: /a}, {path: '/b/${id}'}]}\n",
       "recipe.yml:3:43: checks.custom[0].http[1].path uses ${id}, which no earlier step captures"},
      {"checks:\n  custom:\n    - {name: x, http: [{path: '/b/${id}', capture: {id: {json: /id}}}]}\n",
       "recipe.yml:3:31: checks.custom[0].http[0].path uses ${id}, which no earlier step captures"},
      {"checks:\n  custom:\n    - {name: x, http: {path: /, body: '${unclosed'}}\n",
       "recipe.yml:3:39: checks.custom[0].http.body: '${' without a closing '}'"},
      {"checks:\n  custom:\n    - {name: x, http: {path: /, headers: {X-A: 'k ${key}'}}}\n",
       "recipe.yml:3:48: checks.custom[0].http.headers.X-A uses ${key}, which no earlier step captures"},
      {"checks:\n  custom:\n    - {name: x, http: []}\n",
       "recipe.yml:3:23: checks.custom[0].http must list at least one step"},
      {"checks:\n  custom:\n    - {name: x, http: {path: /, body_matches: '(a)\\1'}}\n",
       "recipe.yml:3:47: checks.custom[0].http.body_matches: back-references (\\1) are not allowed"},
      {"checks:\n  custom:\n    - {name: x, http: {path: /, body_matches: '(a'}}\n",
       "recipe.yml:3:47: checks.custom[0].http.body_matches: not a POSIX extended regular expression"},
      {"checks:\n  custom:\n    - {name: x, http: {path: /, json: {id: 1}}}\n",
       "recipe.yml:3:40: checks.custom[0].http.json: 'id' is not a JSON pointer"},
      {"checks:\n  custom:\n    - {name: x, http: {path: /, json: {/a: [1]}}}\n",
       "recipe.yml:3:44: checks.custom[0].http.json./a must be a string, number, bool or null"},
      {"checks:\n  custom:\n    - {name: x, http: {path: /, capture: {Id: {json: /id}}}}\n",
       "recipe.yml:3:43: checks.custom[0].http.capture: 'Id' is not a capture name"},
      {"checks:\n  custom:\n    - {name: x, http: {path: /, capture: {id: {json: /id, header: X}}}}\n",
       "recipe.yml:3:47: checks.custom[0].http.capture.id needs exactly one of json, header, match"},
      {"checks:\n  custom:\n    - {name: x, http: {path: /, capture: {id: {match: 'id=[0-9]+'}}}}\n",
       "recipe.yml:3:55: checks.custom[0].http.capture.id.match needs a parenthesised group"},
      {"checks:\n  custom:\n    - {name: x, http: {path: /, capture: {id: {cookie: s}}}}\n",
       "recipe.yml:3:48: unknown key 'cookie' in checks.custom[0].http.capture.id"},
      {"checks:\n  custom:\n    - {name: x, exec: {service: app, run: [ls]}, converge: 10s}\n",
       "recipe.yml:3:60: checks.custom[0].converge belongs to an http check"},
      {"checks:\n  custom:\n    - {name: x, http: {path: /}, converge: 25h}\n",
       "recipe.yml:3:44: checks.custom[0].converge '25h' is longer than the maximum of 24h"},
      {"checks:\n  custom:\n    - {name: x, http: {path: /, headers_contain: {'a b': x}}}\n",
       "recipe.yml:3:51: checks.custom[0].http.headers_contain: 'a b' is not a header name"},
      {"seeds:\n  pre_backup:\n    - {http: {path: /}, converge: 10s}\n",
       "recipe.yml:3:25: unknown key 'converge' in seeds.pre_backup[0]"},
  };
  for (const auto& [yaml, expected] : cases) {
    std::string message = spec_error_of(yaml);
    EXPECT_EQ(message.rfind(expected, 0), 0u) << message << "\nexpected: " << expected;
  }
}

TEST(SpecHttp, APatternOverOneKibibyteIsRefusedAtLoad) {
  std::string yaml =
      "checks:\n  custom:\n    - {name: x, http: {path: /, body_matches: '" + std::string(1025, 'a') + "'}}\n";
  EXPECT_NE(spec_error_of(yaml).find("longer than 1024 bytes"), std::string::npos);
}

TEST(SpecHttp, TooManyStepsAreRefused) {
  std::string steps;
  for (int i = 0; i < 21; ++i) steps += std::string(i ? ", " : "") + "{path: /}";
  EXPECT_NE(spec_error_of("checks:\n  custom:\n    - {name: x, http: [" + steps + "]}\n").find("more than 20 steps"),
            std::string::npos);
}

}  // namespace
}  // namespace ccci::runner
