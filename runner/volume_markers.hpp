#pragma once
/// Generic data-integrity markers, for every recipe, with no knowledge of the app: before the
/// backup ccci writes a file of its own with random content into every place the backup covers,
/// before the restore it overwrites each one, and after the restore it requires the backup's
/// content back (`volume_markers_restored`). The files go through harness::VolumeFiles — a
/// container that is never started — so the app's image needs no shell.
///
/// Where markers go (plan_markers): a volume the backup takes whole gets one at its root; a volume
/// restricted by `backupbot.backup.volumes.<v>.path` gets one in each listed path that is a
/// directory in the volume. A listed file (a dump) cannot hold one: that place is "not judged" and
/// the spec's seeds judge its data (they are what catches a dump never reimported). An excluded
/// volume is "not covered": reported, never failed. A volume no task has created yet is not judged.
/// Overwriting rather than deleting needs no binary in any image and proves the same: only a
/// restore that writes the backup's file back brings the content back.
#include <string>
#include <string_view>
#include <vector>

#include "harness/compose.hpp"
#include "harness/result.hpp"
#include "harness/volume_files.hpp"
#include "runner/outcome.hpp"

namespace ccci::runner {

/// The file ccci writes in each place.
inline constexpr std::string_view marker_file_name = ".ccci-marker";

/// One place a marker goes.
struct MarkerSite {
  std::string key;     ///< the volume's compose key
  std::string volume;  ///< its docker name
  std::string dir;     ///< relative to the volume's root; empty: the root
  /// "db-data", or "db-data/dumps" for a directory a `.path` label names.
  std::string where() const { return dir.empty() ? key : key + "/" + dir; }
  /// The marker's path relative to the volume's root.
  std::string file() const { return (dir.empty() ? "" : dir + "/") + std::string(marker_file_name); }
};

struct MarkerPlan {
  std::vector<MarkerSite> sites;
  std::vector<std::string> not_covered;  ///< "data (backupbot.backup.volumes.data=false)"
  std::vector<std::string> not_judged;   ///< known before planting: a path ccci will not write under
  std::string image;                     ///< what the never-started container is made of
};

/// Where markers go, from what a backup takes of each volume (harness::ComposeModel::volume_backups).
MarkerPlan plan_markers(const std::vector<harness::VolumeBackup>& volumes);

class VolumeMarkers {
 public:
  VolumeMarkers(harness::VolumeFiles& files, std::string stack);

  /// Before the backup: a marker in every site of `plan`; a site whose directory is not there, or a
  /// volume that does not exist yet, is noted as not judged. Fails only when docker could not be driven.
  harness::Status plant(const MarkerPlan& plan);
  /// Before the restore: every planted marker overwritten.
  harness::Status overwrite();
  /// After the restore: every planted marker holds what it held at the backup.
  CheckOutcome check();

 private:
  struct Marker {
    MarkerSite site;
    std::string content;
  };
  std::vector<harness::VolumeFile> files() const;
  /// "; not covered: …; not judged: …" for the messages.
  std::string unjudged_note() const;

  harness::VolumeFiles& files_;
  std::string stack_;
  std::string image_;
  bool planted_ = false;
  std::vector<Marker> markers_;
  std::vector<std::string> not_covered_;
  std::vector<std::string> not_judged_;
};

}  // namespace ccci::runner
