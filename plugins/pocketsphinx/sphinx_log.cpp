#include "sphinx_log.hpp"

#include <cctype>
#include <cstdarg>
#include <cstdio>
#include <mutex>

#include <sphinxbase/err.h>

namespace nexus::plugins::pocketsphinx {
namespace {

thread_local std::string* t_capture = nullptr;
constexpr std::size_t kMaxCaptureBytes = 4096;

// sphinxbase formats each message itself and hands it over in one call
// ("ERROR: \"fsg_search.c\", line 141: The word 'x' is missing ...\n").
void on_sphinx_log(void*, err_lvl_t level, const char* format, ...) {
  std::string* capture = t_capture;
  if (!capture || level < ERR_WARN || capture->size() >= kMaxCaptureBytes) return;
  char buf[512];
  va_list args;
  va_start(args, format);
  std::vsnprintf(buf, sizeof buf, format, args);
  va_end(args);
  capture->append(buf);
}

// Unloading this plugin must not leave sphinxbase calling into unmapped
// code (sphinxbase may stay loaded for another copy of the plugin during a
// hot reload): hand logging back to sphinxbase's own handler, silenced.
struct RestoreOnUnload {
  ~RestoreOnUnload() {
    err_set_callback(err_logfp_cb, nullptr);
    err_set_logfp(nullptr);
  }
} restore_on_unload;

// "ERROR: \"file.c\", line 12: text" -> "text"; drops the parser's
// meaningless " at line <n>" (it counts from an uninitialised value).
std::string clean_line(std::string line) {
  const auto marker = line.find("\", line ");
  if (marker != std::string::npos) {
    const auto colon = line.find(": ", marker);
    if (colon != std::string::npos) line.erase(0, colon + 2);
  }
  const auto at_line = line.find(" at line ");
  if (at_line != std::string::npos) {
    std::size_t end = at_line + 9;
    while (end < line.size() && std::isdigit(static_cast<unsigned char>(line[end]))) ++end;
    line.erase(at_line, end - at_line);
  }
  while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.pop_back();
  return line;
}

}  // namespace

void install_sphinx_log_hook() noexcept {
  // Once per loaded copy of the plugin, before its first decoder: the hook
  // is a process-wide global of sphinxbase, so it is not rewritten while
  // other decoders may be logging.
  static std::once_flag once;
  std::call_once(once, [] {
    err_set_callback(&on_sphinx_log, nullptr);
    // Some output (the configuration dump after a failed load) is written
    // straight to the log file rather than through the callback.
    err_set_logfp(nullptr);
  });
}

LogCapture::LogCapture() noexcept : previous_(t_capture) {
  t_capture = &lines_;
}
LogCapture::~LogCapture() {
  t_capture = previous_;
}

std::string LogCapture::problems(const std::string& fallback) const {
  std::string out;
  std::size_t start = 0;
  while (start < lines_.size()) {
    auto end = lines_.find('\n', start);
    if (end == std::string::npos) end = lines_.size();
    const std::string line = clean_line(lines_.substr(start, end - start));
    if (!line.empty()) out += (out.empty() ? "" : "; ") + line;
    start = end + 1;
  }
  return out.empty() ? fallback : out;
}

}  // namespace nexus::plugins::pocketsphinx
