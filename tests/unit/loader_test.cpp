// The loader on real plugin files: ABI checks, pins, content-addressed copies.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "runtime/module.hpp"
#include "runtime/sha256.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using nexus::host::Module;
using nexus::host::ModuleLoadOptions;

namespace {

fs::path test_plugin(const std::string& id) { return fs::path(NEXUS_TEST_PLUGIN_DIR) / ("libnexus_" + id + ".so"); }

std::string load_error(const ModuleLoadOptions& o) {
  try {
    Module::load(o);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Loader, LoadsACompatiblePlainCPlugin) {
  auto m = Module::load({test_plugin("c_echo"), std::nullopt, {}, true});
  EXPECT_STREQ(m->descriptor().id, "c_echo");
  EXPECT_EQ(m->interfaces(), std::vector<std::string>{"nexus.tools/1"});
  EXPECT_TRUE(m->provides("nexus.tools/1"));
  EXPECT_FALSE(m->provides("nexus.storage/1"));
}

TEST(Loader, RefusesAnotherAbiMajorNamingFileVersionsAndFix) {
  const std::string why = load_error({test_plugin("abi_major2"), std::nullopt, {}, true});
  EXPECT_NE(why.find("libnexus_abi_major2.so"), std::string::npos) << why;
  EXPECT_NE(why.find("ABI 2.0"), std::string::npos) << why;
  EXPECT_NE(why.find("host speaks 1.1"), std::string::npos) << why;
  EXPECT_NE(why.find("not binary compatible"), std::string::npos) << why;
  EXPECT_NE(why.find("rebuild it against SDK 1.x"), std::string::npos) << why;
}

TEST(Loader, RefusesANewerMinorThanTheHost) {
  const std::string why = load_error({test_plugin("abi_newer_minor"), std::nullopt, {}, true});
  EXPECT_NE(why.find("libnexus_abi_newer_minor.so"), std::string::npos) << why;
  EXPECT_NE(why.find("ABI 1.2"), std::string::npos) << why;  // NEXUS_ABI_MINOR + 1
  EXPECT_NE(why.find("upgrade nexusd"), std::string::npos) << why;
}

TEST(Loader, AcceptsAnOlderMinorThanTheHost) {
  // The host is 1.1, so "older" is checked against a hypothetical 1.3 host:
  // the same rule the loader applies, with the host version as a parameter.
  auto m = Module::load({test_plugin("c_echo"), std::nullopt, {}, false});
  EXPECT_EQ(nexus::host::descriptor_problem(&m->descriptor(), "c_echo", 1, 3), "");
  EXPECT_NE(nexus::host::descriptor_problem(&m->descriptor(), "c_echo", 2, 0), "");
  nexus_plugin_descriptor newer = m->descriptor();
  newer.abi_minor = 4;
  EXPECT_NE(nexus::host::descriptor_problem(&newer, "c_echo", 1, 3).find("needs a newer host"), std::string::npos);
}

TEST(Loader, RefusesABuildSignatureMismatch) {
  auto m = Module::load({test_plugin("c_echo"), std::nullopt, {}, false});
  nexus_plugin_descriptor other = m->descriptor();
  other.build_signature.pointer_size = 4;
  const std::string why = nexus::host::descriptor_problem(&other, "x.so");
  EXPECT_NE(why.find("not binary compatible"), std::string::npos) << why;
}

TEST(Loader, RefusesADescriptorWithoutLifecycleFunctions) {
  auto m = Module::load({test_plugin("c_echo"), std::nullopt, {}, false});
  nexus_plugin_descriptor broken = m->descriptor();
  broken.on_instance_create = nullptr;
  EXPECT_NE(nexus::host::descriptor_problem(&broken, "x.so"), "");
  EXPECT_NE(nexus::host::descriptor_problem(nullptr, "x.so"), "");
}

TEST(Loader, ChecksTheSha256PinBeforeLoading) {
  const auto file = test_plugin("c_echo");
  const std::string good = nexus::host::sha256_file_hex(file);
  EXPECT_NO_THROW(Module::load({file, good, {}, true}));
  const std::string why = load_error({file, std::string(64, '0'), {}, true});
  EXPECT_NE(why.find("config pins 0000"), std::string::npos) << why;
  EXPECT_NE(why.find(good), std::string::npos) << why;
}

TEST(Loader, LoadsFromAContentAddressedCopySoARebuildLoadsFresh) {
  nexus::test::TempDir tmp;
  const fs::path plugin = tmp / "libnexus_c_echo.so";
  fs::copy_file(test_plugin("c_echo"), plugin);
  auto first = Module::load({plugin, std::nullopt, tmp / "cache", true});
  EXPECT_EQ(first->loaded_from().parent_path().filename().string(), first->sha256());
  EXPECT_TRUE(fs::exists(first->loaded_from()));

  // "Rebuild" the plugin at the same path: different bytes, same name.
  fs::copy_file(test_plugin("wrong_id"), plugin, fs::copy_options::overwrite_existing);
  auto second = Module::load({plugin, std::nullopt, tmp / "cache", true});
  EXPECT_NE(second->sha256(), first->sha256());
  EXPECT_NE(second->loaded_from(), first->loaded_from());
  EXPECT_STREQ(second->descriptor().id, "not_wrong_id");  // the new code, not the old mapping
  EXPECT_STREQ(first->descriptor().id, "c_echo");         // the old one still serves its callers
}

TEST(Loader, LoadingTheSameLibraryTwiceIsHarmless) {
  auto a = Module::load({test_plugin("c_echo"), std::nullopt, {}, true});
  auto b = Module::load({test_plugin("c_echo"), std::nullopt, {}, true});
  a.reset();
  EXPECT_STREQ(b->descriptor().id, "c_echo");
}

TEST(Loader, ExplainsAFileThatIsNotALibrary) {
  nexus::test::TempDir tmp;
  const fs::path bogus = tmp / "libnexus_bogus.so";
  { std::ofstream(bogus) << "not an ELF file"; }
  const std::string why = load_error({bogus, std::nullopt, {}, true});
  EXPECT_NE(why.find("cannot be loaded"), std::string::npos) << why;
  EXPECT_NE(why.find("libnexus_bogus.so"), std::string::npos) << why;
  EXPECT_NE(load_error({tmp / "missing.so", std::nullopt, {}, true}).find("does not exist"), std::string::npos);
}
