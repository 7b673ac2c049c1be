#include "harness/docker_stats.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <utility>

#include <boost/json.hpp>

#include "harness/text.hpp"

namespace ccci::harness {
namespace {

constexpr std::string_view not_reported = "--";

/// The longest suffixes first, so "MiB" is not read as "B".
constexpr std::array<std::pair<std::string_view, double>, 9> size_units{{
    {"KiB", 1024.0},
    {"MiB", 1024.0 * 1024},
    {"GiB", 1024.0 * 1024 * 1024},
    {"TiB", 1024.0 * 1024 * 1024 * 1024},
    {"kB", 1e3},
    {"MB", 1e6},
    {"GB", 1e9},
    {"TB", 1e12},
    {"B", 1.0},
}};

Error unparsable(std::string_view what, std::string_view text) {
  return make_error(ErrorKind::infra,
                    "cannot parse " + std::string(what) + " " + printable(text) + " from docker stats");
}

std::optional<double> parse_number(std::string_view text) {
  double value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || !std::isfinite(value) || value < 0) return std::nullopt;
  return value;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

const boost::json::string* string_field(const boost::json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value ? value->if_string() : nullptr;
}

}  // namespace

Result<std::optional<std::uint64_t>> parse_docker_size(std::string_view text) {
  text = trim(text);
  if (text == not_reported) return std::optional<std::uint64_t>();
  for (const auto& [suffix, factor] : size_units) {
    if (text.size() <= suffix.size() || text.substr(text.size() - suffix.size()) != suffix) continue;
    auto number = parse_number(text.substr(0, text.size() - suffix.size()));
    if (!number) break;
    double bytes = std::round(*number * factor);
    if (bytes >= 1.8e19) break;  // beyond uint64_t: not a size docker prints
    return std::optional<std::uint64_t>(static_cast<std::uint64_t>(bytes));
  }
  return unparsable("size", text);
}

Result<std::optional<double>> parse_docker_percent(std::string_view text) {
  text = trim(text);
  if (text == not_reported) return std::optional<double>();
  if (text.size() > 1 && text.back() == '%') {
    if (auto number = parse_number(text.substr(0, text.size() - 1))) return std::optional<double>(*number);
  }
  return unparsable("percentage", text);
}

Result<std::vector<ContainerStats>> parse_container_stats(std::string_view json_lines) {
  std::vector<ContainerStats> rows;
  for (const auto& line : trimmed_lines(json_lines)) {
    boost::system::error_code ec;
    boost::json::value row = boost::json::parse(line, ec);
    const auto* object = ec ? nullptr : row.if_object();
    if (!object) return unparsable("row", line);
    const auto* name = string_field(*object, "Name");
    const auto* memory = string_field(*object, "MemUsage");
    const auto* cpu = string_field(*object, "CPUPerc");
    if (!name || !memory || !cpu) return unparsable("row (Name, MemUsage or CPUPerc missing)", line);
    std::string_view usage(*memory);
    CCCI_TRY(auto used, parse_docker_size(usage.substr(0, usage.find('/'))));
    CCCI_TRY(auto percent, parse_docker_percent(*cpu));
    rows.push_back({std::string(*name), used, percent});
  }
  return rows;
}

bool container_of_stack(std::string_view container_name, std::string_view stack) {
  return !stack.empty() && container_name.size() > stack.size() + 1 &&
         container_name.substr(0, stack.size()) == stack && container_name[stack.size()] == '_';
}

}  // namespace ccci::harness
