// report.hpp — what the kit prints: one line per check, then the summary.
//
//   PASS  storage.read_after_write
//   FAIL  storage.range_suffix: asked for the last 10 bytes of a 100-byte object, got 100 bytes
//   WARN  common.config_rejects_unknown_key: the schema accepts unknown keys ...
//   SKIP  storage.concurrent_calls: the plugin declares NEXUS_CONCURRENCY_SERIAL
//
// The summary "N passed, M failed" stands alone on the last line so scripts
// (and the kit's own tests) can read it; a WARN counts as passed.
#pragma once

#include <cstddef>
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace nexus::check {

// Thrown inside a check to end it with FAIL / SKIP. The runner catches it.
struct CheckFailed {
  std::string why;
};
struct CheckSkipped {
  std::string why;
};

// Handed to every check: collects failures and warnings while it runs.
class CheckScope {
 public:
  // Records a failure and keeps going (the check ends FAIL).
  void fail(std::string why);
  // Records a failure and ends the check now.
  [[noreturn]] void fail_now(std::string why);
  // Records a warning (the check ends WARN unless it also failed).
  void warn(std::string why);
  // Ends the check as SKIP (not counted).
  [[noreturn]] void skip(std::string why);
  // A line printed under the check with --verbose.
  void note(std::string line);

  // fail_now(why) unless `condition`.
  void require(bool condition, const std::string& why) {
    if (!condition) fail_now(why);
  }
  // fail(why) unless `condition`; returns condition.
  bool expect(bool condition, const std::string& why) {
    if (!condition) fail(why);
    return condition;
  }
  bool failed() const noexcept { return !failures_.empty(); }

 private:
  friend class Report;
  std::vector<std::string> failures_, warnings_, notes_;
};

class Report {
 public:
  Report(std::ostream& out, bool verbose) : out_(out), verbose_(verbose) {}

  // Runs one check and prints its line. Never lets an exception out: an
  // error the kit did not expect is itself reported as the check's FAIL.
  // Returns true unless the check failed.
  bool run(std::string_view name, const std::function<void(CheckScope&)>& check);

  // Direct lines, for checks decided without running anything.
  void pass(std::string_view name);
  void fail(std::string_view name, std::string_view why);
  void warn(std::string_view name, std::string_view why);
  void skip(std::string_view name, std::string_view why);
  // An indented line shown only with --verbose.
  void detail(std::string_view line);
  // An indented line always shown (context for the checks that follow).
  void info(std::string_view line);

  // Prints the counts of warnings/skips (if any) and the summary line.
  void print_summary();
  std::size_t passed() const noexcept { return passed_; }
  std::size_t failed() const noexcept { return failed_; }
  bool verbose() const noexcept { return verbose_; }

 private:
  void line(std::string_view tag, std::string_view name, std::string_view why);
  std::ostream& out_;
  bool verbose_;
  std::size_t passed_ = 0, failed_ = 0, warned_ = 0, skipped_ = 0;
};

}  // namespace nexus::check
