#include "retry_policy.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>

namespace nexus::plugins::openai {
namespace {

// A non-negative decimal number of `unit`s ("2", "1.5"); nullopt otherwise.
std::optional<std::chrono::milliseconds> parse_amount(const std::string& text, double ms_per_unit) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  for (char c : text)
    if (!((c >= '0' && c <= '9') || c == '.')) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(v) || v < 0) return std::nullopt;
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::ceil(std::min(v * ms_per_unit, 1e12))));
}

}  // namespace

std::chrono::milliseconds Backoff::delay(int retry) const {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const int shift = std::clamp(retry, 0, 30);
  const std::int64_t ceiling = std::min<std::int64_t>(cap.count(), base.count() << shift);
  std::uniform_int_distribution<std::int64_t> pick(0, std::max<std::int64_t>(ceiling, 0));
  return std::chrono::milliseconds(pick(rng));
}

std::optional<std::chrono::milliseconds> retry_after(const http::Response& r,
                                                     std::chrono::system_clock::time_point now) {
  if (auto ms = r.header("retry-after-ms"))
    if (auto v = parse_amount(*ms, 1)) return v;
  const auto value = r.header("retry-after");
  if (!value) return std::nullopt;
  if (auto v = parse_amount(*value, 1000)) return v;
  const time_t when = curl_getdate(value->c_str(), nullptr);  // RFC 1123 and the older forms
  if (when < 0) return std::nullopt;
  const auto wait = std::chrono::system_clock::from_time_t(when) - now;
  return std::max(std::chrono::milliseconds(0), std::chrono::ceil<std::chrono::milliseconds>(wait));
}

bool is_retryable_status(long status, const std::string& error_code) {
  if (status == 429) return error_code != "insufficient_quota";
  return status == 408 || status >= 500;
}

}  // namespace nexus::plugins::openai
