// http/object_headers.cpp — see object_headers.hpp.
#include "http/object_headers.hpp"

#include <ctime>

#include <nlohmann/json.hpp>

#include "http/errors.hpp"

namespace nexus::host::http {
namespace {

std::string string_field(const nlohmann::json& j, const char* name) {
  const auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool is_meta_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

int digits(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) return -1;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

}  // namespace

bool is_safe_header_value(std::string_view value) {
  for (unsigned char c : value) {
    if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
  }
  return true;
}

std::optional<ObjectInfo> parse_object_info(std::string_view json) {
  const nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  ObjectInfo info;
  if (const auto it = j.find("size"); it != j.end() && it->is_number_unsigned()) {
    info.size = it->get<std::uint64_t>();
  } else if (it != j.end() && it->is_number_integer() && it->get<std::int64_t>() >= 0) {
    info.size = static_cast<std::uint64_t>(it->get<std::int64_t>());
  } else {
    return std::nullopt;
  }
  info.content_type = string_field(j, "content_type");
  info.etag = string_field(j, "etag");
  info.last_modified = string_field(j, "last_modified");
  if (const auto it = j.find("metadata"); it != j.end() && it->is_object()) {
    for (const auto& [k, v] : it->items()) {
      if (v.is_string()) info.metadata.emplace_back(k, v.get<std::string>());
    }
  }
  return info;
}

std::string http_date_from_rfc3339(std::string_view t) {
  // YYYY-MM-DDTHH:MM:SS then optional .fraction, then Z or ±HH:MM.
  const int year = digits(t, 0, 4), mon = digits(t, 5, 2), day = digits(t, 8, 2);
  const int hour = digits(t, 11, 2), min = digits(t, 14, 2), sec = digits(t, 17, 2);
  if (year < 0 || mon < 1 || mon > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || min < 0 || min > 59 ||
      sec < 0 || sec > 60 || t[4] != '-' || t[7] != '-' || (t[10] != 'T' && t[10] != 't' && t[10] != ' ') ||
      t[13] != ':' || t[16] != ':') {
    return {};
  }
  std::size_t pos = 19;
  if (pos < t.size() && t[pos] == '.') {
    ++pos;
    while (pos < t.size() && t[pos] >= '0' && t[pos] <= '9') ++pos;
  }
  long offset_seconds = 0;
  if (pos < t.size() && (t[pos] == 'Z' || t[pos] == 'z')) {
    ++pos;
  } else if (pos < t.size() && (t[pos] == '+' || t[pos] == '-')) {
    const int oh = digits(t, pos + 1, 2), om = digits(t, pos + 4, 2);
    if (oh < 0 || om < 0 || pos + 3 >= t.size() || t[pos + 3] != ':') return {};
    offset_seconds = (oh * 3600L + om * 60L) * (t[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return {};
  }
  if (pos != t.size()) return {};
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = mon - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = min;
  tm.tm_sec = sec;
  const std::time_t utc = timegm(&tm) - offset_seconds;
  std::tm out{};
  if (!gmtime_r(&utc, &out)) return {};
  char buf[64];
  const std::size_t n = std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &out);
  return std::string(buf, n);  // strftime in the "C" locale: the host never calls setlocale
}

std::optional<std::string> quoted_etag(std::string_view etag) {
  if (etag.empty() || etag.find('"') != std::string_view::npos || !is_safe_header_value(etag)) return std::nullopt;
  return "\"" + std::string(etag) + "\"";
}

std::string unquote_etag(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  if (v.starts_with("W/")) v.remove_prefix(2);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  return std::string(v);
}

void add_object_headers(Reply& reply, const ObjectInfo& info) {
  const std::string type = info.content_type.empty() ? "application/octet-stream" : info.content_type;
  if (is_safe_header_value(type)) reply.header("Content-Type", type);
  if (auto etag = quoted_etag(info.etag)) reply.header("ETag", *etag);
  if (auto date = http_date_from_rfc3339(info.last_modified); !date.empty()) reply.header("Last-Modified", date);
  for (const auto& [name, value] : info.metadata) {
    if (is_meta_name(name) && is_safe_header_value(value)) reply.header(std::string(kMetaHeaderPrefix) + name, value);
  }
  reply.header("Accept-Ranges", "bytes");
}

std::variant<std::string, Reply> metadata_from_headers(const HttpRequest& request) {
  nlohmann::json meta = nlohmann::json::object();
  for (const auto& [name, value] : request.headers) {
    if (!name.starts_with(kMetaHeaderPrefix)) continue;
    const std::string meta_name = name.substr(kMetaHeaderPrefix.size());
    if (!is_meta_name(meta_name)) {
      return error_reply(
          NEXUS_INVALID_ARGUMENT,
          "header '" + name + "': metadata names after 'x-nexus-meta-' must be 1-64 characters of a-z, 0-9 and '-'");
    }
    meta[meta_name] = value;
  }
  if (meta.empty()) return std::string();
  return meta.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace nexus::host::http
