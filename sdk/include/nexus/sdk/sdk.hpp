// nexus/sdk/sdk.hpp — everything a C++ plugin author needs, in one include.
#pragma once

#include "nexus/sdk/auth.hpp"
#include "nexus/sdk/config.hpp"
#include "nexus/sdk/context.hpp"
#include "nexus/sdk/error.hpp"
#include "nexus/sdk/host.hpp"
#include "nexus/sdk/instance.hpp"
#include "nexus/sdk/io.hpp"
#include "nexus/sdk/plugin.hpp"
#include "nexus/sdk/prompts.hpp"
#include "nexus/sdk/resources.hpp"
#include "nexus/sdk/scopes.hpp"
#include "nexus/sdk/storage.hpp"
#include "nexus/sdk/tokens.hpp"
#include "nexus/sdk/tools.hpp"
#include "nexus/sdk/transcription.hpp"
