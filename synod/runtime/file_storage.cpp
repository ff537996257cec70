#include "synod/runtime/file_storage.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "synod/runtime/record.hpp"

namespace synod::runtime {
namespace {

constexpr std::string_view kRecordSuffix = ".rec";
constexpr std::string_view kTempSuffix = ".tmp";

Status errno_status(const std::string& what) {
  return unavailable(what + ": " + std::strerror(errno));
}

// Closes a file descriptor on scope exit.
struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
};

Status write_all(int fd, ByteView data, const std::string& path) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_status("write " + path);
    }
    done += static_cast<std::size_t>(n);
  }
  return Status::ok();
}

Result<Bytes> read_all(const std::string& path) {
  Fd f(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (f.fd < 0) return errno_status("open " + path);
  Bytes out;
  std::uint8_t buf[64 * 1024];
  for (;;) {
    const ssize_t n = ::read(f.fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_status("read " + path);
    }
    if (n == 0) break;
    out.insert(out.end(), buf, buf + n);
  }
  return out;
}

Status fsync_dir(const std::string& dir) {
  Fd d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (d.fd < 0) return errno_status("open dir " + dir);
  if (::fsync(d.fd) != 0) return errno_status("fsync dir " + dir);
  return Status::ok();
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

Result<std::unique_ptr<FileStorage>> FileStorage::open(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return unavailable("storage: cannot create " + dir + ": " + ec.message());
  auto s = std::make_unique<FileStorage>(dir);
  SYNOD_RETURN_IF_ERROR(s->load());
  return s;
}

std::string FileStorage::record_path(std::string_view key) const {
  return dir_ + "/" + std::string(key) + std::string(kRecordSuffix);
}

Status FileStorage::load() {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with(".") && ends_with(name, kTempSuffix)) {
      // A sync that crashed before its rename: never committed, so never visible.
      std::filesystem::remove(entry.path(), ec);
      continue;
    }
    if (!ends_with(name, kRecordSuffix)) continue;
    const std::string key = name.substr(0, name.size() - kRecordSuffix.size());
    if (!valid_storage_key(key)) continue;  // not ours
    auto file = read_all(entry.path().string());
    if (!file) return file.status();
    auto value = decode_record(key, *file);
    if (!value) {
      return data_loss("storage: record " + entry.path().string() + " is corrupt (" +
                       value.status().message() + "); move it aside to start without it");
    }
    durable_.emplace(key, std::move(*value));
  }
  if (ec) return unavailable("storage: cannot list " + dir_ + ": " + ec.message());
  return Status::ok();
}

Status FileStorage::put(std::string_view key, ByteView value) {
  if (!valid_storage_key(key))
    return invalid_argument("storage: bad key '" + std::string(key) + "'");
  if (value.size() > kMaxValueBytes) {
    return invalid_argument("storage: value of " + std::to_string(value.size()) +
                            " bytes exceeds kMaxValueBytes");
  }
  staged_.insert_or_assign(std::string(key), Bytes(value.begin(), value.end()));
  return Status::ok();
}

Status FileStorage::erase(std::string_view key) {
  if (!valid_storage_key(key))
    return invalid_argument("storage: bad key '" + std::string(key) + "'");
  staged_.insert_or_assign(std::string(key), std::nullopt);
  return Status::ok();
}

std::optional<Bytes> FileStorage::get(std::string_view key) const {
  if (auto it = staged_.find(key); it != staged_.end()) return it->second;
  if (auto it = durable_.find(key); it != durable_.end()) return it->second;
  return std::nullopt;
}

Status FileStorage::write_record(const std::string& key, ByteView value) const {
  const std::string tmp = dir_ + "/." + key + std::string(kTempSuffix);
  const Bytes file = encode_record(key, value);
  {
    Fd f(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (f.fd < 0) return errno_status("open " + tmp);
    SYNOD_RETURN_IF_ERROR(write_all(f.fd, file, tmp));
    if (::fsync(f.fd) != 0) return errno_status("fsync " + tmp);
  }
  if (::rename(tmp.c_str(), record_path(key).c_str()) != 0) return errno_status("rename " + tmp);
  return Status::ok();
}

Status FileStorage::sync() {
  if (staged_.empty()) return Status::ok();
  // Apply in key order; on failure the remaining changes stay staged so a retry can finish them.
  for (auto it = staged_.begin(); it != staged_.end();) {
    const std::string& key = it->first;
    if (it->second.has_value()) {
      SYNOD_RETURN_IF_ERROR(write_record(key, *it->second));
      durable_.insert_or_assign(key, std::move(*it->second));
    } else {
      if (::unlink(record_path(key).c_str()) != 0 && errno != ENOENT) {
        return errno_status("unlink " + record_path(key));
      }
      durable_.erase(key);
    }
    it = staged_.erase(it);
  }
  SYNOD_RETURN_IF_ERROR(fsync_dir(dir_));
  ++syncs_;
  return Status::ok();
}

}  // namespace synod::runtime
