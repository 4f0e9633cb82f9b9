#include "s3_object.hpp"

#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

namespace nexus::plugins::s3 {
namespace {

constexpr std::string_view kMetaPrefix = "x-amz-meta-";
constexpr std::string_view kB64Start = "=?UTF-8?B?";
constexpr std::string_view kB64End = "?=";

bool safe_as_is(std::string_view v) {
  if (v.empty()) return false;  // some servers and proxies drop empty headers
  if (v.front() == ' ' || v.back() == ' ' || v.substr(0, 2) == "=?") return false;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(v[i]);
    if (c < 0x20 || c > 0x7e) return false;
    if (c == ' ' && i + 1 < v.size() && v[i + 1] == ' ') return false;  // signing and proxies collapse runs
  }
  return true;
}

std::string base64(std::string_view in) {
  std::string out(4 * ((in.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(in.data()),
                                static_cast<int>(in.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::optional<std::string> unbase64(std::string_view in) {
  if (in.size() % 4 != 0) return std::nullopt;
  std::string out(3 * in.size() / 4, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(in.data()),
                                static_cast<int>(in.size()));
  if (n < 0) return std::nullopt;
  std::size_t pad = 0;  // EVP_DecodeBlock counts padding as zero bytes
  if (!in.empty() && in.back() == '=') ++pad;
  if (in.size() > 1 && in[in.size() - 2] == '=') ++pad;
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

}  // namespace

std::string encode_metadata_value(std::string_view value) {
  if (safe_as_is(value)) return std::string(value);
  return std::string(kB64Start) + base64(value) + std::string(kB64End);
}

std::string decode_metadata_value(std::string_view value) {
  if (value.size() >= kB64Start.size() + kB64End.size() && value.substr(0, kB64Start.size()) == kB64Start &&
      value.substr(value.size() - kB64End.size()) == kB64End) {
    if (auto d = unbase64(value.substr(kB64Start.size(), value.size() - kB64Start.size() - kB64End.size()))) return *d;
  }
  return std::string(value);
}

http::Headers metadata_headers(const sdk::Metadata& metadata) {
  http::Headers h;
  for (const auto& [k, v] : metadata) h.emplace_back(std::string(kMetaPrefix) + k, encode_metadata_value(v));
  return h;
}

std::string unquote_etag(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') etag = etag.substr(1, etag.size() - 2);
  return std::string(etag);
}

std::string quote_etag(std::string_view etag) { return "\"" + std::string(etag) + "\""; }

std::string http_date_to_rfc3339(std::string_view date) {
  // IMF-fixdate (RFC 9110 §5.6.7): "Sun, 06 Nov 1994 08:49:37 GMT".
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto comma = date.find(", ");
  if (comma == std::string_view::npos) return "";
  const std::string rest(date.substr(comma + 2));
  int day = 0, year = 0, hh = 0, mm = 0, ss = 0;
  char mon[4] = {0};
  if (std::sscanf(rest.c_str(), "%2d %3s %4d %2d:%2d:%2d", &day, mon, &year, &hh, &mm, &ss) != 6) return "";
  int month = -1;
  for (int i = 0; i < 12; ++i)
    if (std::strcmp(mon, kMonths[i]) == 0) month = i;
  if (month < 0) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", year, month + 1, day, hh, mm, ss);
  return buf;
}

std::string iso_to_rfc3339(std::string_view iso) {
  if (iso.size() >= 19) return std::string(iso.substr(0, 19)) + "Z";
  return std::string(iso);
}

sdk::ObjectInfo info_from_headers(std::string_view key, const http::Response& r) {
  sdk::ObjectInfo info;
  info.key = std::string(key);
  if (auto range = r.header("content-range")) {  // "bytes 0-9/123"
    const auto slash = range->rfind('/');
    if (slash != std::string::npos && range->substr(slash + 1) != "*") info.size = std::strtoull(range->c_str() + slash + 1, nullptr, 10);
  } else if (auto len = r.header("content-length")) {
    info.size = std::strtoull(len->c_str(), nullptr, 10);
  }
  if (auto ct = r.header("content-type"); ct && !ct->empty()) info.content_type = *ct;
  if (auto etag = r.header("etag")) info.etag = unquote_etag(*etag);
  if (auto lm = r.header("last-modified")) info.last_modified = http_date_to_rfc3339(*lm);
  for (const auto& [name, value] : r.headers)
    if (name.size() > kMetaPrefix.size() && name.compare(0, kMetaPrefix.size(), kMetaPrefix) == 0)
      info.metadata[name.substr(kMetaPrefix.size())] = decode_metadata_value(value);
  return info;
}

}  // namespace nexus::plugins::s3
