// sphinx_log — pocketsphinx and sphinxbase log to stderr by default, and
// the reason a model or grammar failed to load is only ever written there.
// This hook silences that output and, while a LogCapture is alive on the
// calling thread, collects the warning and error lines so the plugin can
// put the reason into its own error message.
#pragma once

#include <string>

namespace nexus::plugins::pocketsphinx {

// Points sphinxbase's log at this plugin's handler, once (cheap after the
// first call; call it before any pocketsphinx call whose failure should be
// explained). Without a capture on the thread, everything is dropped.
// [any-thread]
void install_sphinx_log_hook() noexcept;

// Collects sphinxbase warnings and errors on this thread while it lives
// (a nested capture collects until it ends, then the outer one resumes).
class LogCapture {
 public:
  LogCapture() noexcept;
  ~LogCapture();
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  // The collected lines without their source-file prefixes, joined with
  // "; " — or `fallback` when nothing was logged.
  std::string problems(const std::string& fallback) const;

 private:
  std::string lines_;
  std::string* previous_;
};

}  // namespace nexus::plugins::pocketsphinx
