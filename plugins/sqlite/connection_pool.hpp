// ConnectionPool — the connections of one instance: one writer and a few
// readers, all opened when the instance is created.
//
// Why this shape: SQLite allows one writer per database at a time anyway, so
// in-process writers queue on a mutex (cheap, fair enough, no sleeping in
// SQLite's busy handler) and busy_timeout_ms only ever waits on writers in
// other instances or processes sharing the file. In WAL mode readers never
// block the writer nor each other, so several readers serve gets and lists in
// parallel, each on its own snapshot.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "connection.hpp"
#include "sqlite_config.hpp"

namespace nexus::plugins::sqlite {

class ConnectionPool;

// Exclusive use of the writer connection while it lives.
class WriterLease {
 public:
  WriterLease(std::mutex& m, Connection& c) : lock_(m), c_(c) {}
  Connection& operator*() const noexcept { return c_; }
  Connection* operator->() const noexcept { return &c_; }

 private:
  std::unique_lock<std::mutex> lock_;
  Connection& c_;
};

// Exclusive use of one reader connection; returned to the pool on destruction.
class ReaderLease {
 public:
  ReaderLease(ConnectionPool& pool, std::unique_ptr<Connection> c) noexcept : pool_(pool), c_(std::move(c)) {}
  ReaderLease(const ReaderLease&) = delete;
  ReaderLease& operator=(const ReaderLease&) = delete;
  ~ReaderLease();
  Connection& operator*() const noexcept { return *c_; }
  Connection* operator->() const noexcept { return c_.get(); }

 private:
  ConnectionPool& pool_;
  std::unique_ptr<Connection> c_;
};

class ConnectionPool {
 public:
  // Opens `readers` reader connections next to the already opened `writer`
  // (which created the file and its schema).
  ConnectionPool(const SqliteConfig& config, std::unique_ptr<Connection> writer, std::size_t readers);
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // Waits for the writer. [any-thread]
  WriterLease writer();
  // Waits for an idle reader. [any-thread]
  ReaderLease reader();

 private:
  friend class ReaderLease;
  void give_back(std::unique_ptr<Connection> c) noexcept;

  std::mutex writer_mutex_;
  std::unique_ptr<Connection> writer_;  // guarded by writer_mutex_ (through WriterLease)

  std::mutex readers_mutex_;
  std::condition_variable reader_returned_;
  std::vector<std::unique_ptr<Connection>> idle_readers_;  // guarded by readers_mutex_
};

}  // namespace nexus::plugins::sqlite
