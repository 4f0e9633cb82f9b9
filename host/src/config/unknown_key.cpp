// config/unknown_key.cpp — see unknown_key.hpp.
#include "config/unknown_key.hpp"

#include <algorithm>

namespace nexus::host::config_detail {

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string unknown_key_message(std::string_view key, std::vector<std::string> known) {
  std::sort(known.begin(), known.end());
  known.erase(std::unique(known.begin(), known.end()), known.end());
  std::string out = "unknown key '" + std::string(key) + "'";
  if (known.empty()) {
    out += " (no keys are allowed here)";
    return out;
  }
  out += " (known: ";
  std::size_t best = 3;
  std::string suggestion;
  for (std::size_t i = 0; i < known.size(); ++i) {
    if (i) out += ", ";
    out += known[i];
    const std::size_t d = edit_distance(key, known[i]);
    if (d < best) {
      best = d;
      suggestion = known[i];
    }
  }
  out += ")";
  if (!suggestion.empty()) out += "; did you mean '" + suggestion + "'?";
  return out;
}

}  // namespace nexus::host::config_detail
