// http/url.hpp — percent-decoding (RFC 3986 §2.1) of path segments and
// query strings. Strict: a '%' not followed by two hex digits is an error,
// so "a%zzb" is refused (400) instead of being guessed at.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace nexus::host::http {

// Decodes %XX escapes. With `plus_is_space` (query strings, HTML forms),
// '+' decodes to ' '. Returns nullopt and sets `why` for a bad escape.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space, std::string& why);

// Splits a raw query ("a=1&b=x%20y") into decoded name → value; a name
// without '=' gets "". Later duplicates win. Returns nullopt and sets `why`
// for a bad escape.
std::optional<std::map<std::string, std::string>> parse_query(std::string_view raw, std::string& why);

}  // namespace nexus::host::http
