#include "runtime/module.hpp"

#include <boost/dll/shared_library.hpp>

#include <unistd.h>

#include <cstring>
#include <fstream>
#include <random>
#include <stdexcept>
#include <system_error>

#include "runtime/sha256.hpp"

namespace nexus::host {

namespace fs = std::filesystem;

struct Module::Library {
  boost::dll::shared_library lib;
};

namespace {

std::string version_text(unsigned major, unsigned minor) { return std::to_string(major) + "." + std::to_string(minor); }

// Copies `src` to cache_dir/<sha256>/<filename> unless an intact copy is
// there. The copy is written to a temporary name and renamed, so a
// concurrent loader never sees half a file; the name is the content hash, so
// a rebuilt library at the same source path always loads fresh.
fs::path content_addressed_copy(const fs::path& src, const std::string& sha, const fs::path& cache_dir) {
  const fs::path dir = cache_dir / sha;
  const fs::path dst = dir / src.filename();
  std::error_code ec;
  if (fs::exists(dst, ec) && sha256_file_hex(dst) == sha) return dst;
  fs::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create plugin cache folder " + dir.string() + ": " + ec.message() +
                                   " — set \"state_dir\" in the config to a writable folder");
  std::random_device rd;
  const fs::path tmp = dir / (".tmp-" + std::to_string(rd()) + "-" + src.filename().string());
  fs::copy_file(src, tmp, fs::copy_options::overwrite_existing, ec);
  if (ec) throw std::runtime_error("cannot copy " + src.string() + " to " + tmp.string() + ": " + ec.message());
  if (sha256_file_hex(tmp) != sha) {
    fs::remove(tmp, ec);
    throw std::runtime_error(src.string() + " changed while it was being loaded; retry");
  }
  fs::rename(tmp, dst, ec);
  if (ec) throw std::runtime_error("cannot rename " + tmp.string() + " to " + dst.string() + ": " + ec.message());
  return dst;
}

}  // namespace

std::string descriptor_problem(const nexus_plugin_descriptor* d, const std::string& file, unsigned host_major,
                               unsigned host_minor) {
  const std::string host_v = version_text(host_major, host_minor);
  if (!d) return "plugin '" + file + "': its entry " NEXUS_PLUGIN_ENTRY_NAME " returned no descriptor";
  if (d->abi_major != host_major) {
    return "plugin '" + file + "': built for ABI " + version_text(d->abi_major, d->abi_minor) + ", host speaks " + host_v +
           " — the major versions differ, so the plugin is not binary compatible; rebuild it against SDK " +
           std::to_string(host_major) + ".x";
  }
  if (d->abi_minor > host_minor) {
    return "plugin '" + file + "': built for ABI " + version_text(d->abi_major, d->abi_minor) + ", host speaks " + host_v +
           " — the plugin needs a newer host; upgrade nexusd, or rebuild the plugin against SDK " + host_v;
  }
  if (d->struct_size < kMinDescriptorSize) {
    return "plugin '" + file + "': descriptor is " + std::to_string(d->struct_size) + " bytes, ABI " + host_v +
           " needs at least " + std::to_string(kMinDescriptorSize) + " — the plugin is corrupt or was built with a broken SDK";
  }
  const nexus_build_signature want = NEXUS_BUILD_SIGNATURE_INIT;
  const nexus_build_signature& got = d->build_signature;
  if (got.pointer_size != want.pointer_size || got.size_t_size != want.size_t_size || got.byte_order != want.byte_order) {
    return "plugin '" + file + "': is not binary compatible: built for pointer size " + std::to_string(got.pointer_size) +
           ", size_t " + std::to_string(got.size_t_size) + ", byte order " + std::to_string(got.byte_order) +
           "; this host has " + std::to_string(want.pointer_size) + ", " + std::to_string(want.size_t_size) + ", " +
           std::to_string(want.byte_order) + " — rebuild it for this machine";
  }
  if (!d->id || !*d->id) return "plugin '" + file + "': descriptor has no id";
  for (const char* p = d->id; *p; ++p) {
    const char c = *p;
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
      return "plugin '" + file + "': id '" + d->id + "' may only contain a-z, 0-9, '_' and '-'";
  }
  if (!d->interfaces) return "plugin '" + file + "': descriptor lists no interfaces";
  if (!d->on_instance_create || !d->on_instance_destroy || !d->on_get_interface)
    return "plugin '" + file + "': descriptor lacks on_instance_create, on_instance_destroy or on_get_interface";
  return {};
}

std::shared_ptr<Module> Module::load(const ModuleLoadOptions& o) {
  std::error_code ec;
  if (!fs::is_regular_file(o.file, ec))
    throw std::runtime_error("plugin file " + o.file.string() + " does not exist or is not a file");
  std::shared_ptr<Module> m(new Module());  // private constructor; make_shared cannot reach it
  m->file_ = o.file;
  m->sha256_ = sha256_file_hex(o.file);
  if (o.pin_sha256 && *o.pin_sha256 != m->sha256_) {
    throw std::runtime_error("plugin '" + o.file.string() + "': sha256 is " + m->sha256_ + " but the config pins " +
                             *o.pin_sha256 + " — the file is not the one you approved; rebuild or update the pin");
  }
  m->loaded_from_ = o.cache_dir.empty() ? o.file : content_addressed_copy(o.file, m->sha256_, o.cache_dir);
  m->lib_ = std::make_unique<Library>();
  try {
    m->lib_->lib.load(m->loaded_from_, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  } catch (const std::exception& e) {
    throw std::runtime_error("plugin '" + o.file.string() + "': cannot be loaded: " + e.what());
  }
  if (!m->lib_->lib.has(NEXUS_PLUGIN_ENTRY_NAME)) {
    throw std::runtime_error("plugin '" + o.file.string() + "': exports no " NEXUS_PLUGIN_ENTRY_NAME
                             " — is it a Nexus plugin? Build it with NEXUS_PLUGIN(...) or nexus_add_plugin()");
  }
  auto entry = m->lib_->lib.get<const nexus_plugin_descriptor*()>(NEXUS_PLUGIN_ENTRY_NAME);
  m->descriptor_ = entry();
  if (std::string why = descriptor_problem(m->descriptor_, o.file.string()); !why.empty()) throw std::runtime_error(why);
  if (o.init && m->descriptor_->on_module_init) {
    const nexus_status s = m->descriptor_->on_module_init();
    if (s != NEXUS_OK)
      throw std::runtime_error("plugin '" + o.file.string() + "': module init failed (" + nexus_status_name(s) + ")");
    m->initialised_ = true;
  }
  return m;
}

Module::~Module() {
  if (initialised_ && descriptor_ && descriptor_->on_module_deinit) descriptor_->on_module_deinit();
  // lib_ unloads when destroyed.
}

std::vector<std::string> Module::interfaces() const {
  std::vector<std::string> out;
  for (const char* const* p = descriptor_->interfaces; p && *p; ++p) out.emplace_back(*p);
  return out;
}

bool Module::provides(const std::string& id) const {
  for (const char* const* p = descriptor_->interfaces; p && *p; ++p)
    if (id == *p) return true;
  return false;
}

}  // namespace nexus::host
