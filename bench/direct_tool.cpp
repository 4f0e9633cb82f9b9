#include "direct_tool.hpp"

namespace {

struct NoopTool final : DirectToolBase {
  int call(std::string_view name, std::string_view args) override { return name.size() == args.size() ? 1 : 0; }
};

}  // namespace

DirectToolBase* make_direct_tool() {
  static NoopTool tool;
  return &tool;
}
