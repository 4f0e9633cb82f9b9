// Scope matching (host/src/http/scopes.cpp): the grammar in
// plugin-api/include/nexus/auth.h decides what a principal may touch, so
// every rule gets a case that would fail if the rule were wrong.
#include "http/scopes.hpp"

#include <gtest/gtest.h>

namespace nexus::host::http {
namespace {

TEST(Scopes, ExactMatch) {
  EXPECT_TRUE(scope_allows("storage:recordings:read", "storage:recordings:read"));
  EXPECT_FALSE(scope_allows("storage:recordings:read", "storage:recordings:write"));
  EXPECT_FALSE(scope_allows("storage:recordings:read", "storage:transcripts:read"));
  EXPECT_TRUE(scope_allows("admin:read", "admin:read"));
}

TEST(Scopes, CaseSensitive) {
  EXPECT_FALSE(scope_allows("Storage:recordings:read", "storage:recordings:read"));
  EXPECT_FALSE(scope_allows("storage:Recordings:read", "storage:recordings:read"));
}

TEST(Scopes, StarAloneAllowsEverything) {
  EXPECT_TRUE(scope_allows("*", "storage:recordings:read"));
  EXPECT_TRUE(scope_allows("*", "admin:read"));
  EXPECT_TRUE(scope_allows("*", "x"));
}

TEST(Scopes, TrailingStarMatchesTheRest) {
  EXPECT_TRUE(scope_allows("storage:*", "storage:recordings:read"));
  EXPECT_TRUE(scope_allows("storage:*", "storage:recordings:write"));
  EXPECT_TRUE(scope_allows("storage:recordings:*", "storage:recordings:delete"));
  EXPECT_TRUE(scope_allows("admin:*", "admin:read"));
  EXPECT_FALSE(scope_allows("storage:*", "admin:read"));
  EXPECT_FALSE(scope_allows("storage:recordings:*", "storage:transcripts:read"));
}

TEST(Scopes, TrailingStarNeedsAtLeastOneSegment) {
  EXPECT_FALSE(scope_allows("storage:*", "storage"));
  EXPECT_FALSE(scope_allows("storage:recordings:*", "storage:recordings"));
}

TEST(Scopes, InnerStarMatchesExactlyOneSegment) {
  EXPECT_TRUE(scope_allows("storage:*:read", "storage:recordings:read"));
  EXPECT_TRUE(scope_allows("storage:*:read", "storage:transcripts:read"));
  EXPECT_FALSE(scope_allows("storage:*:read", "storage:recordings:write"));
  EXPECT_FALSE(scope_allows("storage:*:read", "storage:a:b:read"));
  EXPECT_FALSE(scope_allows("storage:*:read", "storage:read"));
  EXPECT_TRUE(scope_allows("*:recordings:read", "storage:recordings:read"));
  EXPECT_TRUE(scope_allows("*:*:*", "storage:recordings:read"));
}

TEST(Scopes, LengthMustMatchWithoutTrailingStar) {
  EXPECT_FALSE(scope_allows("storage:recordings", "storage:recordings:read"));
  EXPECT_FALSE(scope_allows("storage:recordings:read:extra", "storage:recordings:read"));
  EXPECT_FALSE(scope_allows("storage", "storage:recordings:read"));
}

TEST(Scopes, StarInsideASegmentIsLiteral) {
  // Only a whole "*" segment is a wildcard; "rec*" is the literal text.
  EXPECT_FALSE(scope_allows("storage:rec*:read", "storage:recordings:read"));
  EXPECT_TRUE(scope_allows("storage:rec*:read", "storage:rec*:read"));
  EXPECT_FALSE(scope_allows("storage*", "storage:recordings:read"));
}

TEST(Scopes, EmptyAllowsNothing) {
  EXPECT_FALSE(scope_allows("", "storage:recordings:read"));
  EXPECT_FALSE(scope_allows("", ""));
  EXPECT_FALSE(scope_allows("*", ""));
  EXPECT_FALSE(scope_allows("storage::read", "storage:recordings:read"));
}

TEST(Scopes, AnyOfSeveral) {
  const std::vector<std::string> granted{"storage:recordings:read", "admin:*"};
  EXPECT_TRUE(any_scope_allows(granted, "storage:recordings:read"));
  EXPECT_TRUE(any_scope_allows(granted, "admin:read"));
  EXPECT_FALSE(any_scope_allows(granted, "storage:recordings:write"));
  EXPECT_FALSE(any_scope_allows({}, "admin:read"));
}

}  // namespace
}  // namespace nexus::host::http
