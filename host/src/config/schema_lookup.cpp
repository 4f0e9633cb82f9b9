// config/schema_lookup.cpp — see schema_lookup.hpp.
#include "config/schema_lookup.hpp"

#include <algorithm>
#include <regex>

namespace nexus::host::config_detail {

using nlohmann::json;

namespace {

constexpr int kMaxDepth = 16;  // $ref cycles end here

class Lookup {
 public:
  explicit Lookup(const json& root) : root_(root) {}

  void expand(const json* node, std::vector<const json*>& out, int depth = 0) const {
    if (!node || !node->is_object() || depth > kMaxDepth) return;
    if (std::find(out.begin(), out.end(), node) != out.end()) return;
    out.push_back(node);
    for (const char* key : {"allOf", "anyOf", "oneOf"}) {
      if (auto it = node->find(key); it != node->end() && it->is_array()) {
        for (const auto& sub : *it) expand(&sub, out, depth + 1);
      }
    }
    for (const char* key : {"then", "else"}) {
      if (auto it = node->find(key); it != node->end()) expand(&*it, out, depth + 1);
    }
    if (auto it = node->find("$ref"); it != node->end() && it->is_string()) {
      expand(resolve_ref(it->get<std::string>()), out, depth + 1);
    }
  }

  void step(const json& node, const std::string& token, std::vector<const json*>& out) const {
    bool matched = false;
    if (auto props = node.find("properties"); props != node.end() && props->is_object()) {
      if (auto it = props->find(token); it != props->end()) {
        expand(&*it, out);
        matched = true;
      }
    }
    if (auto pats = node.find("patternProperties"); pats != node.end() && pats->is_object()) {
      for (const auto& [pattern, sub] : pats->items()) {
        try {
          if (std::regex_search(token, std::regex(pattern))) {
            expand(&sub, out);
            matched = true;
          }
        } catch (const std::regex_error&) {
          // valijson already accepted or rejected the schema; skip here.
        }
      }
    }
    if (auto add = node.find("additionalProperties"); !matched && add != node.end() && add->is_object()) {
      expand(&*add, out);
    }
    if (auto items = node.find("items"); items != node.end()) {
      const bool index = !token.empty() && std::all_of(token.begin(), token.end(), ::isdigit);
      if (items->is_object()) {
        expand(&*items, out);
      } else if (items->is_array() && index && std::stoul(token) < items->size()) {
        expand(&(*items)[std::stoul(token)], out);
      }
    }
  }

 private:
  const json* resolve_ref(const std::string& ref) const {
    if (ref.empty() || ref[0] != '#') return nullptr;  // remote refs are not fetched
    try {
      const json::json_pointer p(ref.substr(1));
      return root_.contains(p) ? &root_.at(p) : nullptr;
    } catch (const json::exception&) {
      return nullptr;
    }
  }

  const json& root_;
};

std::vector<std::string> split_pointer(const std::string& pointer) {
  std::vector<std::string> tokens;
  if (pointer.empty()) return tokens;
  std::size_t start = 1;
  while (true) {
    const std::size_t slash = pointer.find('/', start);
    std::string t = pointer.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    std::string unescaped;
    for (std::size_t i = 0; i < t.size(); ++i) {
      if (t[i] == '~' && i + 1 < t.size()) {
        unescaped += t[i + 1] == '1' ? '/' : '~';
        ++i;
      } else {
        unescaped += t[i];
      }
    }
    tokens.push_back(unescaped);
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return tokens;
}

}  // namespace

std::vector<const json*> subschemas_at(const json& schema, const std::string& pointer) {
  const Lookup lookup(schema);
  std::vector<const json*> current;
  lookup.expand(&schema, current);
  for (const std::string& token : split_pointer(pointer)) {
    std::vector<const json*> next;
    for (const json* node : current) lookup.step(*node, token, next);
    current = std::move(next);
  }
  return current;
}

}  // namespace nexus::host::config_detail
