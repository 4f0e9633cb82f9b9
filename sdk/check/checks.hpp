// checks.hpp — the groups of checks main() runs, and what they share.
//
// Each group lives in its own file (checks_<kind>.cpp) and prints one line
// per check through the Report; a check is a small function run by
// Report::run, so nothing it meets — bad JSON, a missing table, a null
// pointer, an exception — stops the kit.
#pragma once

#include <memory>
#include <string>

#include "cli.hpp"
#include "loaded_plugin.hpp"
#include "report.hpp"

namespace nexus::check {

struct CheckEnv {
  const Options& options;
  LoadedPlugin& plugin;
  Report& report;
  Instance* primary = nullptr;                 // from --instance-config
  Instance* secondary = nullptr;               // alive at the same time as primary
  bool separate_configs = false;               // secondary came from --second-config
  std::string run_id;                          // random hex, unique to this run
  const Dependencies* dependencies = nullptr;  // the --dependency instances that were created
};

// Descriptor and config schema: needs no instance.
void run_descriptor_checks(CheckEnv& env);
// create/destroy twice, then the two long-lived instances (sets env.primary
// and env.secondary, owned by the caller through `a` and `b`); health.
// Returns false when no instance could be created.
bool run_lifecycle_checks(CheckEnv& env, std::unique_ptr<Instance>& a, std::unique_ptr<Instance>& b);
// After every kind ran and the instances are gone: module init twice, error
// messages, late writes.
void run_final_checks(CheckEnv& env);

void run_storage_checks(CheckEnv& env);
void run_auth_checks(CheckEnv& env);
void run_transcription_checks(CheckEnv& env);
void run_tools_checks(CheckEnv& env);
void run_resources_checks(CheckEnv& env);
void run_prompts_checks(CheckEnv& env);

}  // namespace nexus::check
