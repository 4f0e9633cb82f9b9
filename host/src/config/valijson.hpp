// config/valijson.hpp — the one way host code includes valijson.
//
// valijson aborts the process on a bad schema unless VALIJSON_USE_EXCEPTIONS
// is defined, and its error helpers are inline functions: two translation
// units that include it with different settings break the one-definition
// rule and the linker picks either. Include valijson only through here.
#pragma once

#ifndef VALIJSON_USE_EXCEPTIONS
#define VALIJSON_USE_EXCEPTIONS 1
#endif

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>
