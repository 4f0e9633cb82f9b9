// checks_auth.cpp — the contract of "nexus.auth/1" (auth.h): ABSTAIN on what
// is not yours, never ALLOW garbage, a principal of the right shape, and a
// credential that never shows up anywhere it could be logged.
#include <optional>

#include "check_util.hpp"
#include "checks.hpp"

namespace nexus::check {

namespace {

using nlohmann::json;

struct AuthOutcome {
  nexus_status status = NEXUS_INTERNAL;
  nexus_auth_decision decision = NEXUS_AUTH_ABSTAIN;
  std::string principal;
  std::string error;  // the DENY reason, or the message of a non-OK status
  std::vector<std::string> call_logs;
};

const char* decision_name(nexus_auth_decision d) {
  switch (d) {
    case NEXUS_AUTH_ABSTAIN:
      return "ABSTAIN";
    case NEXUS_AUTH_ALLOW:
      return "ALLOW";
    case NEXUS_AUTH_DENY:
      return "DENY";
    default:
      return "an unknown decision";
  }
}

class AuthCaller {
 public:
  AuthCaller(LoadedPlugin& plugin, Instance& instance, const nexus_auth_v1& table)
      : recorder_(plugin.recorder()), instance_(instance), t_(table) {}

  // A GET on the storage route group with these headers (names lower-case).
  AuthOutcome authenticate(const std::vector<Header>& headers, const std::string& what) const {
    std::vector<nexus_http_header> raw;
    for (const auto& h : headers) raw.push_back({str(h.name), str(h.value)});
    static const std::string method = "GET", path = "/v1/storage/nexus-check/object.txt", query = "",
                             remote = "127.0.0.1", group = "storage";
    const nexus_request_view request{sizeof(nexus_request_view),         str(method), str(path),   str(query),
                                     raw.empty() ? nullptr : raw.data(), raw.size(),  str(remote), str(group)};
    Call call(recorder_, "on_authenticate(" + what + ")");
    Sink& principal = call.sink("principal");
    // An out-of-enum value, so a plugin that forgets to set the decision is seen.
    auto decision = static_cast<nexus_auth_decision>(0x7eadbeef);
    AuthOutcome o;
    o.status =
        call.finish(t_.on_authenticate(instance_.handle(), call.context(), &request, &decision, principal.writer()));
    o.decision = decision;
    o.error = call.error();
    o.principal = principal.take();
    o.call_logs = call.logs();
    return o;
  }

 private:
  static nexus_str str(const std::string& s) noexcept { return nexus_str{s.data(), s.size()}; }
  Recorder& recorder_;
  Instance& instance_;
  const nexus_auth_v1& t_;
};

bool known_decision(nexus_auth_decision d) {
  return d == NEXUS_AUTH_ABSTAIN || d == NEXUS_AUTH_ALLOW || d == NEXUS_AUTH_DENY;
}

// Fails the check if the outcome is not a decision at all.
void require_decided(CheckScope& s, const AuthOutcome& o, const std::string& asked) {
  s.require(o.status == NEXUS_OK, asked + ": on_authenticate returned " + std::string(nexus_status_name(o.status)) +
                                      message_part(o.error) +
                                      "; it returns ok with a decision unless it could not decide at all");
  s.require(known_decision(o.decision), asked + ": the decision was left unset or is not ABSTAIN/ALLOW/DENY (" +
                                            std::to_string(static_cast<long>(o.decision)) + ")");
}

// Places the plugin wrote text that a person or a log may see.
std::vector<std::string> leaks(const AuthOutcome& o, const std::string& secret, const Recorder& recorder) {
  std::vector<std::string> where;
  if (secret.empty()) return where;
  if (o.principal.find(secret) != std::string::npos) where.push_back("the principal JSON");
  if (o.error.find(secret) != std::string::npos) where.push_back("the reason (callback_set_error)");
  for (const auto& line : recorder.logs())
    if (line.find(secret) != std::string::npos) {
      where.push_back("a log line: " + excerpt(line, 80));
      break;
    }
  return where;
}

void check_principal_shape(CheckScope& s, const std::string& text) {
  const json p = parse_plugin_json(text, "the principal JSON", s);
  s.require(p.is_object(), "the principal is not a JSON object: " + excerpt(text));
  s.expect(p.contains("subject") && p["subject"].is_string() && !p["subject"].get<std::string>().empty(),
           "the principal has no non-empty \"subject\" string: " + excerpt(text));
  bool scopes_ok = p.contains("scopes") && p["scopes"].is_array();
  if (scopes_ok)
    for (const auto& sc : p["scopes"]) scopes_ok = scopes_ok && sc.is_string();
  s.expect(scopes_ok, "the principal's \"scopes\" is not an array of strings: " + excerpt(text));
  s.expect(p.contains("claims") && p["claims"].is_object(),
           "the principal's \"claims\" is not an object: " + excerpt(text));
}

struct AuthRun {
  CheckEnv& env;
  AuthCaller a;
  std::optional<AuthCaller> b;
  std::string garbage;  // a bearer token nobody issued
  std::optional<AuthOutcome> garbage_outcome, allow_outcome;
};

void check_no_credentials(AuthRun& run, CheckScope& s) {
  const AuthOutcome o = run.a.authenticate({}, "no credentials");
  require_decided(s, o, "a request with no credentials");
  s.expect(o.decision == NEXUS_AUTH_ABSTAIN,
           std::string("a request with no credentials got ") + decision_name(o.decision) +
               "; auth.h says ABSTAIN when there is nothing of yours, so the next instance can decide");
  s.expect(o.principal.empty() || o.decision == NEXUS_AUTH_ALLOW,
           "a principal was written without ALLOW: " + excerpt(o.principal));
}

void check_garbage_bearer(AuthRun& run, CheckScope& s) {
  run.garbage_outcome = run.a.authenticate({{"authorization", "Bearer " + run.garbage}}, "garbage bearer token");
  const AuthOutcome& o = *run.garbage_outcome;
  require_decided(s, o, "'Authorization: Bearer <garbage>'");
  s.expect(o.decision != NEXUS_AUTH_ALLOW, "'Authorization: Bearer <a token nobody issued>' was ALLOWed (principal " +
                                               excerpt(o.principal, 160) + "); it must be DENY or ABSTAIN");
  if (o.decision == NEXUS_AUTH_DENY)
    s.expect(!o.error.empty(),
             "DENY without a reason; say why with callback_set_error (without echoing the credential)");
}

void check_allow_header(AuthRun& run, CheckScope& s) {
  const auto& h = run.env.options.auth_allow_header;
  if (!h) s.skip("no --auth-allow-header given, so no request is known to be valid");
  run.allow_outcome = run.a.authenticate({*h}, "--auth-allow-header");
  const AuthOutcome& o = *run.allow_outcome;
  require_decided(s, o, "the --auth-allow-header request");
  s.require(o.decision == NEXUS_AUTH_ALLOW, "the request with header '" + h->name +
                                                "' (from --auth-allow-header) got " + decision_name(o.decision) +
                                                message_part(o.error) + "; expected ALLOW");
  check_principal_shape(s, o.principal);
}

void check_credentials_not_leaked(AuthRun& run, CheckScope& s) {
  const Recorder& recorder = run.env.plugin.recorder();
  if (run.garbage_outcome) {
    const auto where = leaks(*run.garbage_outcome, run.garbage, recorder);
    s.expect(where.empty(), "the garbage bearer token appears in " + first_few(where) + "; never echo a credential");
  }
  if (run.allow_outcome) {
    const auto where = leaks(*run.allow_outcome, run.env.options.auth_allow_header->value, recorder);
    s.expect(where.empty(),
             "the value of the --auth-allow-header appears in " + first_few(where) + "; never echo a credential");
  }
}

void check_two_instances(AuthRun& run, CheckScope& s) {
  s.require(run.b.has_value(), "no second instance (see common.two_instances)");
  const AuthOutcome first = run.a.authenticate({{"authorization", "Bearer " + run.garbage}}, "garbage, first instance");
  const AuthOutcome second =
      run.b->authenticate({{"authorization", "Bearer " + run.garbage}}, "garbage, second instance");
  require_decided(s, first, "the first instance");
  require_decided(s, second, "the second instance");
  s.expect(second.decision != NEXUS_AUTH_ALLOW, "the second instance ALLOWed a garbage bearer token");
  if (!run.env.separate_configs) {
    s.expect(first.decision == second.decision,
             std::string("two instances with the same config decided differently: ") + decision_name(first.decision) +
                 " and " + decision_name(second.decision));
    if (const auto& h = run.env.options.auth_allow_header) {
      const AuthOutcome allowed = run.b->authenticate({*h}, "--auth-allow-header, second instance");
      s.expect(allowed.status == NEXUS_OK && allowed.decision == NEXUS_AUTH_ALLOW,
               "the second instance (same config) did not ALLOW the --auth-allow-header request");
    }
  }
}

void check_concurrent(AuthRun& run, CheckScope& s) {
  if (!run.env.plugin.parallel())
    s.skip("the plugin declares NEXUS_CONCURRENCY_SERIAL; the host never calls it concurrently");
  const auto failures = run_in_threads(8, [&](int t, const std::function<void(std::string)>& fail) {
    for (int i = 0; i < 25; ++i) {
      const AuthOutcome none = run.a.authenticate({}, "no credentials, thread " + std::to_string(t));
      if (none.status != NEXUS_OK || none.decision != NEXUS_AUTH_ABSTAIN)
        return fail("thread " + std::to_string(t) + ": no credentials got " + decision_name(none.decision) + " / " +
                    nexus_status_name(none.status));
      const AuthOutcome garbage =
          run.a.authenticate({{"authorization", "Bearer " + run.garbage}}, "garbage, thread " + std::to_string(t));
      if (garbage.status != NEXUS_OK || garbage.decision == NEXUS_AUTH_ALLOW)
        return fail("thread " + std::to_string(t) + ": garbage bearer got " + decision_name(garbage.decision) + " / " +
                    nexus_status_name(garbage.status));
      if (const auto& h = run.env.options.auth_allow_header) {
        const AuthOutcome ok = run.a.authenticate({*h}, "--auth-allow-header, thread " + std::to_string(t));
        if (ok.status != NEXUS_OK || ok.decision != NEXUS_AUTH_ALLOW)
          return fail("thread " + std::to_string(t) + ": the --auth-allow-header request got " +
                      decision_name(ok.decision));
      }
    }
  });
  s.expect(failures.empty(), "8 threads authenticating at once: " + first_few(failures));
}

}  // namespace

void run_auth_checks(CheckEnv& env) {
  const auto* table = env.plugin.table<nexus_auth_v1>(NEXUS_AUTH_V1);
  if (!table || !table->on_authenticate) {
    env.report.fail("auth.interface",
                    "no usable nexus.auth/1 table (NULL, too small, or NULL entries; see common.interface_tables)");
    return;
  }
  AuthRun run{
      env, AuthCaller(env.plugin, *env.primary, *table), std::nullopt, "nexus-check-garbage-" + random_hex(16), {}, {}};
  if (env.secondary) run.b.emplace(env.plugin, *env.secondary, *table);
  Report& r = env.report;
  auto run_check = [&](const char* name, void (*fn)(AuthRun&, CheckScope&)) {
    r.run(name, [&](CheckScope& s) { fn(run, s); });
  };
  run_check("auth.no_credentials_abstain", check_no_credentials);
  run_check("auth.garbage_bearer_not_allowed", check_garbage_bearer);
  run_check("auth.allow_header", check_allow_header);
  run_check("auth.credentials_not_leaked", check_credentials_not_leaked);
  run_check("auth.two_instances", check_two_instances);
  run_check("auth.concurrent_calls", check_concurrent);
}

}  // namespace nexus::check
