// config/schema_lookup.hpp — which parts of a JSON Schema apply at a path of
// the validated document. valijson's errors carry the document path but not
// the subschema that failed; this recovers what was expected there (types,
// enum values, known keys) so messages can say it.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace nexus::host::config_detail {

// Every subschema that may apply at `pointer` (RFC 6901) of the document:
// follows properties, patternProperties, additionalProperties, items, and
// expands allOf/anyOf/oneOf/if/then/else and local "$ref": "#/...".
// Best effort: an empty result means "unknown", never "nothing allowed".
std::vector<const nlohmann::json*> subschemas_at(const nlohmann::json& schema, const std::string& pointer);

}  // namespace nexus::host::config_detail
