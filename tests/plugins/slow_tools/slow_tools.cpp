// slow_tools — a test-only tools plugin whose one job is to take time.
//
//   slow_count  {steps, step_ms, tag?}  counts to `steps`, one step every
//               `step_ms`; after each step it reports progress (step of
//               steps) and an info log line; it stops as soon as its call
//               is cancelled, so a call that was never told keeps counting.
//   slow_status {tag}                   what the latest slow_count call with
//               that tag saw: running, completed, cancelled or
//               deadline_exceeded, and how many steps it finished.
//
// tests/mcp/sdk_client.mjs uses the pair to prove, with the official MCP
// client, that progress reaches the client before the result and that
// notifications/cancelled reaches the plugin's call context: a cancelled
// call must end "cancelled" with fewer steps than asked, which it cannot
// do unless ctx.cancelled() turned true.
#include <nexus/sdk/plugin.hpp>
#include <nexus/sdk/tool_support.hpp>

#include <algorithm>
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

namespace {

namespace sdk = nexus::sdk;
using nlohmann::json;

constexpr const char* kConfigSchema = R"({"type": "object", "additionalProperties": false})";

// steps and step_ms are bounded by the inputSchema (check_arguments); the tag
// here, as check_arguments does not read maxLength.
constexpr std::size_t kMaxTagBytes = 64;
// slow_status remembers this many calls; older ones are forgotten.
constexpr std::size_t kRememberedRuns = 64;
// How often a step's wait looks at the cancellation flag.
constexpr std::chrono::milliseconds kCancelPoll{5};

const json& definitions() {
  static const json tools = json::parse(R"([
    {"name": "slow_count",
     "description": "Counts to `steps`, one step every `step_ms` milliseconds, with a progress notification and an info log line per step; stops when the call is cancelled.",
     "inputSchema": {"type": "object",
       "properties": {
         "steps": {"type": "integer", "minimum": 1, "maximum": 10000, "description": "How many steps to count"},
         "step_ms": {"type": "integer", "minimum": 0, "maximum": 10000, "description": "Milliseconds per step"},
         "tag": {"type": "string", "maxLength": 64, "description": "Names this call for slow_status"}},
       "required": ["steps", "step_ms"], "additionalProperties": false},
     "outputSchema": {"type": "object", "properties": {"counted": {"type": "integer"}}, "required": ["counted"]}},
    {"name": "slow_status",
     "description": "What the latest slow_count call with this tag saw: running, completed, cancelled or deadline_exceeded, and the steps it finished.",
     "inputSchema": {"type": "object",
       "properties": {"tag": {"type": "string", "maxLength": 64, "description": "The tag given to slow_count"}},
       "required": ["tag"], "additionalProperties": false},
     "outputSchema": {"type": "object",
       "properties": {
         "tag": {"type": "string"},
         "state": {"type": "string", "enum": ["running", "completed", "cancelled", "deadline_exceeded"]},
         "steps": {"type": "integer"},
         "steps_done": {"type": "integer"}},
       "required": ["tag", "state", "steps", "steps_done"]}}
  ])");
  return tools;
}

const json& definition(std::string_view name) {
  for (const auto& t : definitions())
    if (t["name"] == name) return t;
  throw sdk::not_found("no tool '" + std::string(name) + "' in slow_tools; it offers slow_count and slow_status");
}

// Waits `duration` unless the call is cancelled first; false when cancelled.
bool wait_unless_cancelled(const sdk::CallContext& ctx, std::chrono::milliseconds duration) {
  const auto until = std::chrono::steady_clock::now() + duration;
  while (!ctx.cancelled()) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= until) return true;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(kCancelPoll, until - now));
  }
  return false;
}

struct Run {
  std::string tag;
  int steps = 0;
  int steps_done = 0;
  std::string state = "running";
};

class SlowTools : public sdk::Tools {
 public:
  explicit SlowTools(const sdk::InstanceArgs&) {}

  json list_tools(sdk::CallContext&) override { return definitions(); }

  json call_tool(sdk::CallContext& ctx, std::string_view name, const json& args) override {
    sdk::check_arguments(name, definition(name)["inputSchema"], args);
    const std::string tag = args.value("tag", std::string());
    if (tag.size() > kMaxTagBytes)
      throw sdk::invalid_argument("arguments of '" + std::string(name) + "'.tag has " + std::to_string(tag.size()) +
                                  " bytes; at most " + std::to_string(kMaxTagBytes) + " are allowed");
    if (name == "slow_count") return count(ctx, tag, args["steps"].get<int>(), args["step_ms"].get<int>());
    return status(tag);
  }

 private:
  json count(sdk::CallContext& ctx, const std::string& tag, int steps, int step_ms) {
    const auto run = remember(tag, steps);
    int done = 0;
    while (done < steps && wait_unless_cancelled(ctx, std::chrono::milliseconds(step_ms))) {
      ++done;
      {
        std::lock_guard lock(mutex_);
        run->steps_done = done;
      }
      const std::string step = "step " + std::to_string(done) + " of " + std::to_string(steps);
      ctx.progress(done, steps, step);
      ctx.log(NEXUS_LOG_INFO, "slow_count: " + step);
    }
    if (done == steps) {
      finish(*run, "completed");
      return sdk::structured_result({{"counted", steps}});
    }
    const bool deadline = ctx.deadline_passed();
    finish(*run, deadline ? "deadline_exceeded" : "cancelled");
    throw sdk::Error(deadline ? NEXUS_DEADLINE_EXCEEDED : NEXUS_CANCELLED,
                     "slow_count stopped after " + std::to_string(done) + " of " + std::to_string(steps) +
                         " steps: " + (deadline ? "its deadline passed" : "the call was cancelled"));
  }

  json status(const std::string& tag) {
    std::lock_guard lock(mutex_);
    const auto it = std::find_if(runs_.rbegin(), runs_.rend(), [&](const auto& r) { return r->tag == tag; });
    if (it == runs_.rend())
      return sdk::text_result("no slow_count call with tag '" + tag + "' is remembered (the last " +
                                  std::to_string(kRememberedRuns) + " calls are); call slow_count with that tag first",
                              true);
    const Run& r = **it;
    return sdk::structured_result(
        {{"tag", r.tag}, {"state", r.state}, {"steps", r.steps}, {"steps_done", r.steps_done}});
  }

  std::shared_ptr<Run> remember(const std::string& tag, int steps) {
    auto run = std::make_shared<Run>(Run{tag, steps});
    std::lock_guard lock(mutex_);
    runs_.push_back(run);
    if (runs_.size() > kRememberedRuns) runs_.pop_front();
    return run;
  }

  void finish(Run& run, const char* state) {
    std::lock_guard lock(mutex_);
    run.state = state;
  }

  std::mutex mutex_;
  std::deque<std::shared_ptr<Run>> runs_;  // oldest first
};

}  // namespace

NEXUS_PLUGIN(SlowTools, .id = "slow_tools", .version = "0.1.0",
             .description = "Test fixture: a tool that counts slowly with progress and honours cancellation",
             .license = "Apache-2.0", .config_schema = kConfigSchema, .concurrency = NEXUS_CONCURRENCY_PARALLEL)
