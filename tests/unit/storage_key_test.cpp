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

TEST(StorageKey, RequiresWellFormedUtf8) {
  for (const std::string k : {"caf\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x8e\xa7/x", "\xf4\x8f\xbf\xbf"})
    EXPECT_EQ(problem(k), nullptr) << k;
  for (const std::string k : {"\xff", "a\xc3", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
                              "\xf8\x88\x80\x80\x80", "a/\x80" "b"})
    EXPECT_STREQ(problem(k), "key is not valid UTF-8") << k;
}
