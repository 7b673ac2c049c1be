#pragma once
/// Filesystem calls that never throw: each uses std::filesystem's error_code overload and turns a
/// failure into ErrorKind::infra naming the path and the reason (a range-for over a
/// directory_iterator, or a call without an error_code, throws filesystem_error instead). Product
/// code calls these, or the error_code overloads directly, and nothing else of std::filesystem
/// that can throw.
#include <filesystem>

#include "harness/result.hpp"

namespace ccci::harness {

/// Creates `dir` and its missing parents; an existing directory is success.
Status make_directories(const std::filesystem::path& dir);

/// Whether `path` names something; "does not exist" is false, a failure to tell (permission, a
/// name too long) is an error.
Result<bool> path_exists(const std::filesystem::path& path);

/// Removes one file (or empty directory); an absent one is success.
Status remove_file(const std::filesystem::path& file);

/// Removes `path` and everything below it; an absent one is success.
Status remove_tree(const std::filesystem::path& path);

/// `path` made absolute against the current directory.
Result<std::filesystem::path> absolute_path(const std::filesystem::path& path);

}  // namespace ccci::harness
