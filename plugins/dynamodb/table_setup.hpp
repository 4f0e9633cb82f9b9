// table_setup — the instance's table at start: checked to exist with the
// configured key schema, or (create_table, for development) created
// on demand with on-demand billing and waited for until ACTIVE.
#pragma once

#include <nexus/sdk/host.hpp>

#include "ddb_client.hpp"
#include "ddb_config.hpp"

namespace nexus::plugins::dynamodb {

// Throws Error(FAILED_PRECONDITION) when the table is missing and
// create_table is off, or its key schema is not (partition_key HASH,
// sort_key RANGE); UNAVAILABLE when DynamoDB cannot be reached.
void ensure_table(const DdbClient& client, const DdbConfig& config, const sdk::Host& host);

}  // namespace nexus::plugins::dynamodb
