#pragma once
/// write_file_atomically: every artifact ccci leaves (reports, plan, evidence) is written whole or
/// not at all. The text goes to a temporary file next to the target, is flushed to disk (fsync)
/// and checked, then renamed over the target; a reader never sees half a file, and a full disk or
/// an unwritable directory is an ErrorKind::infra naming the path — never a silent truncation.
/// Missing parent directories are created.
#include <filesystem>
#include <string_view>

#include "harness/result.hpp"

namespace ccci::harness {

Status write_file_atomically(const std::filesystem::path& file, std::string_view content);

}  // namespace ccci::harness
