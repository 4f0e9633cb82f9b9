// nexus/sdk/prompts.hpp — serve MCP prompts ("nexus.prompts/1") by deriving
// from nexus::sdk::Prompts.
#pragma once

#include <nexus/prompts.h>

#include <string_view>

#include <nlohmann/json.hpp>

#include "nexus/sdk/context.hpp"
#include "nexus/sdk/error.hpp"
#include "nexus/sdk/instance.hpp"
#include "nexus/sdk/io.hpp"
#include "nexus/sdk/resources.hpp"

namespace nexus::sdk {

// A prompt message with text content.
inline nlohmann::json user_text(std::string_view text) {
  return {{"role", "user"}, {"content", {{"type", "text"}, {"text", std::string(text)}}}};
}

class Prompts : public virtual Instance {
 public:
  // JSON array of MCP Prompt objects; see prompts.h.
  virtual nlohmann::json list_prompts(CallContext& ctx) = 0;
  // A GetPromptResult; throw not_found / invalid_argument.
  virtual nlohmann::json get_prompt(CallContext& ctx, std::string_view name, const nlohmann::json& arguments) = 0;
  // Suggestions for a prompt argument; none by default.
  virtual nlohmann::json complete_prompt_argument(CallContext&, std::string_view /*prompt*/, std::string_view /*argument*/,
                                                  std::string_view /*partial*/, const nlohmann::json& /*context*/) {
    return completion_values({});
  }
};

namespace detail {

template <typename P>
struct PromptsAdapter {
  static Prompts& self(void* inst) noexcept { return *static_cast<P*>(inst); }
  static nexus_status on_list_prompts(void* inst, const nexus_call_context* c, const nexus_writer* out) noexcept {
    CallContext ctx(c);
    return guard([&] {
      const nlohmann::json r = self(inst).list_prompts(ctx);
      if (!r.is_array()) throw internal("list_prompts must return a JSON array");
      Writer(out).write(r.dump());
    }, [&](std::string_view m) { ctx.set_error(m); });
  }
  static nexus_status on_get_prompt(void* inst, const nexus_call_context* c, nexus_str name, nexus_str arguments_json,
                                    const nexus_writer* out) noexcept {
    CallContext ctx(c);
    return guard([&] {
      const nlohmann::json r = self(inst).get_prompt(ctx, view(name), parse_object_or_empty(arguments_json, "prompt arguments"));
      if (!r.is_object() || !r.contains("messages")) throw internal("get_prompt must return {\"messages\": [...]}");
      Writer(out).write(r.dump());
    }, [&](std::string_view m) { ctx.set_error(m); });
  }
  static nexus_status on_complete(void* inst, const nexus_call_context* c, nexus_str prompt, nexus_str argument,
                                  nexus_str partial, nexus_str context_json, const nexus_writer* out) noexcept {
    CallContext ctx(c);
    return guard([&] {
      const nlohmann::json r = self(inst).complete_prompt_argument(ctx, view(prompt), view(argument), view(partial),
                                                                   parse_object_or_empty(context_json, "completion context"));
      Writer(out).write(r.dump());
    }, [&](std::string_view m) { ctx.set_error(m); });
  }
  static constexpr nexus_prompts_v1 table{sizeof(nexus_prompts_v1), &on_list_prompts, &on_get_prompt, &on_complete};
};

}  // namespace detail
}  // namespace nexus::sdk
