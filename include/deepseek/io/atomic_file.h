// Crash-safe file replacement: readers of `path` see either the old file or the complete
// new one, never a mix, even if the process or the machine dies part-way.
//
// The bytes go to a fresh temporary file in the same folder (".<name>.<pid>.<n>.tmp", so the
// rename stays within one file system). commit() fsyncs it, renames it over the target and
// fsyncs the folder so the rename itself is durable. Destroying an uncommitted writer
// (an exception was thrown) removes the temporary file. After a hard crash the temporary
// file may remain beside the target; the target itself is untouched.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace deepseek::io {

class AtomicFileWriter {
 public:
  // Creates the temporary file; throws RuntimeError naming `path` if it cannot.
  explicit AtomicFileWriter(std::string path);
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  void write(const void* data, size_t nbytes);
  // Makes the new contents durable and visible at `path`. The writer is done afterwards.
  void commit();

  const std::string& temp_path() const { return temp_path_; }

 private:
  void discard() noexcept;

  std::string path_;
  std::string temp_path_;
  int fd_ = -1;
  uint64_t written_ = 0;
};

// Test hook: make the next AtomicFileWriter stop after writing `after_bytes` bytes, either
// by throwing RuntimeError (kThrow) or by killing the process with SIGKILL (kKill: a real
// crash, for tests that run the save in a child process). One-shot; kNone disarms it.
enum class WriteFault { kNone, kThrow, kKill };
void inject_write_fault(WriteFault fault, uint64_t after_bytes = 0);

}  // namespace deepseek::io
