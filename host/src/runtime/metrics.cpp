#include "runtime/metrics.hpp"

#include <nlohmann/json.hpp>

namespace nexus::host {
namespace {

bool valid_name(std::string_view n) {
  if (n.empty() || n.size() > 128) return false;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const char c = n[i];
    const bool ok = (c >= 'a' && c <= 'z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

std::string escape_label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

void PluginMetrics::record(MetricKind kind, std::string_view instance, std::string_view name, std::string_view labels_json,
                           double value) noexcept {
  try {
    if (!valid_name(name)) return;
    std::string labels = "instance=\"" + escape_label(std::string(instance)) + "\"";
    if (!labels_json.empty()) {
      const auto j = nlohmann::json::parse(labels_json, nullptr, false);
      if (!j.is_object() || j.size() > 8) return;
      for (const auto& [k, v] : j.items()) {
        if (!valid_name(k) || !v.is_string()) return;
        labels += "," + k + "=\"" + escape_label(v.get<std::string>()) + "\"";
      }
    }
    const std::string full = "nexus_plugin_" + std::string(name);
    std::lock_guard lock(mutex_);
    auto& s = samples_[{full, labels}];
    if (s.name.empty()) {
      s.kind = kind;
      s.name = full;
      s.labels = labels;
    }
    if (s.kind != kind) return;  // one name, one kind
    switch (kind) {
      case MetricKind::counter:
        if (value >= 0) s.value += value;
        break;
      case MetricKind::gauge: s.value = value; break;
      case MetricKind::histogram:
        s.value += value;
        ++s.count;
        break;
    }
  } catch (...) {
  }
}

std::vector<MetricSample> PluginMetrics::snapshot() const {
  std::lock_guard lock(mutex_);
  std::vector<MetricSample> out;
  out.reserve(samples_.size());
  for (const auto& [k, v] : samples_) out.push_back(v);
  return out;
}

PluginMetrics& plugin_metrics() {
  static PluginMetrics m;
  return m;
}

void HostMetrics::record_reload(bool ok) noexcept { (ok ? reloads_ok_ : reloads_error_).fetch_add(1, std::memory_order_relaxed); }

std::vector<MetricSample> HostMetrics::snapshot() const {
  std::vector<MetricSample> out;
  for (const auto& [outcome, n] : {std::pair<const char*, std::uint64_t>{"ok", reloads_ok_.load(std::memory_order_relaxed)},
                                   {"error", reloads_error_.load(std::memory_order_relaxed)}}) {
    out.push_back({MetricKind::counter, "nexus_reloads_total", std::string("outcome=\"") + outcome + "\"",
                   static_cast<double>(n), 0});
  }
  return out;
}

HostMetrics& host_metrics() {
  static HostMetrics m;
  return m;
}

}  // namespace nexus::host
