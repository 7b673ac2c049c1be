#include "harness/filesystem.hpp"

#include <string>
#include <system_error>

namespace ccci::harness {
namespace {

Error failed(const std::string& what, const std::filesystem::path& path, const std::error_code& error) {
  return make_error(ErrorKind::infra, "cannot " + what + " " + path.string() + ": " + error.message());
}

}  // namespace

Status make_directories(const std::filesystem::path& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) return failed("create", dir, error);
  return ok_status();
}

Result<bool> path_exists(const std::filesystem::path& path) {
  std::error_code error;
  bool exists = std::filesystem::exists(path, error);
  if (error) return failed("look up", path, error);
  return exists;
}

Status remove_file(const std::filesystem::path& file) {
  std::error_code error;
  std::filesystem::remove(file, error);
  if (error) return failed("remove", file, error);
  return ok_status();
}

Status remove_tree(const std::filesystem::path& path) {
  std::error_code error;
  std::filesystem::remove_all(path, error);
  if (error) return failed("remove", path, error);
  return ok_status();
}

Result<std::filesystem::path> absolute_path(const std::filesystem::path& path) {
  std::error_code error;
  auto absolute = std::filesystem::absolute(path, error);
  if (error) return failed("make absolute", path, error);
  return absolute;
}

}  // namespace ccci::harness
