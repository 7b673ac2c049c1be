#pragma once
/// VolumeFiles: files inside a stack's docker volumes, reached without running anything in them.
///
/// Each batch creates one container of `image` with the volumes mounted at /ccci-volumes/<n> — it
/// is never started, so the image needs no shell and no binary at all (any image on the host will
/// do: the app's own) — copies files with `docker cp`, and removes the container together with any
/// anonymous volume the image declares before it returns. The container carries the stack's
/// namespace label, so a run killed mid-batch leaves something the stack's residue query finds.
/// A volume that does not exist is never created: `existing` tells which do.
///
/// Failure behaviour: docker unreachable, the container not creatable, output that cannot be
/// read: ErrorKind::infra for the whole batch. Per file: not_found when `path`'s directory (on
/// write) or the file (on read) is not in the volume, or is not a directory / a regular file.
/// Paths are relative to the volume's root, '/'-separated, without "." or ".." parts; names and
/// paths are validated before anything is spawned (ErrorKind::usage).
#include <chrono>
#include <cstddef>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "harness/docker.hpp"
#include "harness/process.hpp"
#include "harness/result.hpp"

namespace ccci::harness {

/// One file in one volume.
struct VolumeFile {
  std::string volume;  ///< the docker volume's name
  std::string path;    ///< relative to the volume's root
};

/// The container a batch goes through.
struct VolumeHost {
  std::string image;  ///< present on the host; never started
  std::string stack;  ///< its namespace label goes on the container
};

/// The most bytes `read` keeps of one file; a longer one reads as not what was written.
inline constexpr std::size_t volume_file_max_read = std::size_t{64} << 10;

class VolumeFiles {
 public:
  virtual ~VolumeFiles() = default;
  /// Which of `volumes` exist.
  virtual Result<std::set<std::string>> existing(const std::vector<std::string>& volumes) = 0;
  /// Writes each file's content, one outcome per file in order.
  virtual Result<std::vector<Status>> write(const VolumeHost& host,
                                            const std::vector<std::pair<VolumeFile, std::string>>& files) = 0;
  /// Reads each file (at most volume_file_max_read bytes), one outcome per file in order.
  virtual Result<std::vector<Result<std::string>>> read(const VolumeHost& host,
                                                        const std::vector<VolumeFile>& files) = 0;
};

/// The real one: docker through `runner` with `settings` (executable, env, timeout); files to copy
/// in are staged in `scratch_dir`, which must exist, and removed again.
std::unique_ptr<VolumeFiles> make_volume_files(ProcessRunner& runner, DockerSettings settings,
                                               std::filesystem::path scratch_dir);

/// ErrorKind::usage unless `path` is relative to a volume's root: '/'-separated parts, none empty,
/// "." or "..", no control characters.
Status validate_volume_path(std::string_view path);

/// The one regular file's content in a tar stream (`docker cp CONTAINER:PATH -`); not_found when
/// the stream's entry is not a regular file, infra when it is not a tar stream.
Result<std::string> single_file_from_tar(std::string_view tar);

}  // namespace ccci::harness
