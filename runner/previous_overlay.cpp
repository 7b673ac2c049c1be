#include "runner/previous_overlay.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <system_error>

#include "harness/env_file.hpp"
#include "harness/filesystem.hpp"
#include "harness/text.hpp"

namespace ccci::runner {
namespace {

using harness::ErrorKind;
using harness::make_error;

constexpr size_t max_name_length = 128;

bool is_lower_or_digit(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_alnum(char c) { return is_lower_or_digit(c) || (c >= 'A' && c <= 'Z'); }

/// A recipe version tag, as the spec's `upgrade.base`: `[A-Za-z0-9][A-Za-z0-9.+_-]*`.
bool is_version_name(std::string_view name) {
  return !name.empty() && name.size() <= max_name_length && is_alnum(name.front()) &&
         std::all_of(name.begin(), name.end(),
                     [](char c) { return is_alnum(c) || c == '.' || c == '+' || c == '_' || c == '-'; });
}

/// `compose.[a-z0-9.-]+.yml`: a name abra's COMPOSE_FILE and ccci's compose loader take as a file
/// of the recipe folder, never a path, and never the recipe's own compose.yml.
bool is_overlay_name(std::string_view name) {
  constexpr std::string_view head = "compose.", tail = ".yml";
  if (name.size() <= head.size() + tail.size() || name.size() > max_name_length) return false;
  if (!name.starts_with(head) || !name.ends_with(tail)) return false;
  std::string_view middle = name.substr(head.size(), name.size() - head.size() - tail.size());
  return std::all_of(middle.begin(), middle.end(), [](char c) { return is_lower_or_digit(c) || c == '.' || c == '-'; });
}

harness::Error spec_error(const std::filesystem::path& path, const std::string& why) {
  return make_error(ErrorKind::spec, path.string() + ": " + why);
}

/// The entries of `dir`, sorted by name; ErrorKind::spec naming it when it cannot be listed.
harness::Result<std::vector<std::filesystem::directory_entry>> entries_of(const std::filesystem::path& dir) {
  std::vector<std::filesystem::directory_entry> entries;
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec), end;
  for (; !ec && it != end; it.increment(ec)) entries.push_back(*it);
  if (ec) return spec_error(dir, "cannot be listed: " + ec.message());
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.path().filename() < b.path().filename(); });
  return entries;
}

std::filesystem::file_status link_status(const std::filesystem::path& path) {
  std::error_code ec;
  return std::filesystem::symlink_status(path, ec);  // not_found or error: none/unknown, refused below
}

harness::Result<PreviousOverlay> read_version_dir(const std::filesystem::path& dir) {
  PreviousOverlay overlay{dir.filename().string(), dir, {}};
  if (!is_version_name(overlay.version))
    return spec_error(dir, "a previous/ overlay's folder must be named as a recipe version, like 1.2.0+1.21");
  if (!std::filesystem::is_directory(link_status(dir)))
    return spec_error(dir, "a previous/ overlay must be a folder (not a symlink or a file)");
  CCCI_TRY(auto entries, entries_of(dir));
  for (const auto& entry : entries) {
    std::string name = entry.path().filename().string();
    if (!is_overlay_name(name)) {
      return spec_error(entry.path(), "a previous/ overlay holds only files named compose.<name>.yml ([a-z0-9.-])");
    }
    if (!std::filesystem::is_regular_file(link_status(entry.path())))
      return spec_error(entry.path(), "an overlay file must be a regular file (not a symlink)");
    std::error_code ec;
    auto size = std::filesystem::file_size(entry.path(), ec);
    if (ec) return spec_error(entry.path(), "cannot be read: " + ec.message());
    if (size > max_overlay_bytes) return spec_error(entry.path(), "is larger than 1 MiB");
    overlay.files.push_back(name);
  }
  if (overlay.files.empty()) return spec_error(dir, "holds no compose.<name>.yml file");
  if (overlay.files.size() > max_overlay_files)
    return spec_error(dir, "holds more than " + std::to_string(max_overlay_files) + " overlay files");
  return overlay;
}

/// The whole file, at most max_overlay_bytes (and one more byte, to tell it was longer).
harness::Result<std::string> read_bounded(const std::filesystem::path& file) {
  if (!std::filesystem::is_regular_file(link_status(file)))
    return spec_error(file, "an overlay file must be a regular file (not a symlink)");
  std::ifstream in(file, std::ios::binary);
  if (!in) return make_error(ErrorKind::infra, file.string() + ": cannot read");
  std::string text(max_overlay_bytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > max_overlay_bytes) return spec_error(file, "is larger than 1 MiB");
  return text;
}

harness::Result<std::string> read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return make_error(ErrorKind::infra, file.string() + ": cannot read");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

harness::Status write_text(const std::filesystem::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return make_error(ErrorKind::infra, file.string() + ": cannot write");
  return harness::ok_status();
}

std::string published_name(const UpgradeBase& base) {
  return base.version + (base.source == BaseSource::pin ? ", pinned in the spec" : ", from last-green");
}

}  // namespace

std::string_view to_string(OverlayStatus status) {
  switch (status) {
    case OverlayStatus::applied: return "applied";
    case OverlayStatus::stale: return "stale";
  }
  return "unknown";
}

harness::Result<std::vector<PreviousOverlay>> discover_previous_overlays(const std::filesystem::path& spec_dir) {
  auto previous = spec_dir / "previous";
  auto status = link_status(previous);
  if (status.type() == std::filesystem::file_type::not_found) return std::vector<PreviousOverlay>{};
  if (!std::filesystem::is_directory(status))
    return spec_error(previous, "must be a folder of version folders (not a symlink or a file)");
  CCCI_TRY(auto entries, entries_of(previous));
  std::vector<PreviousOverlay> overlays;
  for (const auto& entry : entries) {
    CCCI_TRY(auto overlay, read_version_dir(entry.path()));
    overlays.push_back(std::move(overlay));
  }
  return overlays;
}

std::vector<OverlayDecision> decide_previous_overlays(const std::vector<PreviousOverlay>& overlays,
                                                      const UpgradeBase& base) {
  std::vector<OverlayDecision> decisions;
  for (const auto& overlay : overlays) {
    OverlayDecision decision{overlay.version, overlay.files, OverlayStatus::stale, {}};
    switch (base.source) {
      case BaseSource::skip: decision.reason = "there is no upgrade base, so no published version is deployed"; break;
      case BaseSource::target_branch:
        decision.reason = "the base is the tip of " + base.branch + ", not a published version";
        break;
      case BaseSource::pin:
      case BaseSource::last_green:
        if (base.version == overlay.version) {
          decision.status = OverlayStatus::applied;
          decision.reason = "the base is " + published_name(base);
        } else {
          decision.reason = "the base is " + published_name(base) + "; this overlay is for " + overlay.version;
        }
        break;
    }
    decisions.push_back(std::move(decision));
  }
  return decisions;
}

const PreviousOverlay* applicable_previous_overlay(const std::vector<PreviousOverlay>& overlays,
                                                   const UpgradeBase& base) {
  if (base.source != BaseSource::pin && base.source != BaseSource::last_green) return nullptr;
  auto found = std::find_if(overlays.begin(), overlays.end(),
                            [&](const PreviousOverlay& overlay) { return overlay.version == base.version; });
  return found == overlays.end() ? nullptr : &*found;
}

harness::Result<AppliedOverlay> apply_previous_overlay(const PreviousOverlay& overlay,
                                                       const std::filesystem::path& checkout,
                                                       const std::filesystem::path& app_env) {
  AppliedOverlay applied{overlay.version, {}, app_env, {}};
  auto undo = [&](harness::Error error) -> harness::Error {
    (void)withdraw_previous_overlay(applied, AppEnv::removed);  // only files so far; the error says why
    return error;
  };
  for (const auto& name : overlay.files) {
    auto target = checkout / name;
    // A file (or symlink) of the recipe's own by that name would be replaced, then deleted.
    if (link_status(target).type() != std::filesystem::file_type::not_found) {
      return undo(spec_error(overlay.dir / name, "the recipe at " + overlay.version + " has its own " + name +
                                                     ", which an overlay must not replace"));
    }
    auto text = read_bounded(overlay.dir / name);
    if (!text.ok()) return undo(text.error());
    if (auto written = write_text(target, *text); !written.ok()) return undo(written.error());
    applied.copied.push_back(target);
  }
  auto env = harness::read_env_file(app_env);
  if (!env.ok()) return undo(env.error());
  auto values = env->values();
  auto current = values.find("COMPOSE_FILE");
  bool listed = current != values.end() && !current->second.empty();
  // abra's env loader expands $COMPOSE_FILE from the lines above, as recipes' own .env.samples
  // build it; without one abra deploys compose.yml, which must stay first.
  std::string files = listed ? "$COMPOSE_FILE" : "compose.yml";
  for (const auto& name : overlay.files) files += ":" + name;
  auto text = read_text(app_env);
  if (!text.ok()) return undo(text.error());
  applied.env_block = (text->empty() || text->back() == '\n' ? "" : "\n") + std::string("# ccci: previous/") +
                      overlay.version + " overlay, for the upgrade base only; removed before the head's deploy\n" +
                      "COMPOSE_FILE=\"" + files + "\"\n";
  if (auto written = write_text(app_env, *text + applied.env_block); !written.ok()) {
    applied.env_block.clear();
    return undo(written.error());
  }
  return applied;
}

harness::Status withdraw_previous_overlay(const AppliedOverlay& applied, AppEnv env) {
  std::vector<std::string> failures;
  for (const auto& file : applied.copied) {
    if (auto removed = harness::remove_file(file); !removed.ok()) failures.push_back(removed.error().message);
  }
  if (env == AppEnv::present && !applied.env_block.empty()) {
    auto text = read_text(applied.app_env);
    if (!text.ok()) return text.error();
    auto at = text->rfind(applied.env_block);
    if (at == std::string::npos) {
      failures.push_back(applied.app_env.string() +
                         " no longer holds the COMPOSE_FILE line ccci added for the previous/" + applied.version +
                         " overlay");
    } else {
      text->erase(at, applied.env_block.size());
      if (auto written = write_text(applied.app_env, *text); !written.ok()) failures.push_back(written.error().message);
    }
  }
  if (failures.empty()) return harness::ok_status();
  return make_error(ErrorKind::infra,
                    "withdrawing the previous/" + applied.version + " overlay: " + harness::join(failures, "; "));
}

}  // namespace ccci::runner
