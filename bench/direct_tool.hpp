// direct_tool.hpp — the baseline for the ABI benchmark: a C++ interface
// whose implementation lives in another translation unit, so the compiler
// cannot inline or speculatively devirtualise the call.
#pragma once

#include <string_view>

struct DirectToolBase {
  virtual ~DirectToolBase() = default;
  virtual int call(std::string_view name, std::string_view args) = 0;
};

DirectToolBase* make_direct_tool();
