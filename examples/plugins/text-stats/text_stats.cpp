// text_stats — an example MCP tool for call transcripts: counts words and
// sentences and lists the most frequent words, as structured content with
// an outputSchema, plus a text summary for clients that only show text.
// Shows: typed config with a default, argument checks that become
// invalid_argument, progress and cancellation on long input, and
// structured results.
#include <nexus/sdk/sdk.hpp>

#include <algorithm>
#include <cctype>
#include <map>

namespace sdk = nexus::sdk;
using nlohmann::json;

namespace {

constexpr std::size_t kMaxText = 1 << 20;  // 1 MiB of text per call

const char* kTools = R"json([{
  "name": "text_stats",
  "description": "Word, sentence and frequent-word counts of a text (e.g. a call transcript)",
  "inputSchema": {"type": "object", "additionalProperties": false, "required": ["text"],
    "properties": {"text": {"type": "string", "description": "The text to measure"}}},
  "outputSchema": {"type": "object", "required": ["words", "sentences", "top_words"],
    "properties": {"words": {"type": "integer"}, "sentences": {"type": "integer"},
      "top_words": {"type": "array", "items": {"type": "object", "required": ["word", "count"],
        "properties": {"word": {"type": "string"}, "count": {"type": "integer"}}}}}}
}])json";

class TextStats : public sdk::Tools {
 public:
  explicit TextStats(const sdk::InstanceArgs& args) : top_(args.config.get_or<int>("top", 3)) {}

  json list_tools(sdk::CallContext&) override { return json::parse(kTools); }

  json call_tool(sdk::CallContext& ctx, std::string_view tool, const json& args) override {
    if (tool != "text_stats") throw sdk::not_found("no tool '" + std::string(tool) + "' in text_stats");
    if (!args.contains("text") || !args["text"].is_string()) throw sdk::invalid_argument("'text' must be a string");
    const std::string& text = args["text"].get_ref<const std::string&>();
    if (text.size() > kMaxText) throw sdk::invalid_argument("'text' is longer than 1 MiB; send it in parts");

    std::map<std::string, long> counts;
    long words = 0, sentences = 0;
    std::string word;
    for (std::size_t i = 0; i <= text.size(); ++i) {
      if (i % 65536 == 0 && ctx.cancelled()) throw sdk::cancelled("text_stats was cancelled");
      const char c = i < text.size() ? text[i] : ' ';
      if (std::isalnum(static_cast<unsigned char>(c)) || c == '\'') {
        word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        continue;
      }
      if (!word.empty()) ++words, ++counts[word], word.clear();
      if (c == '.' || c == '?' || c == '!') ++sentences;
    }
    std::vector<std::pair<std::string, long>> ranked(counts.begin(), counts.end());
    std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    json top = json::array();
    for (std::size_t i = 0; i < ranked.size() && i < static_cast<std::size_t>(top_); ++i)
      top.push_back({{"word", ranked[i].first}, {"count", ranked[i].second}});

    const json stats{{"words", words}, {"sentences", sentences}, {"top_words", top}};
    json result = sdk::text_result(std::to_string(words) + " words, " + std::to_string(sentences) + " sentences");
    result["structuredContent"] = stats;
    return result;
  }

 private:
  int top_;
};

}  // namespace

NEXUS_PLUGIN(TextStats, .id = "text_stats", .version = "1.0.0",
             .description = "Example tool: word and sentence counts of a text", .license = "Apache-2.0",
             .config_schema = R"json({"type": "object", "additionalProperties": false,
               "properties": {"top": {"type": "integer", "minimum": 0, "maximum": 100,
                                      "description": "How many frequent words to list (default 3)"}}})json",
             .concurrency = NEXUS_CONCURRENCY_PARALLEL)
