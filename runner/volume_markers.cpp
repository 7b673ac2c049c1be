#include "runner/volume_markers.hpp"

#include <algorithm>
#include <random>

#include "harness/text.hpp"
#include "runner/generic_checks.hpp"

namespace ccci::runner {
namespace {

using harness::ErrorKind;

constexpr std::string_view overwritten = "ccci overwrote this marker before the restore\n";

/// 128 random bits as hex: what no restore could bring back by chance.
std::string random_content() {
  std::random_device device;
  std::string hex;
  for (int word = 0; word < 4; ++word) {
    static constexpr char digits[] = "0123456789abcdef";
    auto bits = device();
    for (int nibble = 0; nibble < 8; ++nibble, bits >>= 4) hex += digits[bits & 0xfu];
  }
  return "ccci volume marker " + hex + "\n";
}

CheckOutcome outcome(CheckStatus status, std::string message, std::string detail = {}) {
  return CheckOutcome{std::string(generic::volume_markers_restored),
                      CheckSource::generic,
                      status,
                      std::move(message),
                      std::move(detail),
                      {}};
}

}  // namespace

MarkerPlan plan_markers(const std::vector<harness::VolumeBackup>& volumes) {
  MarkerPlan plan;
  for (const auto& volume : volumes) {
    if (plan.image.empty()) plan.image = volume.image;
    if (volume.excluded) {
      plan.not_covered.push_back(volume.key + " (backupbot.backup.volumes." + volume.key + "=false)");
    } else if (!volume.restricted) {
      plan.sites.push_back({volume.key, volume.volume, ""});
    } else if (volume.paths.empty()) {
      plan.not_covered.push_back(volume.key + " (its backupbot.backup.volumes." + volume.key + ".path names no path)");
    } else {
      for (const auto& path : volume.paths) {
        if (harness::validate_volume_path(path).ok())
          plan.sites.push_back({volume.key, volume.volume, path});
        else
          plan.not_judged.push_back(volume.key + "/" + path + " (not a plain relative path)");
      }
    }
  }
  return plan;
}

VolumeMarkers::VolumeMarkers(harness::VolumeFiles& files, std::string stack)
    : files_(files), stack_(std::move(stack)) {}

harness::Status VolumeMarkers::plant(const MarkerPlan& plan) {
  planted_ = true;
  image_ = plan.image;
  markers_.clear();
  not_covered_ = plan.not_covered;
  not_judged_ = plan.not_judged;
  std::vector<std::string> volumes;
  for (const auto& site : plan.sites) volumes.push_back(site.volume);
  CCCI_TRY(auto existing, files_.existing(volumes));
  std::vector<Marker> candidates;
  std::vector<std::pair<harness::VolumeFile, std::string>> writes;
  for (const auto& site : plan.sites) {
    if (!existing.count(site.volume)) {
      not_judged_.push_back(site.where() + " (the volume " + site.volume + " does not exist yet)");
      continue;
    }
    candidates.push_back({site, random_content()});
    writes.push_back({{site.volume, site.file()}, candidates.back().content});
  }
  if (writes.empty()) return harness::ok_status();
  CCCI_TRY(auto written, files_.write({image_, stack_}, writes));
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (written[i].ok()) {
      markers_.push_back(candidates[i]);
    } else if (written[i].error().kind == ErrorKind::not_found) {
      not_judged_.push_back(candidates[i].site.where() + " (not a directory in the volume: a file such as a dump " +
                            "cannot hold a marker; the spec's seeds judge its data)");
    } else {
      return written[i].error();
    }
  }
  return harness::ok_status();
}

harness::Status VolumeMarkers::overwrite() {
  if (markers_.empty()) return harness::ok_status();
  std::vector<std::pair<harness::VolumeFile, std::string>> writes;
  for (const auto& file : files()) writes.push_back({file, std::string(overwritten)});
  CCCI_TRY(auto written, files_.write({image_, stack_}, writes));
  for (size_t i = 0; i < written.size(); ++i) {
    if (!written[i].ok()) {
      return harness::make_error(ErrorKind::infra, "cannot overwrite the marker in " + markers_[i].site.where() +
                                                       " before the restore: " + written[i].error().message);
    }
  }
  return harness::ok_status();
}

CheckOutcome VolumeMarkers::check() {
  if (!planted_) return outcome(CheckStatus::error, "no markers were planted: the backup did not get that far");
  if (markers_.empty())
    return outcome(CheckStatus::skip, "no place the backup covers could hold a marker" + unjudged_note());
  auto read = files_.read({image_, stack_}, files());
  if (!read.ok()) return outcome(CheckStatus::error, read.error().message);
  std::vector<std::string> back, lost, lines;
  for (size_t i = 0; i < markers_.size(); ++i) {
    const auto& where = markers_[i].site.where();
    const auto& found = (*read)[i];
    std::string state;
    if (found.ok() && *found == markers_[i].content) {
      back.push_back(where);
      lines.push_back(where + ": back");
      continue;
    }
    if (!found.ok() && found.error().kind != ErrorKind::not_found)
      return outcome(CheckStatus::error, "cannot read the marker in " + where + ": " + found.error().message);
    state = !found.ok()             ? "gone"
            : *found == overwritten ? "still as ccci overwrote it before the restore"
                                    : "holds something else";
    lost.push_back(where + " (" + state + ")");
    lines.push_back(where + ": " + state);
  }
  std::string detail =
      "markers (" + std::string(marker_file_name) + "), planted before the backup:\n  " + harness::join(lines, "\n  ");
  if (!lost.empty()) {
    return outcome(CheckStatus::fail,
                   "the restore did not bring back ccci's marker in " + harness::join(lost, ", ") + unjudged_note(),
                   detail);
  }
  return outcome(CheckStatus::pass, "markers back in " + harness::join(back, ", ") + unjudged_note(), detail);
}

std::vector<harness::VolumeFile> VolumeMarkers::files() const {
  std::vector<harness::VolumeFile> files;
  for (const auto& marker : markers_) files.push_back({marker.site.volume, marker.site.file()});
  return files;
}

std::string VolumeMarkers::unjudged_note() const {
  std::string note;
  if (!not_covered_.empty()) note += "; not covered: " + harness::join(not_covered_, ", ");
  if (!not_judged_.empty()) note += "; not judged: " + harness::join(not_judged_, ", ");
  return note;
}

}  // namespace ccci::runner
