// nexus/sdk/plugin.hpp — turn a C++ class into a Nexus plugin.
//
//   class FsStorage : public nexus::sdk::Storage {
//    public:
//     explicit FsStorage(const nexus::sdk::InstanceArgs& args);
//     ... overrides ...
//   };
//   NEXUS_PLUGIN(FsStorage, .id = "fs", .version = "1.0.0",
//                .description = "Objects as files under a root directory",
//                .license = "Apache-2.0", .config_schema = kSchema,
//                .concurrency = NEXUS_CONCURRENCY_PARALLEL)
//
// The macro defines the one exported entry symbol and a constant descriptor
// stamped with this SDK's ABI version and the build signature, so neither
// can be forgotten. The interfaces the plugin provides follow from the kind
// bases the class derives from. Every exception is caught at the boundary.
#pragma once

#include <nexus/plugin.h>

#include <cstring>
#include <memory>
#include <string>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "nexus/sdk/auth.hpp"
#include "nexus/sdk/error.hpp"
#include "nexus/sdk/instance.hpp"
#include "nexus/sdk/io.hpp"
#include "nexus/sdk/prompts.hpp"
#include "nexus/sdk/resources.hpp"
#include "nexus/sdk/storage.hpp"
#include "nexus/sdk/tokens.hpp"
#include "nexus/sdk/tools.hpp"
#include "nexus/sdk/transcription.hpp"

namespace nexus::sdk {

// What a plugin says about itself (designated initializers in NEXUS_PLUGIN).
struct PluginInfo {
  const char* id = nullptr;
  const char* version = "0.0.0";
  const char* description = "";
  const char* license = "LicenseRef-Proprietary";
  const char* config_schema = R"({"type":"object","additionalProperties":false})";
  nexus_concurrency concurrency = NEXUS_CONCURRENCY_SERIAL;
};

namespace detail {

template <typename P>
struct PluginAdapter {
  static constexpr bool is_storage = std::is_base_of_v<Storage, P>;
  static constexpr bool is_auth = std::is_base_of_v<Auth, P>;
  static constexpr bool is_transcription = std::is_base_of_v<Transcription, P>;
  static constexpr bool is_tools = std::is_base_of_v<Tools, P>;
  static constexpr bool is_resources = std::is_base_of_v<Resources, P>;
  static constexpr bool is_prompts = std::is_base_of_v<Prompts, P>;
  static constexpr bool is_tokens = std::is_base_of_v<TokenIssuer, P>;
  static_assert(std::is_base_of_v<Instance, P>, "a plugin class must derive from at least one kind base (Storage, Auth, Transcription, Tools, Resources, Prompts)");
  static_assert(std::is_constructible_v<P, const InstanceArgs&>, "a plugin class needs a constructor P(const InstanceArgs&)");

  // NULL-terminated list of provided interface ids, in a fixed order.
  static const char* const* interface_list() noexcept {
    static const char* list[8] = {nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr};
    static const bool filled = [] {
      std::size_t n = 0;
      if (is_storage) list[n++] = NEXUS_STORAGE_V1;
      if (is_auth) list[n++] = NEXUS_AUTH_V1;
      if (is_transcription) list[n++] = NEXUS_TRANSCRIPTION_V1;
      if (is_tools) list[n++] = NEXUS_TOOLS_V1;
      if (is_resources) list[n++] = NEXUS_RESOURCES_V1;
      if (is_prompts) list[n++] = NEXUS_PROMPTS_V1;
      if (is_tokens) list[n++] = NEXUS_TOKENS_V1;
      return true;
    }();
    (void)filled;
    return list;
  }

  static nexus_status on_module_init() noexcept { return NEXUS_OK; }
  static void on_module_deinit() noexcept {}

  static nexus_status on_instance_create(const nexus_host* host, nexus_str name, nexus_str config_json, void** out_instance,
                                         const nexus_writer* error) noexcept {
    return guard([&] {
      if (!out_instance) throw invalid_argument("no slot for the instance pointer");
      nlohmann::json cfg = nlohmann::json::object();
      if (config_json.size) {
        cfg = nlohmann::json::parse(view(config_json), nullptr, false);
        if (cfg.is_discarded()) throw invalid_argument("config is not valid JSON");
      }
      InstanceArgs args{Host(host), std::string(view(name)), Config(std::move(cfg))};
      auto instance = std::make_unique<P>(args);
      *out_instance = instance.release();  // ownership returns in on_instance_destroy
    }, [&](std::string_view m) { Writer(error).write(m); });
  }

  static void on_instance_destroy(void* instance) noexcept {
    try {
      std::unique_ptr<P> owned(static_cast<P*>(instance));
    } catch (...) {
      // A destructor that throws is a bug; it must not cross the ABI.
    }
  }

  static const void* on_get_interface(const char* id) noexcept {
    if (!id) return nullptr;
    if constexpr (is_storage)
      if (std::strcmp(id, NEXUS_STORAGE_V1) == 0) return &StorageAdapter<P>::table;
    if constexpr (is_auth)
      if (std::strcmp(id, NEXUS_AUTH_V1) == 0) return &AuthAdapter<P>::table;
    if constexpr (is_transcription)
      if (std::strcmp(id, NEXUS_TRANSCRIPTION_V1) == 0) return &TranscriptionAdapter<P>::table;
    if constexpr (is_tools)
      if (std::strcmp(id, NEXUS_TOOLS_V1) == 0) return &ToolsAdapter<P>::table;
    if constexpr (is_resources)
      if (std::strcmp(id, NEXUS_RESOURCES_V1) == 0) return &ResourcesAdapter<P>::table;
    if constexpr (is_prompts)
      if (std::strcmp(id, NEXUS_PROMPTS_V1) == 0) return &PromptsAdapter<P>::table;
    if constexpr (is_tokens)
      if (std::strcmp(id, NEXUS_TOKENS_V1) == 0) return &TokensAdapter<P>::table;
    return nullptr;
  }

  static nexus_status on_instance_health(void* instance, const nexus_writer* detail) noexcept {
    return guard([&] { static_cast<Instance&>(*static_cast<P*>(instance)).health(); },
                 [&](std::string_view m) { Writer(detail).write(m); });
  }

  static nexus_plugin_descriptor make(const PluginInfo& info) noexcept {
    return nexus_plugin_descriptor{sizeof(nexus_plugin_descriptor),
                                   NEXUS_ABI_MAJOR,
                                   NEXUS_ABI_MINOR,
                                   NEXUS_BUILD_SIGNATURE_INIT,
                                   info.id,
                                   info.version,
                                   info.description,
                                   info.license,
                                   interface_list(),
                                   info.config_schema,
                                   info.concurrency,
                                   &on_module_init,
                                   &on_module_deinit,
                                   &on_instance_create,
                                   &on_instance_destroy,
                                   &on_get_interface,
                                   &on_instance_health};
  }
};

}  // namespace detail
}  // namespace nexus::sdk

// Defines the plugin's exported entry symbol. First argument: the plugin
// class; then designated initializers of nexus::sdk::PluginInfo.
#define NEXUS_PLUGIN(PluginClass, ...)                                                                   \
  NEXUS_EXTERN_C NEXUS_EXPORT const nexus_plugin_descriptor* nexus_plugin_entry_v1(void) {               \
    static const nexus_plugin_descriptor descriptor =                                                    \
        ::nexus::sdk::detail::PluginAdapter<PluginClass>::make(::nexus::sdk::PluginInfo{__VA_ARGS__});   \
    return &descriptor;                                                                                  \
  }
