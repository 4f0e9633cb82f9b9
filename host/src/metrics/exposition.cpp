// metrics/exposition.cpp — see exposition.hpp.
#include "metrics/exposition.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "metrics/registry.hpp"
#include "metrics/text_format.hpp"
#include "runtime/metrics.hpp"

namespace nexus::host::metrics {
namespace {

// Resident set size from /proc/self/statm (second field, in pages).
double resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  long size = 0, resident = 0;
  if (!(statm >> size >> resident)) return 0;
  return static_cast<double>(resident) * static_cast<double>(::sysconf(_SC_PAGESIZE));
}

double open_fds() {
  std::error_code ec;
  double n = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++n;
  }
  return n > 0 ? n - 1 : 0;  // minus the descriptor the iteration itself holds open
}

void write_process(std::string& out) {
  out += "# HELP process_resident_memory_bytes Resident memory size in bytes.\n"
         "# TYPE process_resident_memory_bytes gauge\n"
         "process_resident_memory_bytes " + format_value(resident_bytes()) + "\n";
  out += "# HELP process_open_fds Number of open file descriptors.\n"
         "# TYPE process_open_fds gauge\n"
         "process_open_fds " + format_value(open_fds()) + "\n";
}

const char* type_word(MetricKind k) {
  switch (k) {
    case MetricKind::counter: return "counter";
    case MetricKind::gauge: return "gauge";
    case MetricKind::histogram: return "summary";  // plugins report sum and count, no buckets
  }
  return "untyped";
}

// Samples grouped by name, each name with one TYPE line, as the format
// requires (a name's samples must be contiguous).
void write_samples(std::string& out, const std::vector<MetricSample>& samples, const std::string& help) {
  std::map<std::string, std::vector<const MetricSample*>> by_name;
  for (const auto& s : samples) by_name[s.name].push_back(&s);
  for (const auto& [name, group] : by_name) {
    // A plugin metric must not shadow one of the host's families.
    if (name == "nexus_plugin_calls_total" || name == "nexus_plugin_call_duration_seconds" ||
        name == "nexus_plugin_calls_in_flight")
      continue;
    out += "# HELP " + name + " " + help + "\n";
    out += "# TYPE " + name + " " + type_word(group.front()->kind) + "\n";
    for (const MetricSample* s : group) {
      if (s->kind != group.front()->kind) continue;  // one name, one type: later kinds dropped
      const std::string labels = s->labels.empty() ? "" : "{" + s->labels + "}";
      if (s->kind == MetricKind::histogram) {
        out += name + "_sum" + labels + " " + format_value(s->value) + "\n";
        out += name + "_count" + labels + " " + std::to_string(s->count) + "\n";
      } else {
        out += name + labels + " " + format_value(s->value) + "\n";
      }
    }
  }
}

}  // namespace

std::string prometheus_text() {
  std::string out;
  call_metrics().write(out);
  http_metrics().write(out);
  write_sources(out);
  write_samples(out, host_metrics().snapshot(), "Config reloads by outcome (ok: swapped in; error: running set kept).");
  write_samples(out, plugin_metrics().snapshot(), "Reported by a plugin through nexus_host.");
  write_process(out);
  return out;
}

}  // namespace nexus::host::metrics
