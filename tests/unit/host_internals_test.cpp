// Small host pieces: schema walking, plugin metrics, sinks, status mapping.
#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "nexus/host/call.hpp"
#include "runtime/metrics.hpp"
#include "runtime/schema_walk.hpp"
#include "runtime/sha256.hpp"
#include "runtime/sinks.hpp"

using json = nlohmann::json;
namespace nh = nexus::host;

TEST(SchemaWalk, FindsInstanceReferencesDirectAndInArrays) {
  const json schema = json::parse(R"({
    "type": "object",
    "properties": {
      "store": {"type": "string", "x-nexus-instance": "nexus.storage/1"},
      "fallbacks": {"type": "array", "items": {"type": "string", "x-nexus-instance": "nexus.storage/1"}},
      "nested": {"type": "object", "properties": {"auth": {"type": "string", "x-nexus-instance": "nexus.auth/1"}}},
      "plain": {"type": "string"}
    }})");
  const json config = {{"store", "a"}, {"fallbacks", {"b", "c"}}, {"nested", {{"auth", "keys"}}}, {"plain", "x"}};
  const auto refs = nh::find_instance_references(schema, config);
  ASSERT_EQ(refs.size(), 4u);
  std::vector<std::string> got;
  for (const auto& r : refs) got.push_back(r.path + "=" + r.target + "@" + r.interface_id);
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<std::string>{"/fallbacks/0=b@nexus.storage/1", "/fallbacks/1=c@nexus.storage/1",
                                           "/nested/auth=keys@nexus.auth/1", "/store=a@nexus.storage/1"}));
}

TEST(SchemaWalk, RedactsSecretsAtAnyDepth) {
  const json schema = json::parse(R"({
    "type": "object",
    "properties": {
      "token": {"type": "string", "x-nexus-secret": true},
      "keys": {"type": "array", "items": {"type": "object", "properties": {"secret": {"x-nexus-secret": true}}}},
      "region": {"type": "string"}
    }})");
  const json config = {{"token", "t0p"}, {"keys", {{{"secret", "s1"}, {"id", "a"}}}}, {"region", "eu"}};
  const json red = nh::redact_secrets(schema, config);
  EXPECT_EQ(red["token"], "***");
  EXPECT_EQ(red["keys"][0]["secret"], "***");
  EXPECT_EQ(red["keys"][0]["id"], "a");
  EXPECT_EQ(red["region"], "eu");
  EXPECT_EQ(red.dump().find("t0p"), std::string::npos);
}

TEST(PluginMetrics, RecordsCountersGaugesAndHistogramsWithTheInstanceLabel) {
  nh::PluginMetrics m;
  m.record(nh::MetricKind::counter, "rec", "puts_total", R"({"op":"put"})", 2);
  m.record(nh::MetricKind::counter, "rec", "puts_total", R"({"op":"put"})", 3);
  m.record(nh::MetricKind::counter, "rec", "puts_total", R"({"op":"put"})", -7);  // counters never go down
  m.record(nh::MetricKind::gauge, "rec", "open_files", "", 4);
  m.record(nh::MetricKind::histogram, "rec", "latency_seconds", "", 0.5);
  m.record(nh::MetricKind::histogram, "rec", "latency_seconds", "", 1.5);
  const auto s = m.snapshot();
  ASSERT_EQ(s.size(), 3u);
  for (const auto& x : s) {
    if (x.name == "nexus_plugin_puts_total") {
      EXPECT_EQ(x.value, 5);
      EXPECT_EQ(x.labels, R"(instance="rec",op="put")");
    } else if (x.name == "nexus_plugin_latency_seconds") {
      EXPECT_EQ(x.count, 2u);
      EXPECT_EQ(x.value, 2.0);
    } else {
      EXPECT_EQ(x.name, "nexus_plugin_open_files");
      EXPECT_EQ(x.value, 4);
    }
  }
}

TEST(PluginMetrics, DropsMalformedInputWithoutFailing) {
  nh::PluginMetrics m;
  m.record(nh::MetricKind::counter, "rec", "Bad-Name", "", 1);
  m.record(nh::MetricKind::counter, "rec", "", "", 1);
  m.record(nh::MetricKind::counter, "rec", "ok_name", "not json", 1);
  m.record(nh::MetricKind::counter, "rec", "ok_name", R"({"k": 5})", 1);
  m.record(nh::MetricKind::counter, "rec", "ok_name", R"({"Bad Label": "v"})", 1);
  EXPECT_TRUE(m.snapshot().empty());
  m.record(nh::MetricKind::counter, "rec", "kind_fixed", "", 1);
  m.record(nh::MetricKind::gauge, "rec", "kind_fixed", "", 9);  // one name keeps one kind
  ASSERT_EQ(m.snapshot().size(), 1u);
  EXPECT_EQ(m.snapshot()[0].value, 1);
}

TEST(Sinks, StringSinkRefusesPastItsLimit) {
  nh::StringSink sink(5);
  const nexus_writer* w = sink.writer();
  EXPECT_EQ(w->callback_write(w->receiver_data, "abc", 3), NEXUS_OK);
  EXPECT_EQ(w->callback_write(w->receiver_data, "def", 3), NEXUS_RESOURCE_EXHAUSTED);
  EXPECT_EQ(sink.str(), "abc");
}

TEST(Sinks, CallbackSinkReportsAReceiverThatStopped) {
  int calls = 0;
  nh::CallbackSink sink([&](const void*, std::size_t) { return ++calls < 2; });
  const nexus_writer* w = sink.writer();
  EXPECT_EQ(w->callback_write(w->receiver_data, "a", 1), NEXUS_OK);
  EXPECT_EQ(w->callback_write(w->receiver_data, "b", 1), NEXUS_CANCELLED);
}

TEST(StatusMapping, EveryStatusHasOneHttpCode) {
  EXPECT_EQ(nh::http_status_for(NEXUS_OK), 200);
  EXPECT_EQ(nh::http_status_for(NEXUS_INVALID_ARGUMENT), 400);
  EXPECT_EQ(nh::http_status_for(NEXUS_UNAUTHENTICATED), 401);
  EXPECT_EQ(nh::http_status_for(NEXUS_PERMISSION_DENIED), 403);
  EXPECT_EQ(nh::http_status_for(NEXUS_NOT_FOUND), 404);
  EXPECT_EQ(nh::http_status_for(NEXUS_ALREADY_EXISTS), 409);
  EXPECT_EQ(nh::http_status_for(NEXUS_FAILED_PRECONDITION), 412);
  EXPECT_EQ(nh::http_status_for(NEXUS_RESOURCE_EXHAUSTED), 413);
  EXPECT_EQ(nh::http_status_for(NEXUS_OUT_OF_RANGE), 416);
  EXPECT_EQ(nh::http_status_for(NEXUS_CANCELLED), 499);
  EXPECT_EQ(nh::http_status_for(NEXUS_INTERNAL), 500);
  EXPECT_EQ(nh::http_status_for(NEXUS_UNIMPLEMENTED), 501);
  EXPECT_EQ(nh::http_status_for(NEXUS_UNAVAILABLE), 503);
  EXPECT_EQ(nh::http_status_for(NEXUS_DEADLINE_EXCEEDED), 504);
  EXPECT_EQ(nh::http_status_for(static_cast<nexus_status>(99)), 500);  // unknown: internal
  EXPECT_STREQ(nexus_status_name(static_cast<nexus_status>(99)), "unknown");
}

TEST(RequestIds, AreUniqueAndWellFormed) {
  const std::string a = nh::new_request_id(), b = nh::new_request_id();
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), 20u);
  EXPECT_EQ(a.rfind("req-", 0), 0u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef", 4), std::string::npos) << a;
}

// Ids come from a per-thread sequence seeded once: many ids, from several
// threads at once, must still never repeat.
TEST(RequestIds, NeverRepeatAcrossThreads) {
  constexpr int kThreads = 4, kEach = 20000;
  std::vector<std::vector<std::string>> made(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&made, t] {
      for (int i = 0; i < kEach; ++i) made[t].push_back(nh::new_request_id());
    });
  for (auto& t : threads) t.join();
  std::set<std::string> all;
  for (const auto& ids : made) all.insert(ids.begin(), ids.end());
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kThreads * kEach));
}

TEST(Sha256, MatchesTheKnownVector) {
  EXPECT_EQ(nh::sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
