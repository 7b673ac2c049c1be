#include "harness/volume_files.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <optional>

#include "harness/filesystem.hpp"
#include "harness/text.hpp"

namespace ccci::harness {
namespace {

constexpr std::size_t tar_block = 512;
constexpr std::string_view mount_root = "/ccci-volumes/";

/// docker's words for a path that is not there (or not what the copy needs).
bool says_missing(std::string_view lowered_err) {
  for (std::string_view words : {"could not find the file", "no such file", "not a directory", "no such directory"}) {
    if (lowered_err.find(words) != std::string_view::npos) return true;
  }
  return false;
}

/// An octal field of a tar header (NUL- or space-terminated).
std::optional<std::size_t> octal(std::string_view field) {
  std::size_t value = 0;
  bool digits = false;
  for (char c : field) {
    if (c == '\0' || c == ' ') {
      if (digits) break;
      continue;
    }
    if (c < '0' || c > '7') return std::nullopt;
    value = value * 8 + static_cast<std::size_t>(c - '0');
    digits = true;
  }
  if (!digits) return std::nullopt;
  return value;
}

class RealVolumeFiles final : public VolumeFiles {
 public:
  RealVolumeFiles(ProcessRunner& runner, DockerSettings settings, std::filesystem::path scratch_dir)
      : runner_(runner), settings_(std::move(settings)), scratch_dir_(std::move(scratch_dir)) {}

  Result<std::set<std::string>> existing(const std::vector<std::string>& volumes) override {
    if (volumes.empty()) return std::set<std::string>{};
    std::vector<std::string> args{"volume", "inspect", "--format", "{{.Name}}"};
    for (const auto& volume : volumes) {
      CCCI_TRY_STATUS(validate_docker_name("volume name", volume, "_.-"));
      args.push_back(volume);
    }
    // docker names what exists on stdout and says "no such volume" for the others, exiting 1.
    CCCI_TRY(auto done, spawn(std::move(args), settings_.timeout));
    std::string err = lowercase(done.err);
    if (daemon_unreachable_in(err) || done.timed_out || done.signal != 0 ||
        (!done.succeeded() && err.find("no such volume") == std::string::npos)) {
      return failure("docker volume inspect", done);
    }
    auto names = trimmed_lines(done.out);
    return std::set<std::string>(names.begin(), names.end());
  }

  Result<std::vector<Status>> write(const VolumeHost& host,
                                    const std::vector<std::pair<VolumeFile, std::string>>& files) override {
    std::vector<VolumeFile> targets;
    for (const auto& [file, content] : files) targets.push_back(file);
    CCCI_TRY(auto container, create(host, targets));
    std::vector<Status> outcomes;
    for (size_t i = 0; i < files.size(); ++i) outcomes.push_back(copy_in(container, i, files[i]));
    CCCI_TRY_STATUS(remove(container));
    return outcomes;
  }

  Result<std::vector<Result<std::string>>> read(const VolumeHost& host, const std::vector<VolumeFile>& files) override {
    CCCI_TRY(auto container, create(host, files));
    std::vector<Result<std::string>> outcomes;
    for (size_t i = 0; i < files.size(); ++i) outcomes.push_back(copy_out(container, i, files[i]));
    CCCI_TRY_STATUS(remove(container));
    return outcomes;
  }

 private:
  Result<Completion> spawn(std::vector<std::string> args, std::chrono::milliseconds timeout,
                           std::size_t max_output = default_max_output) {
    Command command;
    command.argv.push_back(settings_.executable);
    command.argv.insert(command.argv.end(), args.begin(), args.end());
    command.env = settings_.env;
    command.timeout = timeout;
    command.max_output = max_output;
    auto done = runner_.run(command);
    if (!done) {
      ErrorKind kind = done.error().kind == ErrorKind::not_found ? ErrorKind::infra : done.error().kind;
      return make_error(kind, "cannot run `" + join(command.argv, " ") + "`: " + done.error().message);
    }
    return done;
  }

  static Error failure(const std::string& shown, const Completion& done) {
    std::string detail = last_lines(done.err.empty() ? done.out : done.err, 10, 1500);
    return make_error(done.timed_out ? ErrorKind::timeout : ErrorKind::infra,
                      "`" + shown + "` " + done.describe() + (detail.empty() ? "" : ":\n" + detail));
  }

  /// The mount point of the batch's `index`th file's volume: one per distinct volume.
  static std::string mount_of(const std::vector<VolumeFile>& files, size_t index) {
    for (size_t i = 0; i <= index; ++i) {
      if (files[i].volume == files[index].volume) return std::string(mount_root) + std::to_string(i);
    }
    return {};
  }

  Result<std::string> create(const VolumeHost& host, const std::vector<VolumeFile>& files) {
    CCCI_TRY_STATUS(validate_docker_name("image", host.image, "_.-/:@", 512));
    CCCI_TRY_STATUS(validate_docker_name("stack name", host.stack, "_.-"));
    std::vector<std::string> args{
        "create",       "--pull=never",       "--network", "none", "--label", stack_namespace_label(host.stack),
        "--entrypoint", "/ccci-never-started"};
    mounts_.clear();
    for (size_t i = 0; i < files.size(); ++i) {
      CCCI_TRY_STATUS(validate_docker_name("volume name", files[i].volume, "_.-"));
      CCCI_TRY_STATUS(validate_volume_path(files[i].path));
      mounts_.push_back(mount_of(files, i));
      if (mounts_.back() == std::string(mount_root) + std::to_string(i))
        args.insert(args.end(), {"--volume", files[i].volume + ":" + mounts_.back()});
    }
    args.push_back(host.image);
    CCCI_TRY(auto done, spawn(std::move(args), settings_.timeout));
    if (!done.succeeded()) return failure("docker create " + host.image, done);
    auto ids = trimmed_lines(done.out);
    if (ids.empty()) return make_error(ErrorKind::infra, "docker create printed no container id");
    CCCI_TRY_STATUS(validate_docker_name("container", ids.back(), ""));
    return ids.back();
  }

  Status remove(const std::string& container) {
    CCCI_TRY(auto done, spawn({"rm", "--force", "--volumes", container}, settings_.timeout));
    if (!done.succeeded()) return failure("docker rm " + container, done);
    return ok_status();
  }

  Status copy_in(const std::string& container, size_t index, const std::pair<VolumeFile, std::string>& file) {
    auto staged = stage(file.second);
    if (!staged) return staged.error();
    std::string destination = container + ":" + mounts_[index] + "/" + file.first.path;
    auto done = spawn({"cp", staged->string(), destination}, settings_.timeout);
    (void)remove_file(*staged);
    if (!done) return done.error();
    if (done->succeeded()) return ok_status();
    if (says_missing(lowercase(done->err)))
      return make_error(ErrorKind::not_found, "no directory in " + file.first.volume + " for " + file.first.path);
    return failure("docker cp into " + file.first.volume, *done);
  }

  Result<std::string> copy_out(const std::string& container, size_t index, const VolumeFile& file) {
    std::string source = container + ":" + mounts_[index] + "/" + file.path;
    CCCI_TRY(auto done, spawn({"cp", source, "-"}, settings_.timeout, volume_file_max_read + 4 * tar_block));
    if (!done.succeeded()) {
      if (says_missing(lowercase(done.err)))
        return make_error(ErrorKind::not_found, file.path + " is not in " + file.volume);
      return failure("docker cp out of " + file.volume, done);
    }
    if (done.dropped > 0)
      return make_error(ErrorKind::not_found, file.path + " in " + file.volume + " is larger than ccci reads");
    return single_file_from_tar(done.out);
  }

  /// The content in a new file of the scratch directory, only ours to read.
  Result<std::filesystem::path> stage(const std::string& content) {
    std::string name = (scratch_dir_ / "ccci-volume-file-XXXXXX").string();
    int fd = ::mkstemp(name.data());
    if (fd < 0) return make_error(ErrorKind::infra, "cannot create a file in " + scratch_dir_.string());
    ::close(fd);
    if (!(std::ofstream(name, std::ios::binary | std::ios::trunc) << content)) {
      (void)remove_file(name);
      return make_error(ErrorKind::infra, "cannot write " + name);
    }
    // docker cp keeps the mode: the file in the volume is readable as an app's own would be.
    std::filesystem::permissions(name, std::filesystem::perms(0644));
    return std::filesystem::path(name);
  }

  ProcessRunner& runner_;
  DockerSettings settings_;
  std::filesystem::path scratch_dir_;
  std::vector<std::string> mounts_;  ///< of the current batch, by file
};

}  // namespace

Status validate_volume_path(std::string_view path) {
  bool ok = !path.empty() && path.size() <= 1024 && path.front() != '/' &&
            std::none_of(path.begin(), path.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; });
  for (const auto& part : split(path, '/')) ok = ok && !part.empty() && part != "." && part != "..";
  if (ok) return ok_status();
  return make_error(ErrorKind::usage, "invalid path in a volume " + printable(path) +
                                          ": expected a relative path without '.' or '..' parts");
}

Result<std::string> single_file_from_tar(std::string_view tar) {
  size_t at = 0;
  while (at + tar_block <= tar.size()) {
    std::string_view header = tar.substr(at, tar_block);
    if (header.find_first_not_of('\0') == std::string_view::npos) break;  // the end-of-archive blocks
    auto size = octal(header.substr(124, 12));
    if (!size) return make_error(ErrorKind::infra, "docker cp printed a tar header without a size");
    char type = header[156];
    size_t data = at + tar_block;
    if (type == 'x' || type == 'g' || type == 'L' || type == 'K') {  // metadata for the next entry
      at = data + (*size + tar_block - 1) / tar_block * tar_block;
      continue;
    }
    if (type != '0' && type != '\0') return make_error(ErrorKind::not_found, "not a regular file");
    if (data + *size > tar.size()) return make_error(ErrorKind::infra, "docker cp printed a cut tar stream");
    return std::string(tar.substr(data, *size));
  }
  return make_error(ErrorKind::infra, "docker cp printed no tar entry");
}

std::unique_ptr<VolumeFiles> make_volume_files(ProcessRunner& runner, DockerSettings settings,
                                               std::filesystem::path scratch_dir) {
  return std::make_unique<RealVolumeFiles>(runner, std::move(settings), std::move(scratch_dir));
}

}  // namespace ccci::harness
