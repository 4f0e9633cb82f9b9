#include "connection_pool.hpp"

namespace nexus::plugins::sqlite {

ReaderLease::~ReaderLease() {
  if (c_) pool_.give_back(std::move(c_));
}

ConnectionPool::ConnectionPool(const SqliteConfig& config, std::unique_ptr<Connection> writer, std::size_t readers)
    : writer_(std::move(writer)) {
  idle_readers_.reserve(readers);
  for (std::size_t i = 0; i < readers; ++i)
    idle_readers_.push_back(std::make_unique<Connection>(config, /*may_create=*/false));
}

WriterLease ConnectionPool::writer() {
  return WriterLease(writer_mutex_, *writer_);
}

ReaderLease ConnectionPool::reader() {
  std::unique_lock lock(readers_mutex_);
  reader_returned_.wait(lock, [&] { return !idle_readers_.empty(); });
  std::unique_ptr<Connection> c = std::move(idle_readers_.back());
  idle_readers_.pop_back();
  return ReaderLease(*this, std::move(c));
}

void ConnectionPool::give_back(std::unique_ptr<Connection> c) noexcept {
  {
    std::lock_guard lock(readers_mutex_);
    // reserve() in the constructor sized the vector for every reader, so
    // this push_back never allocates and cannot throw.
    idle_readers_.push_back(std::move(c));
  }
  reader_returned_.notify_one();
}

}  // namespace nexus::plugins::sqlite
