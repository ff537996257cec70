// Durable storage on a local filesystem: one directory per protocol, one record file per key (see
// record.hpp for the format).
//
// put()/erase() are staged in memory and visible to get() at once. sync() makes every staged change
// durable, record by record: write "<dir>/.<key>.tmp", fsync it, rename it over "<dir>/<key>.rec",
// then fsync the directory so the renames themselves survive a power loss. A crash mid-sync leaves
// each key either old or new, never torn; a leftover temp file was never committed and is removed
// on the next open.
//
// On open, a record that fails its checks (truncated, bit-flipped, wrong key) makes open() fail
// with DATA_LOSS naming the file: silently dropping durable state (a Raft vote, an incarnation)
// would break the protocol's safety, so an operator must look at it.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "synod/node/storage.hpp"

namespace synod::runtime {

class FileStorage final : public Storage {
 public:
  // Creates `dir` (and parents) if needed and loads every record in it.
  static Result<std::unique_ptr<FileStorage>> open(const std::string& dir);

  Status put(std::string_view key, ByteView value) override;
  Status erase(std::string_view key) override;
  std::optional<Bytes> get(std::string_view key) const override;
  Status sync() override;

  const std::string& dir() const { return dir_; }
  std::size_t pending() const { return staged_.size(); }
  std::uint64_t syncs() const { return syncs_; }

  explicit FileStorage(std::string dir) : dir_(std::move(dir)) {}

 private:
  Status load();
  Status write_record(const std::string& key, ByteView value) const;
  std::string record_path(std::string_view key) const;

  std::string dir_;
  std::map<std::string, Bytes, std::less<>> durable_;                // as on disk
  std::map<std::string, std::optional<Bytes>, std::less<>> staged_;  // nullopt = erase
  std::uint64_t syncs_ = 0;
};

}  // namespace synod::runtime
