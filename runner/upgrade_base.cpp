#include "runner/upgrade_base.hpp"

#include "harness/atomic_file.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include <boost/json.hpp>

#include "harness/git.hpp"

namespace ccci::runner {
namespace {

namespace json = boost::json;
using harness::ErrorKind;
using harness::make_error;

bool is_recipe_name(const std::string& name) {
  if (name.empty() || name.front() == '-') return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

bool is_commit_sha(const std::string& text) {
  return text.size() >= 7 && text.size() <= 40 &&
         std::all_of(text.begin(), text.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::string short_sha(const std::string& sha) { return sha.substr(0, 12); }

/// head_commit may be abbreviated (REF accepts 7–40 hex): a base matches when it starts with it.
bool same_commit(const std::string& base, const std::string& head) {
  if (base.empty() || head.empty()) return false;
  std::string full = lowercase(base);
  std::string prefix = lowercase(head);
  return full.size() >= prefix.size() && full.compare(0, prefix.size(), prefix) == 0;
}

/// The commit a tag names, peeled when the tag is annotated.
std::optional<std::string> tag_commit(const std::map<std::string, std::string>& refs, const std::string& tag) {
  if (auto peeled = refs.find("refs/tags/" + tag + "^{}"); peeled != refs.end()) return peeled->second;
  if (auto direct = refs.find("refs/tags/" + tag); direct != refs.end()) return direct->second;
  return std::nullopt;
}

UpgradeBase skip(std::string reason) {
  UpgradeBase base;
  base.source = BaseSource::skip;
  base.reason = std::move(reason);
  return base;
}

/// An upgrade from X to X proves nothing, whichever source proposed X.
UpgradeBase unless_equal_to_head(UpgradeBase base, const std::string& head_commit) {
  if (!same_commit(base.commit, head_commit)) return base;
  std::string what = base.version.empty() ? base.branch : base.version;
  return skip("base equals head: nothing to upgrade from (" + std::string(to_string(base.source)) + " " + what +
              " is " + short_sha(base.commit) + ")");
}

std::optional<BranchTip> branch_tip(const std::map<std::string, std::string>& refs) {
  for (const char* branch : {"main", "master"}) {
    auto tip = refs.find(std::string("refs/heads/") + branch);
    if (tip != refs.end()) return BranchTip{branch, tip->second};
  }
  return std::nullopt;
}

/// `why_not_last_green` says why the source before it was not used.
UpgradeBase target_branch_base(const BranchTip& tip, const std::string& why_not_last_green,
                               const std::string& head_commit) {
  UpgradeBase base{BaseSource::target_branch,
                   "",
                   tip.commit,
                   tip.branch,
                   "tip of " + tip.branch + " (" + why_not_last_green + ")",
                   std::nullopt};
  return unless_equal_to_head(std::move(base), head_commit);
}

}  // namespace

std::string_view to_string(BaseSource source) {
  switch (source) {
    case BaseSource::pin: return "pin";
    case BaseSource::last_green: return "last-green";
    case BaseSource::target_branch: return "target-branch";
    case BaseSource::skip: return "skip";
  }
  return "unknown";
}

harness::Result<std::optional<LastGreen>> LastGreenStore::read(const std::string& recipe) const {
  if (!is_recipe_name(recipe)) return make_error(ErrorKind::usage, "invalid recipe name '" + recipe + "'");
  auto file = file_of(recipe);
  std::error_code error;
  if (!std::filesystem::exists(file, error)) {
    if (error) return make_error(ErrorKind::infra, "cannot read " + file.string() + ": " + error.message());
    return std::optional<LastGreen>{};
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) return make_error(ErrorKind::infra, "cannot read " + file.string());
  std::stringstream text;
  text << in.rdbuf();

  auto malformed = [&](const std::string& why) {
    return make_error(ErrorKind::spec, file.string() + ": malformed last-green record: " + why);
  };
  json::error_code parse_error;
  json::value document = json::parse(text.str(), parse_error);
  if (parse_error) return malformed(parse_error.message());
  const json::object* object = document.if_object();
  if (!object) return malformed("expected a JSON object {\"version\": ..., \"commit\": ...}");
  LastGreen record;
  for (auto [key, field] : {std::pair{"version", &record.version}, std::pair{"commit", &record.commit}}) {
    const json::value* value = object->if_contains(key);
    if (!value || !value->is_string() || value->as_string().empty()) {
      return malformed(std::string("\"") + key + "\" must be a non-empty string");
    }
    *field = std::string(value->as_string());
  }
  // Optional: records from before promotion recorded the run.
  for (auto [key, field] : {std::pair{"run_id", &record.run_id}, std::pair{"recorded_at", &record.recorded_at}}) {
    const json::value* value = object->if_contains(key);
    if (!value) continue;
    if (!value->is_string()) return malformed(std::string("\"") + key + "\" must be a string");
    *field = std::string(value->as_string());
  }
  if (!is_commit_sha(record.commit))
    return malformed("\"commit\" must be a hex commit sha, not '" + record.commit + "'");
  return std::optional<LastGreen>{record};
}

harness::Status LastGreenStore::write(const std::string& recipe, const LastGreen& record) const {
  if (!is_recipe_name(recipe)) return make_error(ErrorKind::usage, "invalid recipe name '" + recipe + "'");
  if (record.version.empty() || !is_commit_sha(record.commit)) {
    return make_error(ErrorKind::usage, "a last-green record needs a version and a commit sha");
  }
  // Atomic: a reader never sees half a record, and two runs finishing together never share a
  // temporary file.
  json::object document{{"version", record.version},
                        {"commit", record.commit},
                        {"run_id", record.run_id},
                        {"recorded_at", record.recorded_at}};
  return harness::write_file_atomically(file_of(recipe), json::serialize(document) + "\n");
}

harness::Result<bool> LastGreenStore::clear(const std::string& recipe) const {
  if (!is_recipe_name(recipe)) return make_error(ErrorKind::usage, "invalid recipe name '" + recipe + "'");
  std::error_code error;
  bool removed = std::filesystem::remove(file_of(recipe), error);
  if (error) return make_error(ErrorKind::infra, "cannot remove " + file_of(recipe).string() + ": " + error.message());
  return removed;
}

harness::Result<UpgradeBase> resolve_upgrade_base(const BaseInputs& inputs, const LastGreenStore& store,
                                                  harness::Git& git) {
  if (!inputs.upgrade_wanted) return skip("the upgrade tier is not part of this run");

  CCCI_TRY(auto refs, git.list_remote_refs(inputs.repo_url));

  if (inputs.pinned) {
    auto commit = tag_commit(refs, *inputs.pinned);
    if (!commit) {
      return make_error(ErrorKind::spec,
                        "pinned upgrade base " + *inputs.pinned + " is not a tag of " + inputs.repo_url);
    }
    UpgradeBase base{BaseSource::pin, *inputs.pinned, *commit, "", "pinned in the recipe spec", std::nullopt};
    return unless_equal_to_head(std::move(base), inputs.head_commit);
  }

  // Why the last-green record was not used, carried into the fallback's reason.
  std::string no_last_green = "no last-green record";
  CCCI_TRY(auto record, store.read(inputs.recipe));
  if (record) {
    auto commit = tag_commit(refs, record->version);
    if (!commit) {
      no_last_green = "last-green " + record->version + " is no longer a tag of " + inputs.repo_url;
    } else if (!same_commit(*commit, record->commit)) {
      no_last_green = "last-green tag " + record->version + " now points to " + short_sha(*commit) +
                      ", not the recorded " + short_sha(record->commit);
    } else {
      UpgradeBase base{
          BaseSource::last_green, record->version, *commit, "", "the newest version that passed every tier",
          branch_tip(refs)};
      return unless_equal_to_head(std::move(base), inputs.head_commit);
    }
  }

  auto tip = branch_tip(refs);
  if (!tip) return skip(no_last_green + " and the repo has neither main nor master");
  return target_branch_base(*tip, no_last_green, inputs.head_commit);
}

UpgradeBase fall_through(const UpgradeBase& base, const std::string& why, const std::string& head_commit) {
  if (base.source == BaseSource::last_green && base.fallback) {
    return target_branch_base(*base.fallback, why, head_commit);
  }
  return skip(why);
}

}  // namespace ccci::runner
