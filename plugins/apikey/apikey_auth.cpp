#include "apikey_auth.hpp"

#include <string>

namespace nexus::plugins::apikey {
namespace {

bool looks_like_jwt(std::string_view token) {
  std::size_t dots = 0;
  for (char c : token) dots += c == '.';
  return dots == 2 && token.front() != '.' && token.back() != '.';
}

}  // namespace

ApiKeyAuth::ApiKeyAuth(const sdk::InstanceArgs& args) : table_(read_key_table(args.config)) {
  std::string ids;
  for (const auto& k : table_.keys) ids += (ids.empty() ? "" : ", ") + k.id;
  args.host.info("apikey: " + std::to_string(table_.keys.size()) + " key(s) loaded (" + ids + "), header '" + table_.header + "'");
}

sdk::AuthResult ApiKeyAuth::authenticate(sdk::CallContext&, const sdk::RequestView& request) {
  // The dedicated header is unambiguously ours; a Bearer token may be.
  std::optional<std::string_view> credential = request.header(table_.header);
  const bool from_bearer = !credential || credential->empty();
  if (from_bearer) credential = request.bearer_token();
  if (!credential || credential->empty()) return sdk::AuthResult::abstain();

  Digest presented = sha256(*credential);
  // Compare against every key, in constant time each, without stopping at a
  // match: how long this takes must not say which key (or whether one) matched.
  std::size_t match = table_.keys.size();
  for (std::size_t i = 0; i < table_.keys.size(); ++i) {
    const bool equal = digests_equal(presented, table_.keys[i].digest);
    match = equal ? i : match;
  }
  wipe(presented);
  if (match == table_.keys.size()) {
    // A Bearer token shaped like a JWT (three dot-separated parts) that is
    // not one of our keys belongs to another provider in the chain (jwt,
    // bearer): abstain so it gets its turn, rather than deny it here.
    if (from_bearer && looks_like_jwt(*credential)) return sdk::AuthResult::abstain();
    return sdk::AuthResult::deny("API key not recognised");
  }

  return sdk::AuthResult::allow_serialised(table_.keys[match].principal_json);
}

}  // namespace nexus::plugins::apikey
