#include "check_util.hpp"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

namespace nexus::check {

std::string CallOutcome::status_text() const {
  return std::string(nexus_status_name(status)) + (status == NEXUS_OK ? "" : message_part(error));
}

std::string excerpt(std::string_view text, std::size_t max) {
  std::string out = "'";
  static constexpr char kHex[] = "0123456789abcdef";
  for (std::size_t i = 0; i < text.size() && i < max; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  out += "'";
  if (text.size() > max) out += " (" + std::to_string(text.size()) + " bytes in all)";
  return out;
}

nlohmann::json parse_plugin_json(std::string_view text, const std::string& what, CheckScope& scope) {
  if (text.empty()) scope.fail_now(what + " is empty, expected JSON");
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) scope.fail_now(what + " is not valid JSON: " + excerpt(text));
  return j;
}

std::string random_hex(std::size_t bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::random_device rd;
  std::mt19937_64 gen((static_cast<std::uint64_t>(rd()) << 32) ^ rd() ^
                      static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()));
  std::string out;
  for (std::size_t i = 0; i < bytes; ++i) {
    const auto b = static_cast<unsigned>(gen() & 0xff);
    out += kHex[b >> 4];
    out += kHex[b & 0xf];
  }
  return out;
}

std::int64_t now_unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::vector<std::string> run_in_threads(int threads,
                                        const std::function<void(int, const std::function<void(std::string)>&)>& body) {
  std::mutex mutex;
  std::condition_variable go;
  bool released = false;
  std::vector<std::string> failures;
  const std::function<void(std::string)> report = [&](std::string why) {
    std::lock_guard lock(mutex);
    failures.push_back(std::move(why));
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      {
        // Start together, so the calls really overlap.
        std::unique_lock lock(mutex);
        go.wait(lock, [&] { return released; });
      }
      try {
        body(t, report);
      } catch (const std::exception& e) {
        report("thread " + std::to_string(t) + ": " + e.what());
      }
    });
  }
  {
    std::lock_guard lock(mutex);
    released = true;
  }
  go.notify_all();
  for (auto& th : pool) th.join();
  return failures;
}

std::string message_part(const std::string& error) {
  return error.empty() ? " (no message)" : " (message: " + excerpt(error, 200) + ")";
}

std::string first_few(const std::vector<std::string>& items, std::size_t max) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < max; ++i) out += (i ? "; " : "") + items[i];
  if (items.size() > max) out += "; and " + std::to_string(items.size() - max) + " more";
  return out;
}

}  // namespace nexus::check
