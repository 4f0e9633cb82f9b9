// attribute_values — DynamoDB's JSON attribute values ({"S": "..."},
// {"N": "12"}, {"B": "<base64>"}) made and read, plus the standard base64
// the B type uses and the item-size arithmetic DynamoDB bills and limits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace nexus::plugins::dynamodb::attr {

using nlohmann::json;

json S(std::string_view text);
json N(std::uint64_t n);
json B(std::span<const std::uint8_t> bytes);

// The value of attribute `name` of `item` (an Item/Attributes object), or
// nullopt when it is missing or of another type.
std::optional<std::string> get_s(const json& item, std::string_view name);
std::optional<std::uint64_t> get_n(const json& item, std::string_view name);
// Decoded bytes of a B attribute; nullopt when missing or not base64.
std::optional<std::string> get_b(const json& item, std::string_view name);

// RFC 4648 base64 with padding (what DynamoDB's JSON protocol carries).
std::string base64_encode(std::span<const std::uint8_t> bytes);
// False when `text` is not canonical padded base64.
bool base64_decode(std::string_view text, std::string& out);

// Bytes an item of S/N/B attributes counts against the 400 KB limit:
// attribute name lengths plus value sizes (UTF-8 bytes for S, decoded bytes
// for B, a generous 21 for N). Attributes of other types count 64.
std::size_t item_size(const json& item);

}  // namespace nexus::plugins::dynamodb::attr
