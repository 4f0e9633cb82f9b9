// The one key rule every storage backend and the host apply (storage.h).
#include <gtest/gtest.h>

#include <nexus/storage.h>

#include <string>

namespace {
const char* problem(const std::string& k) { return nexus_storage_key_problem({k.data(), k.size()}); }
}  // namespace

TEST(StorageKey, AcceptsOrdinaryKeys) {
  for (const std::string k : {"a", "a/b", "recordings/2026/call-1.wav", "with space/ü.txt", "..a/b..", ".hidden/x", "a/.b"})
    EXPECT_EQ(problem(k), nullptr) << k;
  EXPECT_EQ(problem(std::string(1024, 'k')), nullptr);
}

TEST(StorageKey, RefusesEverythingThatCouldEscapeARoot) {
  const std::string nul("a\0b", 3);
  for (const std::string k : {"", "/etc/passwd", "..", "../x", "a/../../x", "a/..", "./a", "a/./b", "a//b", "a/",
                              "a\\..\\b", "a\x01" "b", "a\x7f"})
    EXPECT_NE(problem(k), nullptr) << "'" << k << "'";
  EXPECT_NE(problem(nul), nullptr);
  EXPECT_NE(problem(std::string(1025, 'k')), nullptr);
  EXPECT_STREQ(problem("a/../b"), "key has a '..' segment");
}
