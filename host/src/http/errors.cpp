// http/errors.cpp — see errors.hpp.
#include "http/errors.hpp"

#include <nlohmann/json.hpp>

namespace nexus::host::http {

Reply json_reply(int http_status, std::string body) {
  Reply r;
  r.status = http_status;
  r.body = std::move(body);
  r.header("Content-Type", "application/json");
  return r;
}

Reply error_reply(int http_status, std::string_view code, std::string_view message) {
  nlohmann::json j;
  j["error"]["code"] = code;
  j["error"]["message"] = message;
  // `replace`: a plugin message with invalid UTF-8 must not turn an error
  // into an exception while reporting it.
  return json_reply(http_status, j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

Reply error_reply(nexus_status status, std::string_view message) {
  return error_reply(http_status_for(status), nexus_status_name(status), message);
}

Reply error_reply(const CallOutcome& outcome, std::string_view what) {
  if (!outcome.message.empty()) return error_reply(outcome.status, outcome.message);
  return error_reply(outcome.status, std::string(what) + " failed with status " + nexus_status_name(outcome.status) +
                                         " and no message from the plugin");
}

std::string joined_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "(none)" : out;
}

}  // namespace nexus::host::http
