// metrics/text_format.hpp — pieces of the Prometheus text exposition
// format (version 0.0.4): label escaping and number formatting.
#pragma once

#include <string>
#include <string_view>

namespace nexus::host::metrics {

// name="value" with \, " and newline escaped as the format requires.
std::string label(std::string_view name, std::string_view value);
// A sample value: integers without a fraction, others in shortest form,
// NaN/Inf spelled as Prometheus does.
std::string format_value(double v);

}  // namespace nexus::host::metrics
