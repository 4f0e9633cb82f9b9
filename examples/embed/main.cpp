// Embedding Nexus: load a config, start the registry without HTTP, and call
// instances directly. Usage: nexus_embed_example CONFIG [PLUGIN_DIR...]
#include <cstdio>
#include <string>
#include <vector>

#include "nexus/host/config.hpp"
#include "nexus/host/runtime.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s CONFIG [PLUGIN_DIR...]\n", argv[0]);
    return 2;
  }
  try {
    nexus::host::RuntimeOptions options;
    for (int i = 2; i < argc; ++i) options.plugin_dirs.emplace_back(argv[i]);
    auto runtime = nexus::host::Runtime::start(nexus::host::load_config_file(argv[1]), options);

    // Store an object and read it back.
    auto store = runtime->storage("scratch");
    const std::string text = "hello from an embedding application";
    std::string info;
    auto put = store.put({}, {.key = "greetings/hello.txt",
                              .body = {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()},
                              .content_type = "text/plain"},
                         &info);
    if (!put.ok()) throw std::runtime_error("put failed: " + put.message);
    std::printf("stored: %s\n", info.c_str());

    std::string body;
    auto get = store.get({}, "greetings/hello.txt", std::nullopt, nullptr, [&](const void* d, std::size_t n) {
      body.append(static_cast<const char*>(d), n);
      return true;
    });
    if (!get.ok() || body != text) throw std::runtime_error("get failed: " + get.message);
    std::printf("read back: %s\n", body.c_str());

    // Call a tool of every tools instance.
    for (const auto& name : runtime->instances_providing(NEXUS_TOOLS_V1)) {
      std::string result;
      auto call = runtime->tools(name).call_tool({}, "echo", R"({"text":"ping"})", &result);
      if (!call.ok()) throw std::runtime_error("tool call failed: " + call.message);
      std::printf("tool %s.echo: %s\n", name.c_str(), result.c_str());
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "nexus_embed_example: %s\n", e.what());
    return 1;
  }
}
