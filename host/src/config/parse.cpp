// config/parse.cpp — parse_config and load_config_file: text -> comments
// stripped -> JSON -> ${VAR} interpolated -> host sections checked.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>

#include "config/reader.hpp"
#include "config/sections.hpp"
#include "nexus/host/config.hpp"

namespace nexus::host {

namespace fs = std::filesystem;

namespace {

std::string name_of(const fs::path& source) {
  return source.empty() ? std::string("<config>") : source.string();
}

// nlohmann reports a byte offset (1-based: the byte it stopped at); turn it
// into LINE:COL so editors can jump there. Comment stripping kept offsets.
std::string line_col(const std::string& text, std::size_t byte) {
  std::size_t line = 1, col = 1;
  const std::size_t end = byte == 0 ? 0 : std::min(byte - 1, text.size());
  for (std::size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return std::to_string(line) + ":" + std::to_string(col);
}

// "[json.exception.parse_error.101] parse error at line 3, column 5: syntax
// error ..." -> "syntax error ...": the position is printed our way.
std::string parse_error_text(const std::string& what) {
  static const std::regex prefix(R"(^\[json\.exception\.[a-z_]+\.\d+\] (parse error( at line \d+, column \d+)?: )?)");
  return std::regex_replace(what, prefix, "");
}

nlohmann::json parse_json(const std::string& text, const std::string& name) {
  std::string stripped;
  try {
    stripped = strip_json_comments(text);
  } catch (const ConfigError& e) {
    throw ConfigError(name + ": " + e.what());
  }
  try {
    return nlohmann::json::parse(stripped);
  } catch (const nlohmann::json::parse_error& e) {
    throw ConfigError(name + ":" + line_col(text, e.byte) + ": " + parse_error_text(e.what()));
  }
}

}  // namespace

Config parse_config(const std::string& text, const fs::path& source, const EnvLookup& env) {
  const std::string name = name_of(source);
  nlohmann::json doc = parse_json(text, name);
  try {
    interpolate_env(doc, env, "");
  } catch (const ConfigError& e) {
    throw ConfigError(name + ": " + e.what());
  }
  const fs::path base_dir = source.empty() ? fs::current_path() : fs::absolute(source).parent_path();
  Config cfg = config_detail::read_sections(doc, config_detail::Reader(name), base_dir, env);
  cfg.source = source;
  return cfg;
}

Config load_config_file(const fs::path& file, const EnvLookup& env) {
  std::error_code ec;
  if (fs::is_directory(file, ec)) {
    throw ConfigError(file.string() + ": is a folder; pass the config file itself");
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw ConfigError(file.string() + ": cannot read the config file: " + std::strerror(errno));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_config(text.str(), file, env);
}

}  // namespace nexus::host
