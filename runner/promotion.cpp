#include "runner/promotion.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

#include "runner/verdict.hpp"

namespace ccci::runner {
namespace {

constexpr std::string_view tags_prefix = "refs/tags/";
constexpr std::string_view peeled_suffix = "^{}";

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

/// `head` may be abbreviated (REF takes 7–40 hex digits): a commit matches when it starts with it.
bool names_head(const std::string& commit, const std::string& head) {
  if (head.empty()) return false;
  std::string full = lowercase(commit);
  std::string prefix = lowercase(head);
  return full.size() >= prefix.size() && full.compare(0, prefix.size(), prefix) == 0;
}

/// The numbers of a version tag, in order ("1.10.0+2.3" → 1 10 0 2 3): enough to order the tags
/// that name one commit, which in practice differ in their numbers.
std::vector<long> numbers_of(const std::string& tag) {
  std::vector<long> numbers;
  long current = -1;
  for (char c : tag) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      current = (current < 0 ? 0 : current * 10) + (c - '0');
      if (current > 1'000'000'000) current = 1'000'000'000;  // a tag is no place for huge numbers
    } else if (current >= 0) {
      numbers.push_back(current);
      current = -1;
    }
  }
  if (current >= 0) numbers.push_back(current);
  return numbers;
}

struct Tag {
  std::string name;
  std::string commit;
};

/// The tags naming the head commit (annotated tags by their peeled commit), newest version last.
std::vector<Tag> tags_of_head(const std::map<std::string, std::string>& refs, const std::string& head) {
  std::vector<Tag> tags;
  for (const auto& [ref, sha] : refs) {
    if (ref.rfind(tags_prefix, 0) != 0) continue;
    std::string name = ref.substr(tags_prefix.size());
    bool peeled = name.size() > peeled_suffix.size() && name.ends_with(peeled_suffix);
    if (peeled) {
      name.resize(name.size() - peeled_suffix.size());
    } else if (refs.count(ref + std::string(peeled_suffix))) {
      continue;  // an annotated tag: its peeled entry names the commit
    }
    if (names_head(sha, head)) tags.push_back({name, sha});
  }
  std::sort(tags.begin(), tags.end(), [](const Tag& a, const Tag& b) {
    auto left = numbers_of(a.name);
    auto right = numbers_of(b.name);
    return left != right ? left < right : a.name < b.name;
  });
  return tags;
}

std::string stages_text(const std::vector<Tier>& stages) {
  std::string text;
  for (Tier tier : stages) text += (text.empty() ? "" : ",") + std::string(to_string(tier));
  return text;
}

Promotion not_promoted(std::string why) { return {false, "", std::move(why)}; }

/// Why a tier keeps the run from promoting, or nullopt when it does not.
std::optional<std::string> blocking(const TierOutcome& tier, const UpgradeBase& base) {
  switch (tier.status) {
    case TierStatus::pass:
    case TierStatus::not_applicable: return std::nullopt;
    case TierStatus::skipped:
      // No earlier base is no fault of the head: the first record must be possible.
      if (tier.tier == Tier::upgrade && base.source == BaseSource::skip) return std::nullopt;
      return std::string(to_string(tier.tier)) + " was skipped (" + tier.reason + ")";
    case TierStatus::fail:
    case TierStatus::error: return std::string(to_string(tier.tier)) + " did not pass";
  }
  return std::string(to_string(tier.tier)) + " has an unknown status";
}

}  // namespace

Promotion decide_promotion(const RunReport& report, const PromotionInputs& inputs) {
  if (report.pr) return not_promoted("a PR run never promotes");
  for (Tier tier : all_tiers) {
    if (std::find(inputs.requested_stages.begin(), inputs.requested_stages.end(), tier) ==
        inputs.requested_stages.end()) {
      return not_promoted("STAGES=" + stages_text(inputs.requested_stages) + " did not request every tier");
    }
  }
  if (Verdict verdict = compute_verdict(report); verdict != Verdict::green)
    return not_promoted("the run is " + std::string(to_string(verdict)));
  if (!report.teardown.ran || !report.teardown.clean) return not_promoted("the teardown was not clean");
  if (!report.base_not_deployable.empty()) return not_promoted(report.base_not_deployable);
  for (const auto& tier : report.tiers) {
    if (auto why = blocking(tier, report.base)) return not_promoted(*why);
  }
  auto tags = tags_of_head(inputs.refs, report.head_commit);
  if (tags.empty()) {
    return not_promoted("head " + report.head_commit.substr(0, 12) +
                        " is not a published tag (last-green records only tagged versions, the ones a base can "
                        "deploy)");
  }
  return {true, tags.back().name, ""};
}

Promotion promote(const RunReport& report, const PromotionInputs& inputs, const LastGreenStore& store,
                  const std::string& now) {
  Promotion promotion = decide_promotion(report, inputs);
  if (!promotion.promoted) return promotion;
  // The tag's full commit: REF may have named the head abbreviated.
  std::string commit = tags_of_head(inputs.refs, report.head_commit).back().commit;
  if (auto written = store.write(report.recipe, {promotion.version, commit, report.run_id, now}); !written.ok())
    return not_promoted("the record could not be written: " + written.error().message);
  return promotion;
}

std::string describe(const Promotion& promotion) {
  if (promotion.promoted) return "promoted " + promotion.version + " to last-green";
  return "not promoted: " + promotion.reason;
}

}  // namespace ccci::runner
