// logging.cpp — see logging.hpp.
#include "logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <ctime>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace nexus::host {

// "2025-01-31T12:00:00.123Z": UTC, so lines from several hosts sort together.
std::string utc_timestamp(std::chrono::system_clock::time_point t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() % 1000;
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(ms));
  return buf;
}

namespace {

spdlog::level::level_enum parse_level(const std::string& level) {
  if (level == "trace") return spdlog::level::trace;
  if (level == "debug") return spdlog::level::debug;
  if (level == "info") return spdlog::level::info;
  if (level == "warn") return spdlog::level::warn;
  if (level == "error") return spdlog::level::err;
  throw std::invalid_argument("log level '" + level + "' is not one of trace, debug, info, warn, error");
}


// One JSON object per line. nlohmann does the escaping (quotes, control
// characters, invalid UTF-8 replaced) so a message can never break a line
// or the object.
class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    nlohmann::ordered_json line = nlohmann::ordered_json::object();  // keys in this order
    line["ts"] = utc_timestamp(msg.time);
    const auto level = spdlog::level::to_string_view(msg.level);
    line["level"] = std::string(level.data(), level.size());
    if (msg.logger_name.size() > 0) line["logger"] = std::string(msg.logger_name.data(), msg.logger_name.size());
    line["msg"] = std::string(msg.payload.data(), msg.payload.size());
    const std::string text = line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
    dest.append(text.data(), text.data() + text.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonFormatter>(); }
};

// %N: "[name] " for a named logger, nothing for the default one, so text
// lines do not start with "[] ".
class LoggerNameFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    if (msg.logger_name.size() == 0) return;
    dest.push_back('[');
    dest.append(msg.logger_name.data(), msg.logger_name.data() + msg.logger_name.size());
    dest.append(std::string_view("] "));
  }
  std::unique_ptr<spdlog::custom_flag_formatter> clone() const override { return std::make_unique<LoggerNameFlag>(); }
};

}  // namespace

void setup_logging(const std::string& level, const std::string& format) {
  const spdlog::level::level_enum lvl = parse_level(level);
  std::unique_ptr<spdlog::formatter> formatter;
  spdlog::sink_ptr sink;
  if (format == "json") {
    formatter = std::make_unique<JsonFormatter>();
    sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();  // no colour codes in JSON
  } else if (format == "text") {
    auto pattern = std::make_unique<spdlog::pattern_formatter>();
    pattern->add_flag<LoggerNameFlag>('N').set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %^%-5l%$ %N%v");
    formatter = std::move(pattern);
    sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  } else {
    throw std::invalid_argument("log format '" + format + "' is not one of text, json");
  }
  auto logger = std::make_shared<spdlog::logger>("", sink);
  spdlog::set_default_logger(logger);
  // set_formatter/set_level apply to every registered logger and to those
  // registered later, so plugin and subsystem loggers look the same.
  spdlog::set_formatter(std::move(formatter));
  spdlog::set_level(lvl);
  spdlog::flush_on(spdlog::level::warn);
}

}  // namespace nexus::host
