// The database schema of the sqlite backend and the check that a file holds
// it (or is new and gets it).
#pragma once

#include <string>

#include "connection.hpp"

namespace nexus::plugins::sqlite {

// Stored in PRAGMA user_version. Bump it when the schema changes, and teach
// ensure_schema to migrate from the previous one.
inline constexpr int kSchemaVersion = 1;

// Switches the file to WAL (persistent in the file) and returns the journal
// mode now in force ("wal" unless the file system cannot do WAL).
std::string enable_wal(Connection& c);

// Creates the schema in a new, empty database, accepts one at
// kSchemaVersion, and refuses (Error FAILED_PRECONDITION naming the path) a
// newer version or an SQLite file that belongs to someone else. Runs in a
// BEGIN IMMEDIATE transaction so two instances opening one new file at once
// create the schema once.
void ensure_schema(Connection& c);

}  // namespace nexus::plugins::sqlite
