#include "runner/abra_home.hpp"

#include <system_error>

#include "harness/filesystem.hpp"

namespace ccci::runner {
namespace {

using harness::ErrorKind;
using harness::make_error;

harness::Error not_registered(const AbraHomes& homes, const std::string& why) {
  const std::string host = homes.host.string();
  return make_error(ErrorKind::infra,
                    "abra server '" + homes.server + "' is not registered in the abra home " + host +
                        " (ABRA_DIR): " + why + "; register it with `ABRA_DIR=" + host +
                        " abra server add --local` for the local swarm, or `ABRA_DIR=" + host +
                        " abra server add <host>` for a remote one (and pass --server/CCCI_SERVER=<host>)");
}

}  // namespace

harness::Status prepare_run_abra_home(const AbraHomes& homes) {
  if (homes.host.empty()) {
    return make_error(ErrorKind::infra,
                      "no abra home: neither ABRA_DIR nor HOME is set; set ABRA_DIR to the directory where "
                      "`abra server add` registered server '" +
                          homes.server + "'");
  }
  auto registered = homes.host / "servers" / homes.server;
  std::error_code error;
  auto status = std::filesystem::status(registered, error);
  if (error && error != std::errc::no_such_file_or_directory)
    return not_registered(homes, registered.string() + " cannot be read: " + error.message());
  if (!std::filesystem::is_directory(status)) {
    return not_registered(
        homes, registered.string() + (std::filesystem::exists(status) ? " is not a directory" : " does not exist"));
  }
  CCCI_TRY_STATUS(harness::make_directories(homes.run / "servers" / homes.server));
  if (!std::filesystem::is_directory(homes.host / "catalogue", error)) return harness::ok_status();
  // Absolute: a relative target would be read from inside the run's home.
  CCCI_TRY(auto catalogue, harness::absolute_path(homes.host / "catalogue"));
  std::filesystem::create_directory_symlink(catalogue, homes.run / "catalogue", error);
  if (error) {
    return make_error(ErrorKind::infra, "cannot link the host's abra catalogue " + catalogue.string() + " into " +
                                            homes.run.string() + ": " + error.message());
  }
  return harness::ok_status();
}

}  // namespace ccci::runner
