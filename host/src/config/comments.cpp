// config/comments.cpp — strip_json_comments.
//
// Comments are overwritten with spaces byte for byte and newlines are kept,
// so the byte offsets nlohmann::json reports for the stripped text are the
// offsets in the file the user wrote, and line numbers still match.
#include <string>

#include "nexus/host/config.hpp"

namespace nexus::host {

namespace {

// Blanks text[i] unless it is a line break (kept so lines do not shift).
void blank(std::string& text, std::size_t i) {
  if (text[i] != '\n' && text[i] != '\r') text[i] = ' ';
}

std::size_t line_of(const std::string& text, std::size_t offset) {
  std::size_t line = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') ++line;
  }
  return line;
}

}  // namespace

std::string strip_json_comments(const std::string& text) {
  std::string out = text;
  const std::size_t n = out.size();
  std::size_t i = 0;
  while (i < n) {
    const char c = out[i];
    if (c == '"') {
      // A string: skip to its closing quote; a backslash escapes the next
      // character, so "a\"//b" and "C:\\" stay intact. An unterminated
      // string is left for the JSON parser to report.
      ++i;
      while (i < n && out[i] != '"') {
        if (out[i] == '\\') ++i;
        ++i;
      }
      ++i;
    } else if (c == '/' && i + 1 < n && out[i + 1] == '/') {
      while (i < n && out[i] != '\n') blank(out, i++);
    } else if (c == '/' && i + 1 < n && out[i + 1] == '*') {
      const std::size_t start = i;
      const std::size_t end = out.find("*/", i + 2);
      if (end == std::string::npos) {
        throw ConfigError("line " + std::to_string(line_of(text, start)) +
                          ": unterminated /* comment; close it with */");
      }
      for (; i < end + 2; ++i) blank(out, i);
    } else {
      ++i;
    }
  }
  return out;
}

}  // namespace nexus::host
