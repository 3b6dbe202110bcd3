#include "deepseek/io/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <mutex>

#include "deepseek/core/error.h"

namespace deepseek::io {
namespace {

std::mutex fault_mutex;
WriteFault armed_fault = WriteFault::kNone;
uint64_t fault_after_bytes = 0;

std::atomic<uint64_t> temp_counter{0};

[[noreturn]] void throw_errno(const char* what, const std::string& path, int err) {
  DS_THROW(RuntimeError, "save: cannot {} '{}': {}", what, path, std::strerror(err));
}

// Writes all of [data, data + n), retrying short writes and EINTR.
void write_all(int fd, const char* data, size_t n, const std::string& path) {
  while (n > 0) {
    ssize_t w = ::write(fd, data, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      throw_errno("write", path, errno);
    }
    data += w;
    n -= static_cast<size_t>(w);
  }
}

void fsync_or_throw(int fd, const std::string& path) {
  while (::fsync(fd) != 0) {
    if (errno != EINTR) throw_errno("fsync", path, errno);
  }
}

}  // namespace

void inject_write_fault(WriteFault fault, uint64_t after_bytes) {
  std::lock_guard lock(fault_mutex);
  armed_fault = fault;
  fault_after_bytes = after_bytes;
}

AtomicFileWriter::AtomicFileWriter(std::string path) : path_(std::move(path)) {
  DS_CHECK(!path_.empty(), ValueError, "save: the path is empty");
  // Saving through a symlink replaces the file it points to, not the link.
  std::error_code ec;
  if (std::filesystem::is_symlink(path_, ec)) {
    std::filesystem::path resolved = std::filesystem::weakly_canonical(path_, ec);
    if (!ec) path_ = resolved.string();
  }
  std::filesystem::path target(path_);
  std::filesystem::path folder = target.parent_path();
  std::string name = target.filename().string();
  DS_CHECK(!name.empty(), ValueError, "save: '{}' names a folder, not a file", path_);
  // O_EXCL makes the name ours alone; the mode is 0666 less the umask, as for any new file.
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::string temp_name = "." + name + "." + std::to_string(::getpid()) + "." +
                            std::to_string(temp_counter.fetch_add(1)) + ".tmp";
    temp_path_ = (folder / temp_name).string();
    fd_ = ::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd_ >= 0) return;
    if (errno != EEXIST && errno != EINTR)
      throw_errno("create a temporary file beside", path_, errno);
  }
  DS_THROW(RuntimeError, "save: cannot create a temporary file beside '{}': names taken", path_);
}

AtomicFileWriter::~AtomicFileWriter() { discard(); }

void AtomicFileWriter::discard() noexcept {
  if (fd_ < 0) return;
  ::close(fd_);
  ::unlink(temp_path_.c_str());
  fd_ = -1;
}

void AtomicFileWriter::write(const void* data, size_t nbytes) {
  DS_CHECK(fd_ >= 0, RuntimeError, "save: write to '{}' after commit", path_);
  const char* bytes = static_cast<const char*>(data);
  WriteFault fault = WriteFault::kNone;
  size_t partial = 0;  // bytes of this call written before the fault fires
  {
    std::lock_guard lock(fault_mutex);
    if (armed_fault != WriteFault::kNone && written_ + nbytes > fault_after_bytes) {
      fault = armed_fault;
      armed_fault = WriteFault::kNone;
      partial =
          fault_after_bytes > written_ ? static_cast<size_t>(fault_after_bytes - written_) : 0;
    }
  }
  if (fault != WriteFault::kNone) {
    write_all(fd_, bytes, partial, temp_path_);
    if (fault == WriteFault::kKill) ::raise(SIGKILL);
    DS_THROW(RuntimeError, "save: injected write fault after {} bytes of '{}'", written_ + partial,
             path_);
  }
  write_all(fd_, bytes, nbytes, temp_path_);
  written_ += nbytes;
}

void AtomicFileWriter::commit() {
  DS_CHECK(fd_ >= 0, RuntimeError, "save: '{}' was already committed", path_);
  fsync_or_throw(fd_, temp_path_);
  int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) {
    int err = errno;
    ::unlink(temp_path_.c_str());
    throw_errno("close", temp_path_, err);
  }
  if (::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    int err = errno;
    ::unlink(temp_path_.c_str());
    throw_errno("rename a temporary file onto", path_, err);
  }
  // The rename lives in the folder's entries: without this fsync a power loss could
  // bring back the old name (or neither) even though the data was synced.
  std::filesystem::path folder = std::filesystem::path(path_).parent_path();
  std::string folder_str = folder.empty() ? "." : folder.string();
  int dir_fd = ::open(folder_str.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) throw_errno("open the folder of", path_, errno);
  int rc = ::fsync(dir_fd);
  int err = errno;
  ::close(dir_fd);
  // Some file systems refuse fsync on folders (EINVAL); the rename is as durable as they allow.
  if (rc != 0 && err != EINVAL) throw_errno("fsync the folder of", path_, err);
}

}  // namespace deepseek::io
