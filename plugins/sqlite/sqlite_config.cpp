#include "sqlite_config.hpp"

#include <nexus/sdk/error.hpp>

#include <climits>
#include <string_view>

namespace nexus::plugins::sqlite {

SqliteConfig read_config(const sdk::Config& config) {
  if (!config.json().is_object())
    throw sdk::invalid_argument(config.path() + " must be a JSON object like {\"path\": \"data/objects.db\"}, got " +
                                std::string(config.json().type_name()));
  for (const auto& [k, v] : config.json().items())
    if (k != "path" && k != "create" && k != "busy_timeout_ms" && k != "synchronous" && k != "max_object_bytes")
      throw sdk::invalid_argument(
          config.path() + "." + k +
          " is not an sqlite storage setting; known: path, create, busy_timeout_ms, synchronous, "
          "max_object_bytes");
  SqliteConfig c;
  c.path = config.get<std::string>("path");
  if (c.path.empty())
    throw sdk::invalid_argument(config.path() +
                                ".path is empty; set it to the database file, e.g. \"data/objects.db\"");
  if (c.path.find('\0') != std::string::npos) throw sdk::invalid_argument(config.path() + ".path contains a NUL byte");
  c.create = config.get_or<bool>("create", true);

  const auto busy = config.get_or<std::int64_t>("busy_timeout_ms", 5000);
  if (busy < 0 || busy > INT_MAX)
    throw sdk::invalid_argument(config.path() + ".busy_timeout_ms must be 0.." + std::to_string(INT_MAX) + ", got " +
                                std::to_string(busy));
  c.busy_timeout_ms = static_cast<int>(busy);

  const auto sync = config.get_or<std::string>("synchronous", "full");
  if (sync == "full")
    c.synchronous = Synchronous::full;
  else if (sync == "normal")
    c.synchronous = Synchronous::normal;
  else
    throw sdk::invalid_argument(config.path() + ".synchronous must be \"full\" or \"normal\", got \"" + sync + "\"");

  const auto max = config.get_or<std::int64_t>("max_object_bytes", static_cast<std::int64_t>(c.max_object_bytes));
  if (max < 0)
    throw sdk::invalid_argument(config.path() + ".max_object_bytes must be >= 0, got " + std::to_string(max));
  c.max_object_bytes = static_cast<std::uint64_t>(max);
  return c;
}

}  // namespace nexus::plugins::sqlite
