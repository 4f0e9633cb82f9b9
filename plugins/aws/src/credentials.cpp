#include "nexus_aws/credentials.hpp"

#include <nexus/sdk/error.hpp>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>
#include <vector>

#include <nlohmann/json.hpp>

namespace nexus::plugins::aws {
namespace {

using Clock = std::chrono::system_clock;

constexpr const char* kEcsBase = "http://169.254.170.2";
constexpr const char* kImdsBase = "http://169.254.169.254";
// Metadata endpoints answer in milliseconds or not at all (not on AWS):
// keep the probe short so startup off AWS is not slow.
constexpr long kMetadataTimeoutMs = 2000;
constexpr long kMetadataConnectMs = 1000;

std::optional<std::string> env(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return std::nullopt;
  return std::string(v);
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return std::string(s);
}

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// ECS and IMDS answer with the same JSON shape.
SourcedCredentials parse_credentials_json(const std::string& body, const std::string& source) {
  const auto j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("AccessKeyId") || !j.contains("SecretAccessKey"))
    throw std::runtime_error(source + " answered without AccessKeyId/SecretAccessKey");
  if (j.contains("Code") && j["Code"].is_string() && j["Code"] != "Success")
    throw std::runtime_error(source + " answered Code " + j["Code"].get<std::string>());
  SourcedCredentials c;
  c.keys.access_key_id = j["AccessKeyId"].get<std::string>();
  c.keys.secret_access_key = j["SecretAccessKey"].get<std::string>();
  if (j.contains("Token") && j["Token"].is_string()) c.keys.session_token = j["Token"].get<std::string>();
  if (j.contains("Expiration") && j["Expiration"].is_string()) {
    c.expiration = parse_iso8601(j["Expiration"].get<std::string>());
    if (!c.expiration) throw std::runtime_error(source + " answered an unreadable Expiration");
  }
  c.source = source;
  return c;
}

http::Response metadata_call(http::Pool& pool, const std::string& method, const std::string& url,
                             http::Headers headers) {
  http::Request r;
  r.method = method;
  r.url = url;
  r.headers = std::move(headers);
  r.timeout_ms = kMetadataTimeoutMs;
  r.connect_timeout_ms = kMetadataConnectMs;
  return http::perform(pool, r);
}

SourcedCredentials fetch_ecs(http::Pool& pool, const std::string& url) {
  http::Headers headers;
  if (auto token = env("AWS_CONTAINER_AUTHORIZATION_TOKEN")) {
    headers.emplace_back("Authorization", *token);
  } else if (auto file = env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) {
    const auto text = read_file(*file);
    if (!text) throw std::runtime_error("cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE " + *file);
    headers.emplace_back("Authorization", trim(*text));
  }
  const auto r = metadata_call(pool, "GET", url, std::move(headers));
  if (r.status != 200) throw std::runtime_error("ECS endpoint " + url + " answered HTTP " + std::to_string(r.status));
  return parse_credentials_json(r.body, "ECS container endpoint " + url);
}

SourcedCredentials fetch_imds(http::Pool& pool, const std::string& base) {
  // IMDSv2: a session token first (PUT with a TTL), then every GET carries it.
  const auto token =
      metadata_call(pool, "PUT", base + "/latest/api/token", {{"X-aws-ec2-metadata-token-ttl-seconds", "21600"}});
  if (token.status != 200) throw std::runtime_error("IMDS token PUT answered HTTP " + std::to_string(token.status));
  const http::Headers auth{{"X-aws-ec2-metadata-token", trim(token.body)}};
  const auto role = metadata_call(pool, "GET", base + "/latest/meta-data/iam/security-credentials/", auth);
  if (role.status != 200)
    throw std::runtime_error("IMDS role lookup answered HTTP " + std::to_string(role.status) +
                             " (no instance profile?)");
  const std::string name = trim(role.body.substr(0, role.body.find('\n')));
  if (name.empty()) throw std::runtime_error("IMDS lists no IAM role for this instance");
  const auto creds = metadata_call(pool, "GET", base + "/latest/meta-data/iam/security-credentials/" + name, auth);
  if (creds.status != 200)
    throw std::runtime_error("IMDS credentials of role '" + name + "' answered HTTP " + std::to_string(creds.status));
  return parse_credentials_json(creds.body, "EC2 instance metadata (role " + name + ")");
}

std::string describe(const std::exception& e) {
  if (const auto* t = dynamic_cast<const http::TransportError*>(&e)) return std::string("unreachable: ") + t->what();
  return e.what();
}

}  // namespace

std::optional<Clock::time_point> parse_iso8601(std::string_view text) {
  const std::string s(text);
  std::tm tm{};
  int consumed = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                  &tm.tm_sec, &consumed) != 6)
    return std::nullopt;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  std::size_t i = static_cast<std::size_t>(consumed);
  if (i < s.size() && s[i] == '.')
    for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
    }
  long offset = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int oh = 0, om = 0;
    if (std::sscanf(s.c_str() + i + 1, "%2d:%2d", &oh, &om) != 2) return std::nullopt;
    offset = (s[i] == '+' ? 1 : -1) * (oh * 3600L + om * 60L);
  } else if (i >= s.size() || (s[i] != 'Z' && s[i] != 'z')) {
    return std::nullopt;
  }
  const std::time_t t = timegm(&tm);
  return Clock::from_time_t(t - offset);
}

std::optional<StaticKeys> parse_credentials_file(std::string_view text, std::string_view profile) {
  std::istringstream in{std::string(text)};
  std::string line;
  bool in_profile = false;
  StaticKeys keys;
  bool seen = false;
  while (std::getline(in, line)) {
    const std::string t = trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (t.front() == '[' && t.back() == ']') {
      std::string name = trim(std::string_view(t).substr(1, t.size() - 2));
      if (name.rfind("profile ", 0) == 0) name = trim(std::string_view(name).substr(8));  // config-file spelling
      in_profile = name == profile;
      seen = seen || in_profile;
      continue;
    }
    if (!in_profile) continue;
    const auto eq = t.find('=');
    if (eq == std::string::npos) continue;
    std::string key = trim(std::string_view(t).substr(0, eq));
    for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const std::string value = trim(std::string_view(t).substr(eq + 1));
    if (key == "aws_access_key_id")
      keys.access_key_id = value;
    else if (key == "aws_secret_access_key")
      keys.secret_access_key = value;
    else if (key == "aws_session_token" || key == "aws_security_token")
      keys.session_token = value;
  }
  if (!seen || keys.access_key_id.empty() || keys.secret_access_key.empty()) return std::nullopt;
  return keys;
}

CredentialProvider::CredentialProvider(StaticKeys config_keys, http::Pool& pool) : pool_(pool) {
  std::vector<std::string> looked;

  // 1. config
  if (!config_keys.access_key_id.empty() || !config_keys.secret_access_key.empty()) {
    if (config_keys.access_key_id.empty() || config_keys.secret_access_key.empty())
      throw sdk::invalid_argument(
          "config.access_key_id and config.secret_access_key must be set together (only one is set)");
    current_ = {
        {config_keys.access_key_id, config_keys.secret_access_key, config_keys.session_token}, "config", std::nullopt};
    return;
  }
  looked.push_back("config.access_key_id/secret_access_key (not set)");

  // 2. environment
  const auto env_id = env("AWS_ACCESS_KEY_ID");
  const auto env_secret = env("AWS_SECRET_ACCESS_KEY");
  if (env_id && env_secret) {
    current_ = {{*env_id, *env_secret, env("AWS_SESSION_TOKEN").value_or("")}, "env AWS_ACCESS_KEY_ID", std::nullopt};
    return;
  }
  looked.push_back(env_id || env_secret ? "env AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (only one of the two is set)"
                                        : "env AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (not set)");

  // 3. shared credentials file
  const std::string profile = env("AWS_PROFILE").value_or("default");
  std::string file;
  if (auto f = env("AWS_SHARED_CREDENTIALS_FILE"))
    file = *f;
  else if (auto home = env("HOME"))
    file = *home + "/.aws/credentials";
  if (file.empty()) {
    looked.push_back("shared credentials file (neither AWS_SHARED_CREDENTIALS_FILE nor HOME is set)");
  } else if (const auto text = read_file(file); !text) {
    looked.push_back("profile '" + profile + "' in " + file + " (file not found or unreadable)");
  } else if (const auto keys = parse_credentials_file(*text, profile); !keys) {
    looked.push_back("profile '" + profile + "' in " + file +
                     " (no such profile, or it lacks aws_access_key_id/aws_secret_access_key)");
  } else {
    current_ = {{keys->access_key_id, keys->secret_access_key, keys->session_token},
                "profile '" + profile + "' in " + file,
                std::nullopt};
    return;
  }

  // 4. ECS container endpoint
  std::string ecs_url;
  if (auto rel = env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"))
    ecs_url = env("NEXUS_TEST_ECS_ENDPOINT").value_or(kEcsBase) + *rel;
  else if (auto full = env("AWS_CONTAINER_CREDENTIALS_FULL_URI"))
    ecs_url = *full;
  if (ecs_url.empty()) {
    looked.push_back("ECS container endpoint (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI not set)");
  } else {
    try {
      Fetch fetch = [&pool, ecs_url] { return fetch_ecs(pool, ecs_url); };
      current_ = fetch();
      refresh_ = std::move(fetch);
      return;
    } catch (const std::exception& e) {
      looked.push_back("ECS container endpoint " + ecs_url + " (" + describe(e) + ")");
    }
  }

  // 5. EC2 instance metadata (IMDSv2)
  const bool imds_disabled = env("AWS_EC2_METADATA_DISABLED").value_or("") == "true";
  const std::string imds =
      env("NEXUS_TEST_IMDS_ENDPOINT").value_or(env("AWS_EC2_METADATA_SERVICE_ENDPOINT").value_or(kImdsBase));
  if (imds_disabled) {
    looked.push_back("EC2 instance metadata (disabled by AWS_EC2_METADATA_DISABLED=true)");
  } else {
    try {
      Fetch fetch = [&pool, base = imds] { return fetch_imds(pool, base); };
      current_ = fetch();
      refresh_ = std::move(fetch);
      return;
    } catch (const std::exception& e) {
      looked.push_back("EC2 instance metadata " + imds + " (" + describe(e) + ")");
    }
  }

  std::string msg = "no AWS credentials found; looked in: ";
  for (std::size_t i = 0; i < looked.size(); ++i) msg += (i ? "; " : "") + std::to_string(i + 1) + ". " + looked[i];
  msg +=
      ". Fix: set config.access_key_id and config.secret_access_key (secrets), or export AWS_ACCESS_KEY_ID and "
      "AWS_SECRET_ACCESS_KEY, or AWS_PROFILE with a credentials file, or run with an ECS task role or EC2 instance "
      "profile";
  throw sdk::failed_precondition(msg);
}

sigv4::Credentials CredentialProvider::get() {
  std::lock_guard lock(mutex_);
  if (refresh_ && current_.expiration && Clock::now() >= *current_.expiration - kRefreshBefore) {
    try {
      current_ = refresh_();
    } catch (const std::exception& e) {
      // Keys that still work are better than none: retry next call.
      if (Clock::now() >= *current_.expiration)
        throw sdk::unavailable("AWS credentials from " + current_.source +
                               " expired and refreshing them failed: " + describe(e));
    }
  }
  return current_.keys;
}

std::string CredentialProvider::source() const {
  std::lock_guard lock(mutex_);
  return current_.source;
}

}  // namespace nexus::plugins::aws
