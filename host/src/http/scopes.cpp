// http/scopes.cpp — see scopes.hpp.
#include "http/scopes.hpp"

namespace nexus::host::http {
namespace {

std::vector<std::string_view> split_segments(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t colon = s.find(':', start);
    out.push_back(s.substr(start, colon == std::string_view::npos ? std::string_view::npos : colon - start));
    if (colon == std::string_view::npos) return out;
    start = colon + 1;
  }
}

}  // namespace

bool scope_allows(std::string_view granted, std::string_view required) {
  if (granted.empty() || required.empty()) return false;
  if (granted == "*") return true;
  const auto g = split_segments(granted);
  const auto r = split_segments(required);
  for (std::size_t i = 0; i < g.size(); ++i) {
    const bool last = i + 1 == g.size();
    if (g[i] == "*" && last) return r.size() > i;  // the rest: at least one segment
    if (i >= r.size()) return false;               // required ran out first
    if (g[i] != "*" && g[i] != r[i]) return false;
  }
  return g.size() == r.size();
}

bool any_scope_allows(const std::vector<std::string>& granted, std::string_view required) {
  for (const auto& g : granted) {
    if (scope_allows(g, required)) return true;
  }
  return false;
}

}  // namespace nexus::host::http
