// The per-thread cache of parsed principals (http/principal_cache.hpp): a hit
// only for the same auth instance and the very same text, bounded in entries
// and in the size of what it keeps.
#include <gtest/gtest.h>

#include <string>

#include "http/principal_cache.hpp"

namespace nexus::host::http {
namespace {

Principal principal_of(const std::string& subject) {
  Principal p;
  p.authenticated = true;
  p.subject = subject;
  p.auth_instance = "keys";
  p.scopes = {"storage:read", "tools:" + subject};
  p.json = R"({"auth":"keys","subject":")" + subject + "\"}";
  return p;
}

std::string text_of(const std::string& subject) { return R"({"subject":")" + subject + "\"}"; }

TEST(PrincipalCache, AnEmptyCacheFindsNothing) {
  PrincipalCache cache;
  EXPECT_EQ(cache.find("keys", text_of("a")), nullptr);
}

TEST(PrincipalCache, FindsWhatWasRememberedForTheSameInstanceAndText) {
  PrincipalCache cache;
  cache.remember("keys", text_of("a"), principal_of("a"));
  const Principal* p = cache.find("keys", text_of("a"));
  ASSERT_NE(p, nullptr);
  EXPECT_TRUE(p->authenticated);
  EXPECT_EQ(p->subject, "a");
  EXPECT_EQ(p->auth_instance, "keys");
  EXPECT_EQ(p->scopes, (std::vector<std::string>{"storage:read", "tools:a"}));
  EXPECT_EQ(p->json, principal_of("a").json);
}

TEST(PrincipalCache, AnotherInstanceOrAnyOtherTextIsAMiss) {
  PrincipalCache cache;
  cache.remember("keys", text_of("a"), principal_of("a"));
  EXPECT_EQ(cache.find("sso", text_of("a")), nullptr);      // same text from another auth instance
  EXPECT_EQ(cache.find("keys", text_of("b")), nullptr);     // another caller
  EXPECT_EQ(cache.find("keys", text_of("a") + " "), nullptr);  // not equal byte for byte
  EXPECT_EQ(cache.find("keys", ""), nullptr);
}

TEST(PrincipalCache, DistinctCallersKeepTheirOwnPrincipals) {
  PrincipalCache cache;
  cache.remember("keys", text_of("ops"), principal_of("ops"));
  cache.remember("keys", text_of("ci"), principal_of("ci"));
  for (int round = 0; round < 3; ++round) {
    ASSERT_NE(cache.find("keys", text_of("ops")), nullptr);
    EXPECT_EQ(cache.find("keys", text_of("ops"))->subject, "ops");
    EXPECT_EQ(cache.find("keys", text_of("ci"))->subject, "ci");
  }
}

TEST(PrincipalCache, WhenFullTheOldestEntryMakesRoom) {
  PrincipalCache cache;
  for (std::size_t i = 0; i <= PrincipalCache::kEntries; ++i) {
    const std::string s = "caller" + std::to_string(i);
    cache.remember("keys", text_of(s), principal_of(s));
  }
  EXPECT_EQ(cache.find("keys", text_of("caller0")), nullptr);  // the first one went
  for (std::size_t i = 1; i <= PrincipalCache::kEntries; ++i) {
    const std::string s = "caller" + std::to_string(i);
    const Principal* p = cache.find("keys", text_of(s));
    ASSERT_NE(p, nullptr) << s;
    EXPECT_EQ(p->subject, s);
  }
  // The next one replaces caller1, the oldest left.
  cache.remember("keys", text_of("late"), principal_of("late"));
  EXPECT_EQ(cache.find("keys", text_of("caller1")), nullptr);
  EXPECT_NE(cache.find("keys", text_of("caller2")), nullptr);
  EXPECT_NE(cache.find("keys", text_of("late")), nullptr);
}

TEST(PrincipalCache, ALargePrincipalIsNotKept) {
  PrincipalCache cache;
  const std::string big = R"({"subject":"big","pad":")" + std::string(PrincipalCache::kMaxTextBytes, 'x') + "\"}";
  cache.remember("keys", big, principal_of("big"));
  EXPECT_EQ(cache.find("keys", big), nullptr);
  const std::string small = text_of("small");
  cache.remember("keys", small, principal_of("small"));
  EXPECT_NE(cache.find("keys", small), nullptr);
}

}  // namespace
}  // namespace nexus::host::http
