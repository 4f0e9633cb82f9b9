// runtime/module.hpp — one loaded plugin library: found, pinned, copied to a
// content-addressed path, opened with Boost.DLL, its descriptor checked.
#pragma once

#include <nexus/plugin.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace nexus::host {

struct ModuleLoadOptions {
  std::filesystem::path file;             // the plugin as found
  std::optional<std::string> pin_sha256;  // must match when set
  std::filesystem::path cache_dir;        // content-addressed copies; empty: load in place
  bool init = true;                       // call on_module_init
};

class Module {
 public:
  // Throws std::runtime_error with a message naming the file, what is wrong
  // and how to fix it (ABI mismatch, pin mismatch, missing entry symbol).
  static std::shared_ptr<Module> load(const ModuleLoadOptions& options);
  ~Module();  // on_module_deinit (if init ran), then unload
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  const nexus_plugin_descriptor& descriptor() const noexcept { return *descriptor_; }
  const std::filesystem::path& file() const noexcept { return file_; }
  const std::filesystem::path& loaded_from() const noexcept { return loaded_from_; }
  const std::string& sha256() const noexcept { return sha256_; }
  std::vector<std::string> interfaces() const;
  bool provides(const std::string& interface_id) const;

 private:
  Module() = default;
  struct Library;
  std::unique_ptr<Library> lib_;
  const nexus_plugin_descriptor* descriptor_ = nullptr;
  std::filesystem::path file_, loaded_from_;
  std::string sha256_;
  bool initialised_ = false;
};

// Checks a descriptor against a host ABI (this host's by default). Returns
// "" when compatible, else the reason with the fix. `file` names the plugin.
std::string descriptor_problem(const nexus_plugin_descriptor* d, const std::string& file,
                               unsigned host_major = NEXUS_ABI_MAJOR, unsigned host_minor = NEXUS_ABI_MINOR);

// Smallest descriptor this host can read: every 1.0 member.
constexpr std::uint32_t kMinDescriptorSize = sizeof(nexus_plugin_descriptor);

}  // namespace nexus::host
