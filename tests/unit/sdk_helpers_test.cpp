// SDK helpers that build MCP results and transcripts: the shapes the host
// and MCP clients expect.
#include <gtest/gtest.h>

#include <nexus/sdk/sdk.hpp>

namespace sdk = nexus::sdk;

TEST(SdkHelpers, ToolResultContentItemsHaveTheMcpShapes) {
  const auto r = sdk::tool_result({sdk::text_content("hi"), sdk::image_content("iVBO", "image/png"),
                                   sdk::audio_content("UklG", "audio/wav"),
                                   sdk::resource_content("test://x", "text/plain", "body"),
                                   sdk::resource_content("test://y", "application/octet-stream", "AAEC", true)});
  ASSERT_EQ(r["content"].size(), 5u);
  EXPECT_EQ(r["isError"], false);
  EXPECT_EQ(r["content"][0], (nlohmann::json{{"type", "text"}, {"text", "hi"}}));
  EXPECT_EQ(r["content"][1]["type"], "image");
  EXPECT_EQ(r["content"][1]["mimeType"], "image/png");
  EXPECT_EQ(r["content"][2]["data"], "UklG");
  EXPECT_EQ(r["content"][3]["resource"]["text"], "body");
  EXPECT_EQ(r["content"][4]["resource"]["blob"], "AAEC");
  EXPECT_FALSE(r["content"][4]["resource"].contains("text"));
  EXPECT_EQ(sdk::text_result("bad", true)["isError"], true);
  const auto s = sdk::structured_result({{"rows", 3}});
  EXPECT_EQ(s["structuredContent"]["rows"], 3);
  EXPECT_EQ(nlohmann::json::parse(s["content"][0]["text"].get<std::string>())["rows"], 3);
}

TEST(SdkHelpers, TranscriptCarriesOnlyWhatIsKnown) {
  sdk::Transcript t;
  t.text = "please transfer my call";
  t.duration_s = 2.5;
  t.segments.push_back({0.0, 2.5, "please transfer my call", 0.9, {{"please", 0.1, 0.4, std::nullopt}}});
  const auto j = t.to_json();
  EXPECT_EQ(j["text"], "please transfer my call");
  EXPECT_EQ(j["duration_s"], 2.5);
  EXPECT_FALSE(j.contains("language"));
  EXPECT_FALSE(j.contains("processing_s"));
  EXPECT_EQ(j["segments"][0]["confidence"], 0.9);
  EXPECT_FALSE(j["segments"][0]["words"][0].contains("confidence"));
}

TEST(SdkHelpers, ResolveRangeFollowsHttpSemantics) {
  EXPECT_EQ(sdk::resolve_range(std::nullopt, 10).length, 10u);
  auto r = sdk::resolve_range(sdk::ByteRange{2, 4}, 10);
  EXPECT_EQ(r.offset, 2u);
  EXPECT_EQ(r.length, 3u);
  r = sdk::resolve_range(sdk::ByteRange{-3, -1}, 10);
  EXPECT_EQ(r.offset, 7u);
  r = sdk::resolve_range(sdk::ByteRange{5, 100}, 10);
  EXPECT_EQ(r.length, 5u);
  EXPECT_THROW(sdk::resolve_range(sdk::ByteRange{10, -1}, 10), sdk::Error);
  EXPECT_THROW(sdk::resolve_range(sdk::ByteRange{-1, -1}, 0), sdk::Error);
}

TEST(SdkHelpers, GuardTurnsEveryExceptionIntoAStatusAndMessage) {
  std::string message;
  auto report = [&](std::string_view m) { message = std::string(m); };
  EXPECT_EQ(sdk::guard([] { throw sdk::not_found("no key 'a'"); }, report), NEXUS_NOT_FOUND);
  EXPECT_EQ(message, "no key 'a'");
  EXPECT_EQ(sdk::guard([] { throw std::runtime_error("boom"); }, report), NEXUS_INTERNAL);
  EXPECT_EQ(sdk::guard([] { throw 42; }, report), NEXUS_INTERNAL);
  EXPECT_EQ(message, "unknown exception");
  EXPECT_EQ(sdk::guard([] { throw std::bad_alloc(); }, report), NEXUS_RESOURCE_EXHAUSTED);
  EXPECT_EQ(sdk::guard([] {}, report), NEXUS_OK);
}
