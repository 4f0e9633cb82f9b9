#include "nexus_aws/sigv4.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <ctime>
#include <map>
#include <stdexcept>

namespace nexus::plugins::aws::sigv4 {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// Header value as SigV4 canonicalises it: CR/LF count as spaces, runs of
// spaces and tabs collapse to one space, leading and trailing spaces go.
std::string canonical_header_value(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  bool in_space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      in_space = true;
      continue;
    }
    if (in_space && !out.empty()) out += ' ';
    in_space = false;
    out += c;
  }
  return out;
}

// Non-S3 services sign the path with empty and "." segments dropped and
// ".." resolved (RFC 3986 §5.2.4), keeping a leading and trailing '/'.
std::string normalise_path(std::string_view path) {
  std::vector<std::string_view> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view seg = path.substr(start, end - start);
    if (seg == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!seg.empty() && seg != ".") {
      segments.push_back(seg);
    }
    start = end + 1;
  }
  std::string out = (!path.empty() && path.front() == '/') ? "/" : "";
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (i) out += '/';
    out += segments[i];
  }
  if (!segments.empty() && path.back() == '/') out += '/';
  return out;
}

std::string canonical_path(std::string_view path, bool s3_path_rules) {
  if (path.empty()) return "/";
  if (s3_path_rules) return uri_encode(path, true);
  // The wire path is encoded once; other services sign an encoding of that.
  return uri_encode(uri_encode(normalise_path(path), true), true);
}

bool is_replaced_header(std::string_view lower_name, bool has_token) {
  return lower_name == "authorization" || lower_name == "x-amz-date" ||
         (has_token && lower_name == "x-amz-security-token");
}

}  // namespace

std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

std::string sha256_hex(std::span<const std::uint8_t> bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("OpenSSL EVP_Digest(sha256) failed");
  return to_hex(std::string_view(reinterpret_cast<const char*>(md), len));
}

std::string sha256_hex(std::string_view text) {
  return sha256_hex(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
            data.size(), md, &len))
    throw std::runtime_error("OpenSSL HMAC(sha256) failed");
  return std::string(reinterpret_cast<const char*>(md), len);
}

std::string uri_encode(std::string_view bytes, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size() * 3);
  for (unsigned char c : bytes) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                            c == '.' || c == '_' || c == '~';
    if (unreserved || (keep_slash && c == '/')) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string canonical_query(const Pairs& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [k, v] : query) encoded.emplace_back(uri_encode(k, false), uri_encode(v, false));
  std::sort(encoded.begin(), encoded.end());  // by encoded name, then encoded value (bytes)
  std::string out;
  for (const auto& [k, v] : encoded) {
    if (!out.empty()) out += '&';
    out += k;
    out += '=';
    out += v;
  }
  return out;
}

std::string canonical_request(const Request& request, const Options& options, std::string* signed_headers) {
  // std::map keeps names sorted; repeated names join with ',' in the order sent.
  std::map<std::string, std::string> headers;
  for (const auto& [name, value] : request.headers) {
    const std::string n = lower(name);
    if (n == "authorization") continue;
    auto [it, inserted] = headers.try_emplace(n, canonical_header_value(value));
    if (!inserted) it->second += "," + canonical_header_value(value);
  }
  std::string names;
  std::string block;
  for (const auto& [n, v] : headers) {
    if (!names.empty()) names += ';';
    names += n;
    block += n + ":" + v + "\n";
  }
  if (signed_headers) *signed_headers = names;
  const std::string payload = request.payload_hash.empty() ? std::string(kEmptySha256) : request.payload_hash;
  return request.method + "\n" + canonical_path(request.path, options.s3_path_rules) + "\n" +
         canonical_query(request.query) + "\n" + block + "\n" + names + "\n" + payload;
}

std::string string_to_sign(std::string_view amz_date, std::string_view scope, std::string_view creq) {
  return std::string(kAlgorithm) + "\n" + std::string(amz_date) + "\n" + std::string(scope) + "\n" + sha256_hex(creq);
}

std::string signing_key(std::string_view secret, std::string_view date, std::string_view region,
                        std::string_view service) {
  std::string k = hmac_sha256("AWS4" + std::string(secret), date);
  k = hmac_sha256(k, region);
  k = hmac_sha256(k, service);
  return hmac_sha256(k, "aws4_request");
}

Signature sign(const Request& request, const Credentials& credentials, const Options& options,
               std::string_view amz_date) {
  if (amz_date.size() != 16) throw std::invalid_argument("amz_date must look like 20150830T123600Z");
  const bool has_token = !credentials.session_token.empty();
  const std::string payload = request.payload_hash.empty() ? std::string(kEmptySha256) : request.payload_hash;

  Request r;
  r.method = request.method;
  r.path = request.path;
  r.query = request.query;
  r.payload_hash = payload;
  bool has_sha_header = false;
  for (const auto& h : request.headers) {
    const std::string n = lower(h.first);
    if (is_replaced_header(n, has_token)) continue;
    if (n == "x-amz-content-sha256") has_sha_header = true;
    r.headers.push_back(h);
  }
  Signature out;
  out.added_headers.emplace_back("x-amz-date", std::string(amz_date));
  if (has_token) out.added_headers.emplace_back("x-amz-security-token", credentials.session_token);
  if (options.add_content_sha256 && !has_sha_header) out.added_headers.emplace_back("x-amz-content-sha256", payload);
  r.headers.insert(r.headers.end(), out.added_headers.begin(), out.added_headers.end());

  std::string signed_headers;
  out.canonical_request = canonical_request(r, options, &signed_headers);
  const std::string date(amz_date.substr(0, 8));
  const std::string scope = date + "/" + options.region + "/" + options.service + "/aws4_request";
  out.string_to_sign = string_to_sign(amz_date, scope, out.canonical_request);
  out.signature = to_hex(hmac_sha256(signing_key(credentials.secret_access_key, date, options.region, options.service),
                                     out.string_to_sign));
  out.authorization = std::string(kAlgorithm) + " Credential=" + credentials.access_key_id + "/" + scope +
                      ", SignedHeaders=" + signed_headers + ", Signature=" + out.signature;
  out.added_headers.emplace_back("authorization", out.authorization);
  return out;
}

std::string amz_date_of(std::int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[20];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

}  // namespace nexus::plugins::aws::sigv4
