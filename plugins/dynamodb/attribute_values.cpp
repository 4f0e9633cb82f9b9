#include "attribute_values.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace nexus::plugins::dynamodb::attr {

json S(std::string_view text) {
  return json{{"S", std::string(text)}};
}
json N(std::uint64_t n) {
  return json{{"N", std::to_string(n)}};
}
json B(std::span<const std::uint8_t> bytes) {
  return json{{"B", base64_encode(bytes)}};
}

std::optional<std::string> get_s(const json& item, std::string_view name) {
  const auto it = item.find(name);
  if (it == item.end() || !it->is_object()) return std::nullopt;
  const auto s = it->find("S");
  if (s == it->end() || !s->is_string()) return std::nullopt;
  return s->get<std::string>();
}

std::optional<std::uint64_t> get_n(const json& item, std::string_view name) {
  const auto it = item.find(name);
  if (it == item.end() || !it->is_object()) return std::nullopt;
  const auto n = it->find("N");
  if (n == it->end() || !n->is_string()) return std::nullopt;
  const std::string& text = n->get_ref<const std::string&>();
  if (text.empty() || text.size() > 20) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return v;
}

std::optional<std::string> get_b(const json& item, std::string_view name) {
  const auto it = item.find(name);
  if (it == item.end() || !it->is_object()) return std::nullopt;
  const auto b = it->find("B");
  if (b == it->end() || !b->is_string()) return std::nullopt;
  std::string out;
  if (!base64_decode(b->get_ref<const std::string&>(), out)) return std::nullopt;
  return out;
}

std::string base64_encode(std::span<const std::uint8_t> bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  if (bytes.empty()) return out;
  // EVP_EncodeBlock takes an int length: encode in slices that are a
  // multiple of 3 bytes so the pieces join without padding in between.
  constexpr std::size_t kSlice = 3u << 20;
  std::size_t in = 0, at = 0;
  while (in < bytes.size()) {
    const std::size_t n = std::min(kSlice, bytes.size() - in);
    const int written =
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data() + at), bytes.data() + in, static_cast<int>(n));
    if (written < 0) throw std::runtime_error("OpenSSL EVP_EncodeBlock failed");
    in += n;
    at += static_cast<std::size_t>(written);
  }
  out.resize(at);
  return out;
}

bool base64_decode(std::string_view text, std::string& out) {
  out.clear();
  if (text.size() % 4 != 0) return false;
  if (text.empty()) return true;
  std::size_t pad = 0;
  if (text.back() == '=') ++pad;
  if (text.size() >= 2 && text[text.size() - 2] == '=') ++pad;
  for (std::size_t i = 0; i < text.size() - pad; ++i) {
    const char c = text[i];
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/'))
      return false;
  }
  out.resize(text.size() / 4 * 3);
  constexpr std::size_t kSlice = 4u << 20;  // a multiple of 4
  std::size_t in = 0, at = 0;
  while (in < text.size()) {
    const std::size_t n = std::min(kSlice, text.size() - in);
    const int written = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data() + at),
                                        reinterpret_cast<const unsigned char*>(text.data() + in), static_cast<int>(n));
    if (written < 0) return false;
    in += n;
    at += static_cast<std::size_t>(written);
  }
  out.resize(at - pad);  // EVP_DecodeBlock counts the padding as zero bytes
  return true;
}

std::size_t item_size(const json& item) {
  std::size_t total = 0;
  for (const auto& [name, value] : item.items()) {
    total += name.size();
    if (value.contains("S"))
      total += value["S"].get_ref<const std::string&>().size();
    else if (value.contains("B"))
      total += value["B"].get_ref<const std::string&>().size() / 4 * 3;
    else if (value.contains("N"))
      total += 21;
    else
      total += 64;
  }
  return total;
}

}  // namespace nexus::plugins::dynamodb::attr
