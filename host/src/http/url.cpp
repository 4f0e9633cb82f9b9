// http/url.cpp — see url.hpp.
#include "http/url.hpp"

namespace nexus::host::http {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space, std::string& why) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      const int hi = i + 1 < text.size() ? hex_value(text[i + 1]) : -1;
      const int lo = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        why = "invalid percent-encoding at byte " + std::to_string(i) +
              ": '%' must be followed by two hex digits (encode a literal '%' as %25)";
        return std::nullopt;
      }
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::optional<std::map<std::string, std::string>> parse_query(std::string_view raw, std::string& why) {
  std::map<std::string, std::string> out;
  std::size_t start = 0;
  while (start <= raw.size()) {
    std::size_t amp = raw.find('&', start);
    if (amp == std::string_view::npos) amp = raw.size();
    const std::string_view part = raw.substr(start, amp - start);
    start = amp + 1;
    if (part.empty()) continue;
    const std::size_t eq = part.find('=');
    auto name = percent_decode(part.substr(0, eq), true, why);
    auto value =
        eq == std::string_view::npos ? std::optional<std::string>("") : percent_decode(part.substr(eq + 1), true, why);
    if (!name || !value) {
      why = "query parameter '" + std::string(part.substr(0, eq)) + "': " + why;
      return std::nullopt;
    }
    out[*name] = *value;
  }
  return out;
}

}  // namespace nexus::host::http
