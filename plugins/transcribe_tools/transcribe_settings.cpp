#include "transcribe_settings.hpp"

#include <algorithm>
#include <set>

#include <nexus/storage.h>

#include <nexus/sdk/error.hpp>
#include <nexus/sdk/io.hpp>

#include "output_key.hpp"

namespace nexus::plugins::transcribe_tools {
namespace {

std::vector<std::string> instance_names(const sdk::Config& config, const std::string& key, const char* what) {
  auto names = config.get<std::vector<std::string>>(key);
  if (names.empty())
    throw sdk::invalid_argument("config." + key + " is empty; name at least one " + what + " instance");
  std::set<std::string> seen;
  for (const auto& n : names) {
    if (n.empty() || n.find('/') != std::string::npos)
      throw sdk::invalid_argument("config." + key + " has the name '" + n +
                                  "'; instance names are non-empty and contain no '/'");
    if (!seen.insert(n).second)
      throw sdk::invalid_argument("config." + key + " names '" + n + "' twice; list each instance once");
  }
  return names;
}

OutputRule read_output_rule(const sdk::Config& rule, const std::vector<std::string>& storages) {
  OutputRule r;
  r.storage = rule.get_or<std::string>("storage", "");
  r.from_prefix = rule.get_or<std::string>("from_prefix", "");
  r.to_prefix = rule.get_or<std::string>("to_prefix", "");
  r.file_name = rule.get_or<std::string>("file_name", "{name}.transcript.json");
  if (!r.storage.empty() && std::find(storages.begin(), storages.end(), r.storage) == storages.end())
    throw sdk::invalid_argument(rule.path() + ".storage is '" + r.storage +
                                "', which is not one of config.storages; add it there or name another");
  if (r.file_name.empty() || r.file_name.find('/') != std::string::npos)
    throw sdk::invalid_argument(rule.path() + ".file_name '" + r.file_name +
                                "' is not a file name; give one without '/', e.g. 'transcript.json' or '{name}.json'");
  // The parts must form valid keys: the output of "<from_prefix>x/x.wav" has to be one.
  const std::string sample = default_output(r, {"x", r.from_prefix + "x/x.wav"}).key;
  if (const char* problem = nexus_storage_key_problem(sdk::to_nexus_str(sample)))
    throw sdk::invalid_argument(rule.path() + ".to_prefix '" + r.to_prefix + "' and file_name '" + r.file_name +
                                "' do not form valid storage keys (" + problem +
                                "); use e.g. to_prefix 'transcripts/' and file_name 'transcript.json'");
  return r;
}

}  // namespace

TranscribeSettings read_settings(const sdk::Config& config) {
  TranscribeSettings s;
  s.storages = instance_names(config, "storages", "storage");
  s.providers = instance_names(config, "providers", "transcription");
  s.max_audio_bytes = config.get_or<std::uint64_t>("max_audio_bytes", s.max_audio_bytes);
  if (s.max_audio_bytes == 0) throw sdk::invalid_argument("config.max_audio_bytes must be at least 1");
  s.default_output = read_output_rule(config.child("default_output"), s.storages);
  return s;
}

}  // namespace nexus::plugins::transcribe_tools
