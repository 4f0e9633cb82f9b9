// nexus/sdk/error.hpp — the one exception type of the SDK, and the guard
// that turns every exception into a status at the ABI boundary.
#pragma once

#include <nexus/status.h>
#include <nexus/types.h>

#include <exception>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace nexus::sdk {

// Throw this from plugin code to return a specific status. The message goes
// to the caller (HTTP error body, MCP error): say what was wrong, where, and
// how to fix it; never include a secret.
class Error : public std::runtime_error {
 public:
  Error(nexus_status status, std::string message) : std::runtime_error(std::move(message)), status_(status) {}
  nexus_status status() const noexcept { return status_; }

 private:
  nexus_status status_;
};

inline Error invalid_argument(std::string m) { return {NEXUS_INVALID_ARGUMENT, std::move(m)}; }
inline Error not_found(std::string m) { return {NEXUS_NOT_FOUND, std::move(m)}; }
inline Error already_exists(std::string m) { return {NEXUS_ALREADY_EXISTS, std::move(m)}; }
inline Error failed_precondition(std::string m) { return {NEXUS_FAILED_PRECONDITION, std::move(m)}; }
inline Error permission_denied(std::string m) { return {NEXUS_PERMISSION_DENIED, std::move(m)}; }
inline Error unauthenticated(std::string m) { return {NEXUS_UNAUTHENTICATED, std::move(m)}; }
inline Error resource_exhausted(std::string m) { return {NEXUS_RESOURCE_EXHAUSTED, std::move(m)}; }
inline Error unavailable(std::string m) { return {NEXUS_UNAVAILABLE, std::move(m)}; }
inline Error deadline_exceeded(std::string m) { return {NEXUS_DEADLINE_EXCEEDED, std::move(m)}; }
inline Error cancelled(std::string m) { return {NEXUS_CANCELLED, std::move(m)}; }
inline Error unimplemented(std::string m) { return {NEXUS_UNIMPLEMENTED, std::move(m)}; }
inline Error internal(std::string m) { return {NEXUS_INTERNAL, std::move(m)}; }
inline Error out_of_range(std::string m) { return {NEXUS_OUT_OF_RANGE, std::move(m)}; }

// Runs `body` and converts any exception into a status, reporting the
// message through `report(std::string_view)`. No exception ever leaves it:
// this is what stands between plugin C++ and the C ABI.
template <typename Body, typename Report>
nexus_status guard(Body&& body, Report&& report) noexcept {
  try {
    body();
    return NEXUS_OK;
  } catch (const Error& e) {
    try { report(std::string_view(e.what())); } catch (...) {}
    return e.status();
  } catch (const std::bad_alloc&) {
    try { report(std::string_view("out of memory")); } catch (...) {}
    return NEXUS_RESOURCE_EXHAUSTED;
  } catch (const std::exception& e) {
    try { report(std::string_view(e.what())); } catch (...) {}
    return NEXUS_INTERNAL;
  } catch (...) {
    try { report(std::string_view("unknown exception")); } catch (...) {}
    return NEXUS_INTERNAL;
  }
}

}  // namespace nexus::sdk
