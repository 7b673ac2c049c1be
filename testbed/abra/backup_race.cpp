#include "testbed/abra/backup_race.hpp"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>

#include "harness/filesystem.hpp"
#include "harness/text.hpp"

namespace ccci::testbed {
namespace {

using namespace std::chrono_literals;

constexpr const char* knob_name = "CCCI_STANDIN_BACKUP_RACE";

harness::Error bad_knob(const std::string& why) {
  return fatal(std::string(knob_name) + " must be <service>:<n|always>, e.g. db:1; " + why);
}

bool plain_name(const std::string& name) {
  if (name.empty() || name.size() > 63 || name.front() == '-' || name.front() == '.') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.';
  });
}

bool container_id(const std::string& id) {
  return !id.empty() && id.size() <= 64 &&
         std::all_of(id.begin(), id.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

/// Whether this call is within the knob's first n, counting it when it is.
harness::Result<bool> within_count(Context& context, const App& app, int times) {
  auto dir = context.abra_dir() / "tmp" / app.stack / "backupbot";
  CCCI_TRY_STATUS(harness::make_directories(dir));
  auto counter = dir / "races-run";
  int run = 0;
  std::ifstream(counter) >> run;
  if (run >= times) return false;
  std::ofstream(counter) << run + 1 << "\n";
  return true;
}

}  // namespace

harness::Result<BackupRace> parse_backup_race(const std::string& value) {
  auto colon = value.rfind(':');
  if (colon == std::string::npos) return bad_knob("got no ':'");
  BackupRace race{value.substr(0, colon), std::nullopt};
  if (!plain_name(race.service)) return bad_knob("the service is not a plain name");
  std::string count = value.substr(colon + 1);
  if (count == "always") return race;
  if (count.empty() || count.size() > 6 ||
      !std::all_of(count.begin(), count.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return bad_knob("the count is neither a number up to 999999 nor 'always'");
  race.times = std::stoi(count);
  return race;
}

harness::Result<std::optional<std::string>> race_backup(Context& context, const App& app) {
  auto knob = context.env().find(knob_name);
  if (knob == context.env().end() || knob->second.empty()) return std::optional<std::string>{};
  CCCI_TRY(auto race, parse_backup_race(knob->second));
  CCCI_TRY(auto services, stack_services(context, app.stack));
  std::string service = app.stack + "_" + race.service;
  if (std::find(services.begin(), services.end(), service) == services.end()) {
    return fatal(std::string(knob_name) + ": " + race.service + " is no service of " + app.stack +
                 " (it has: " + harness::join(services, ", ") + ")");
  }
  if (race.times) {
    CCCI_TRY(bool within, within_count(context, app, *race.times));
    if (!within) return std::optional<std::string>{};
  }
  CCCI_TRY(auto ps, context.run({"docker", "ps", "-q", "--filter", "label=com.docker.swarm.service.name=" + service,
                                 "--filter", "status=running"},
                                30s));
  std::istringstream ids(ps.out);
  int stopped = 0;
  for (std::string id; ids >> id;) {
    if (!container_id(id)) return fatal("docker ps printed no container id: " + id);
    CCCI_TRY_STATUS(context.run({"docker", "kill", id}, 60s));
    CCCI_TRY_STATUS(context.run({"docker", "wait", id}, 60s));
    std::cerr << "WARN " << knob_name << ": stopped " << service << "'s container " << id.substr(0, 12)
              << " before enumerating\n";
    ++stopped;
  }
  if (stopped == 0) return fatal(std::string(knob_name) + ": " + service + " has no running container to stop");
  return std::optional<std::string>{service};
}

}  // namespace ccci::testbed
