#include "report.hpp"

#include <exception>
#include <ostream>

namespace nexus::check {

namespace {

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "; ") + p;
  return out;
}

}  // namespace

void CheckScope::fail(std::string why) {
  failures_.push_back(std::move(why));
}
void CheckScope::fail_now(std::string why) {
  failures_.push_back(why);
  throw CheckFailed{std::move(why)};
}
void CheckScope::warn(std::string why) {
  warnings_.push_back(std::move(why));
}
void CheckScope::skip(std::string why) {
  throw CheckSkipped{std::move(why)};
}
void CheckScope::note(std::string line) {
  notes_.push_back(std::move(line));
}

bool Report::run(std::string_view name, const std::function<void(CheckScope&)>& check) {
  CheckScope scope;
  try {
    check(scope);
  } catch (const CheckFailed&) {
    // Already recorded in scope.failures_.
  } catch (const CheckSkipped& s) {
    skip(name, s.why);
    for (const auto& n : scope.notes_) detail(n);
    return true;
  } catch (const std::exception& e) {
    scope.failures_.push_back(std::string("the kit stopped on an unexpected error: ") + e.what());
  } catch (...) {
    scope.failures_.push_back("the kit stopped on an unexpected error of unknown type");
  }
  if (!scope.failures_.empty()) {
    fail(name, join(scope.failures_));
  } else if (!scope.warnings_.empty()) {
    warn(name, join(scope.warnings_));
  } else {
    pass(name);
  }
  for (const auto& n : scope.notes_) detail(n);
  return scope.failures_.empty();
}

void Report::line(std::string_view tag, std::string_view name, std::string_view why) {
  out_ << tag << "  " << name;
  if (!why.empty()) out_ << ": " << why;
  out_ << '\n' << std::flush;  // flushed per line: a plugin that crashes the kit leaves the lines before it
}

void Report::pass(std::string_view name) {
  ++passed_;
  line("PASS", name, {});
}
void Report::fail(std::string_view name, std::string_view why) {
  ++failed_;
  line("FAIL", name, why);
}
void Report::warn(std::string_view name, std::string_view why) {
  ++passed_;
  ++warned_;
  line("WARN", name, why);
}
void Report::skip(std::string_view name, std::string_view why) {
  ++skipped_;
  line("SKIP", name, why);
}
void Report::detail(std::string_view text) {
  if (verbose_) out_ << "      " << text << '\n' << std::flush;
}
void Report::info(std::string_view text) {
  out_ << "      " << text << '\n' << std::flush;
}

void Report::print_summary() {
  if (warned_ || skipped_) out_ << warned_ << (warned_ == 1 ? " warning, " : " warnings, ") << skipped_ << " skipped\n";
  out_ << passed_ << " passed, " << failed_ << " failed\n" << std::flush;
}

}  // namespace nexus::check
