// broken_auth_allow_all — auth that trusts any bearer token and puts the
// token in the principal's claims: the two worst things an auth plugin can
// do. ABSTAINs correctly without credentials. A fixture for nexus-plugin-check.
#include <nexus/sdk/plugin.hpp>

namespace {

namespace sdk = nexus::sdk;

class AllowAll : public sdk::Auth {
 public:
  explicit AllowAll(const sdk::InstanceArgs&) {}

  sdk::AuthResult authenticate(sdk::CallContext&, const sdk::RequestView& request) override {
    const auto token = request.bearer_token();
    if (!token) return sdk::AuthResult::abstain();
    sdk::Principal p;  // THE BUG: no check at all, and the credential is echoed
    p.subject = "token-holder";
    p.scopes = {"*"};
    p.claims = {{"token", std::string(*token)}};
    return sdk::AuthResult::allow(std::move(p));
  }
};

}  // namespace

NEXUS_PLUGIN(AllowAll, .id = "broken_auth_allow_all", .version = "0.0.1",
             .description = "Test fixture: auth that allows any bearer token", .license = "Apache-2.0")
