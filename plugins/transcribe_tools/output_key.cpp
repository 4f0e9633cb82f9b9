#include "output_key.hpp"

#include <string_view>

namespace nexus::plugins::transcribe_tools {
namespace {

constexpr std::string_view kNamePlaceholder = "{name}";

// "recording.wav" -> "recording"; a name without an extension (or a dot
// file such as ".wav") stays whole.
std::string_view stem(std::string_view file) {
  const auto dot = file.rfind('.');
  return dot == std::string_view::npos || dot == 0 ? file : file.substr(0, dot);
}

}  // namespace

ObjectRef default_output(const OutputRule& rule, const ObjectRef& recording) {
  const std::string_view key = recording.key;
  const auto slash = key.rfind('/');
  const std::string_view folder = slash == std::string_view::npos ? std::string_view() : key.substr(0, slash + 1);
  const std::string_view file = slash == std::string_view::npos ? key : key.substr(slash + 1);

  std::string name = rule.file_name;
  const std::string_view replacement = stem(file);
  for (auto at = name.find(kNamePlaceholder); at != std::string::npos;
       at = name.find(kNamePlaceholder, at + replacement.size()))
    name.replace(at, kNamePlaceholder.size(), replacement);
  std::string out = std::string(folder) + name;
  if (out.starts_with(rule.from_prefix)) out = rule.to_prefix + out.substr(rule.from_prefix.size());
  return {rule.storage.empty() ? recording.storage : rule.storage, out};
}

}  // namespace nexus::plugins::transcribe_tools
