#include "runner/summary.hpp"

#include <cstdio>
#include <sstream>

#include "harness/text.hpp"
#include "runner/promotion.hpp"
#include "runner/provenance.hpp"
#include "runner/verdict.hpp"

namespace ccci::runner {
namespace {

constexpr size_t max_detail = 4000;

std::string_view icon(Verdict verdict) {
  switch (verdict) {
    case Verdict::green: return "✅";
    case Verdict::red: return "❌";
    case Verdict::error: return "⚠️";
    case Verdict::interrupted: return "⏹️";
  }
  return "?";
}

std::string_view headline(Verdict verdict) {
  switch (verdict) {
    case Verdict::green: return "passed";
    case Verdict::red: return "failed: the recipe broke a check";
    case Verdict::error: return "errored: infrastructure or harness trouble, not the recipe's fault";
    case Verdict::interrupted: return "interrupted";
  }
  return "";
}

/// Markdown table cells must stay on one line and must not open a new column.
std::string cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n' || c == '\r')
      out += ' ';
    else if (c == '|')
      out += "\\|";
    else
      out += c;
  }
  return out;
}

std::string base_text(const UpgradeBase& base) {
  if (base.source == BaseSource::skip) return "none (" + base.reason + ")";
  std::string name = base.version.empty() ? base.branch : base.version;
  return name + " @ " + base.commit.substr(0, 12) + ", from " + std::string(to_string(base.source)) + " (" +
         base.reason + ")";
}

/// "keycloak at keyc-….ccci.test: deployed, ready, provisioned, torn down", then the note.
std::string dependency_text(const DependencyReport& dep) {
  std::vector<std::string> done;
  if (dep.warm) done.push_back("warm provider (not deployed)");
  if (dep.deployed) done.push_back("deployed");
  if (dep.ready) done.push_back("ready");
  if (dep.provisioned) done.push_back("provisioned");
  if (dep.torn_down) done.push_back("torn down");
  std::string text =
      dep.recipe + " at " + dep.domain + ": " + (done.empty() ? "nothing done" : harness::join(done, ", "));
  return dep.note.empty() ? text : text + " — " + dep.note;
}

/// "added GREETING, SECRET_API_KEY_VERSION; secrets generated: api_key; dropped by the head: OLD" — or
/// what was not applied; empty when the head's .env.sample changed nothing.
std::string upgrade_env_text(const EnvUpgrade& env) {
  std::vector<std::string> parts;
  auto list = [](const std::vector<std::string>& names) { return harness::join(names, ", "); };
  if (!env.added.empty())
    parts.push_back((env.applied ? "added " : "not added (upgrade.apply_env off): ") + list(env.added));
  if (!env.secrets.empty())
    parts.push_back((env.applied ? "secrets generated: " : "secrets not generated: ") + list(env.secrets));
  if (!env.kept.empty()) parts.push_back("already set: " + list(env.kept));
  if (!env.removed.empty()) parts.push_back("dropped by the head (left in place): " + list(env.removed));
  if (!env.spec_keys.empty()) parts.push_back("upgrade.env: " + list(env.spec_keys));
  return harness::join(parts, "; ");
}

/// "peak memory 152.3 MiB, peak CPU 37.5% of a core (24 samples)", or what is missing and why.
std::string resources_text(const ResourceFigures& resources) {
  std::vector<std::string> parts;
  char buffer[64];
  if (resources.peak_memory_bytes) {
    std::snprintf(buffer, sizeof buffer, "peak memory %.1f MiB",
                  static_cast<double>(*resources.peak_memory_bytes) / (1024.0 * 1024.0));
    parts.emplace_back(buffer);
  }
  if (resources.peak_cpu_percent) {
    std::snprintf(buffer, sizeof buffer, "peak CPU %.1f%% of a core", *resources.peak_cpu_percent);
    parts.emplace_back(buffer);
  }
  std::string text = parts.empty() ? "not reported" : harness::join(parts, ", ");
  text += " (" + std::to_string(resources.samples) + " sample" + (resources.samples == 1 ? "" : "s") + ")";
  if (!resources.note.empty()) text += ": " + resources.note;
  return text;
}

std::string pr_text(const RunReport& report) { return report.pr ? " PR #" + std::to_string(*report.pr) : ""; }

}  // namespace

namespace {

/// How to reach a deployment kept for debugging, when it goes and how to remove it now.
std::vector<std::string> kept_lines(const KeptDeployment& kept) {
  std::vector<std::string> lines{"reach it at " + kept.url};
  for (const auto& stack : kept.stacks)
    lines.push_back("stack " + stack + ": docker service ls --filter label=com.docker.stack.namespace=" + stack);
  lines.push_back("reaped by the first `ccci-run reap` after " + kept.reaped_after);
  lines.push_back("remove it now: " + kept.remove_command);
  return lines;
}

std::string teardown_word(const TeardownOutcome& teardown) {
  if (teardown.kept) return "kept for debugging";
  return teardown.clean ? "clean" : "NOT clean";
}

}  // namespace

std::string render_summary_markdown(const RunReport& report) {
  Verdict verdict = compute_verdict(report);
  std::ostringstream md;
  md << "### " << icon(verdict) << " ccci: " << report.recipe << pr_text(report) << " " << headline(verdict)
     << " — level " << compute_level(report) << "/5\n\n";
  if (Level level = assess_level(report); !level.stopped_by.empty())
    md << "- level " << level.value << ", not higher: " << cell(level.stopped_by) << "\n";
  md << "- head: `" << report.head_commit.substr(0, 12) << "` (" << report.head_ref << ")\n";
  md << "- upgrade base: " << cell(base_text(report.base)) << "\n";
  if (!report.base_not_deployable.empty())
    md << "- " << cell(report.base_not_deployable) << ": the head was installed instead; the upgrade was not tested\n";
  for (const auto& overlay : report.previous_overlays) {
    md << "- previous/" << overlay.version << " overlay (" << cell(harness::join(overlay.files, ", "))
       << "): " << to_string(overlay.status) << " — " << cell(overlay.reason) << "\n";
  }
  if (report.env_upgrade && !upgrade_env_text(*report.env_upgrade).empty())
    md << "- head's new configuration: " << cell(upgrade_env_text(*report.env_upgrade)) << "\n";
  for (const auto& dep : report.dependencies) md << "- dependency " << cell(dependency_text(dep)) << "\n";
  if (!report.enrolled) md << "- spec: " << not_enrolled_note << " (no `recipes/" << report.recipe << "/recipe.yml`)\n";
  md << "- backup coverage (static analysis, never a gate): " << cell(describe(report.backup_coverage)) << "\n";
  for (const auto& warning : report.backup_coverage.warnings) md << "  - " << cell(warning) << "\n";
  if (report.repo_local_state != "absent") md << "- repo-local checks: " << cell(report.repo_local_note) << "\n";
  md << "- last-green: " << cell(describe(report.promotion)) << "\n";
  md << "- deployments: " << report.deploy_count << " of " << report.expected_deploy_count << " expected\n";
  md << "- stack resources: " << cell(resources_text(report.resources)) << "\n";
  md << "- environment: " << cell(render_provenance(report.environment)) << " · run " << report.run_id << "\n\n";
  md << "| tier | status | time | note |\n|---|---|---|---|\n";
  for (const auto& tier : report.tiers) {
    md << "| " << to_string(tier.tier) << " | " << to_string(tier.status) << " | " << format_seconds(tier.duration)
       << " | " << cell(tier.reason) << " |\n";
  }
  for (const auto& tier : report.tiers) {
    for (const auto& check : tier.checks) {
      // A flaky pass is shown like a failure: it is one, that happened to pass when run again.
      if (check.status != CheckStatus::fail && check.status != CheckStatus::error && !check.flaky) continue;
      md << "\n**" << to_string(tier.tier) << " / " << check.name << "** (" << to_string(check.source) << ", "
         << (check.flaky ? "flaky" : to_string(check.status)) << "): " << cell(check.message) << "\n";
      if (!check.detail.empty()) {
        std::string detail = check.detail.substr(0, max_detail);
        if (check.detail.size() > max_detail) detail += "\n… (truncated)";
        md << "\n<details><summary>detail</summary>\n\n```\n" << detail << "\n```\n</details>\n";
      }
    }
  }
  if (!report.infra_errors.empty()) {
    md << "\n**Infrastructure errors**\n";
    for (const auto& error : report.infra_errors) md << "- " << cell(error) << "\n";
  }
  if (report.teardown.ran && !report.teardown.clean) {
    md << "\n**Teardown left resources behind**: " << cell(report.teardown.message) << "\n";
    for (const auto& item : report.teardown.residue) md << "- `" << item << "`\n";
  }
  if (report.teardown.kept) {
    md << "\n**Deployment kept for debugging** (--keep-on-failure): not torn down\n";
    if (report.kept) {
      for (const auto& line : kept_lines(*report.kept)) md << "- " << cell(line) << "\n";
    }
  }
  if (report.evidence.collected) {
    md << "\n**Evidence** (in the run's artifacts): "
       << (report.evidence.files.empty() ? "none could be gathered"
                                         : std::to_string(report.evidence.files.size()) + " file(s)")
       << "\n";
    for (const auto& file : report.evidence.files) md << "- `" << file << "`\n";
    for (const auto& note : report.evidence.notes) md << "- " << cell(note) << "\n";
  }
  return md.str();
}

std::string render_terminal_summary(const RunReport& report) {
  Verdict verdict = compute_verdict(report);
  std::ostringstream out;
  out << "── " << report.run_id << " ──\n";
  if (!report.enrolled) out << "  " << not_enrolled_note << "\n";
  out << "  upgrade base: " << base_text(report.base) << "\n";
  if (!report.base_not_deployable.empty()) out << "  " << report.base_not_deployable << "\n";
  if (!report.backup_coverage.analysed || !report.backup_coverage.warnings.empty())
    out << "  backup coverage: " << describe(report.backup_coverage) << "\n";
  for (const auto& warning : report.backup_coverage.warnings) out << "    ! " << warning << "\n";
  if (report.repo_local_state != "absent") out << "  repo-local checks: " << report.repo_local_note << "\n";
  for (const auto& tier : report.tiers) {
    char line[64];
    std::snprintf(line, sizeof line, "  %-8s %-8s %8s", std::string(to_string(tier.tier)).c_str(),
                  std::string(to_string(tier.status)).c_str(), format_seconds(tier.duration).c_str());
    out << line << (tier.reason.empty() ? "" : "  " + tier.reason) << "\n";
    for (const auto& check : tier.checks) {
      if (check.status == CheckStatus::fail || check.status == CheckStatus::error || check.flaky) {
        out << "      " << (check.flaky ? "flaky" : to_string(check.status)) << " " << check.name << ": "
            << check.message << "\n";
      }
    }
  }
  for (const auto& error : report.infra_errors) out << "  infrastructure: " << error << "\n";
  if (report.evidence.collected) {
    out << "  evidence: " << report.evidence.files.size() << " file(s) under OUT/evidence/";
    for (const auto& note : report.evidence.notes) out << "; " << note;
    out << "\n";
  }
  out << "  teardown " << teardown_word(report.teardown) << ", deployments " << report.deploy_count << "/"
      << report.expected_deploy_count << "\n";
  if (report.kept) {
    for (const auto& line : kept_lines(*report.kept)) out << "    " << line << "\n";
  }
  out << "  last-green: " << describe(report.promotion) << "\n";
  Level level = assess_level(report);
  if (!level.stopped_by.empty()) out << "  level " << level.value << ", not higher: " << level.stopped_by << "\n";
  out << "verdict: " << to_string(verdict) << ", level " << level.value << "/5, exit " << exit_code_for(report) << "\n";
  return out.str();
}

std::string format_seconds(std::chrono::milliseconds duration) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1fs", static_cast<double>(duration.count()) / 1000.0);
  return buffer;
}

}  // namespace ccci::runner
