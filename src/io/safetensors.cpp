#include "deepseek/io/safetensors.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bit>
#include <cerrno>
#include <cstring>
#include <functional>
#include <unordered_set>

#include "deepseek/core/error.h"
#include "deepseek/io/atomic_file.h"
#include "safetensors_header.h"

namespace deepseek::safetensors {

// safetensors stores little-endian bytes; tensors are copied to and from the file as is.
static_assert(std::endian::native == std::endian::little, "safetensors I/O assumes little-endian");

namespace {

using detail::kLengthFieldBytes;
using detail::printable;
using detail::TensorEntry;

// The header, and each tensor as contiguous host memory, in file order.
struct Layout {
  std::string header;
  std::vector<Tensor> host;
};

Layout lay_out(const NamedTensors& tensors, const Metadata& metadata) {
  Layout layout;
  std::vector<TensorEntry> entries;
  std::unordered_set<std::string> names;
  uint64_t offset = 0;
  for (const auto& [name, t] : tensors) {
    DS_CHECK(t.defined(), ValueError, "save: tensor {} is undefined", printable(name));
    DS_CHECK(name != "__metadata__", ValueError,
             "save: '__metadata__' is reserved by safetensors and cannot name a tensor");
    DS_CHECK(names.insert(name).second, ValueError, "save: duplicate tensor name {}",
             printable(name));
    Tensor h = t.detach().to(Device(DeviceType::CPU)).contiguous();
    entries.push_back(TensorEntry{name, h.dtype(), h.sizes(), offset, offset + h.nbytes()});
    offset += h.nbytes();
    layout.host.push_back(std::move(h));
  }
  layout.header = detail::format_header(entries, metadata);
  return layout;
}

void encode_length(uint64_t n, unsigned char out[kLengthFieldBytes]) {
  for (size_t i = 0; i < kLengthFieldBytes; ++i) out[i] = static_cast<unsigned char>(n >> (8 * i));
}

// Emits the file's bytes, in order, to `sink`.
void emit(const Layout& layout, const std::function<void(const void*, size_t)>& sink) {
  unsigned char length[kLengthFieldBytes];
  encode_length(layout.header.size(), length);
  sink(length, kLengthFieldBytes);
  sink(layout.header.data(), layout.header.size());
  for (const Tensor& h : layout.host) {
    if (h.nbytes() > 0) sink(h.data_ptr(), h.nbytes());
  }
}

void check_bools(const TensorEntry& e, const Tensor& t) {
  const auto* bytes = static_cast<const unsigned char*>(t.data_ptr());
  for (size_t i = 0; i < t.nbytes(); ++i) {
    DS_CHECK(bytes[i] <= 1, ValueError,
             "safetensors: tensor {} (BOOL) holds byte 0x{:02x} at element {}; booleans must be "
             "0 or 1",
             printable(e.name), bytes[i], i);
  }
}

// Reads `n` bytes at `offset` of the file into `dst`; the caller checked the range.
using ReadAt = std::function<void(uint64_t offset, void* dst, size_t n)>;

Contents decode(uint64_t file_bytes, const ReadAt& read_at) {
  unsigned char field[kLengthFieldBytes] = {};
  if (file_bytes >= kLengthFieldBytes) read_at(0, field, kLengthFieldBytes);
  uint64_t n = detail::header_length(field, file_bytes);
  std::string text(n, '\0');
  if (n > 0) read_at(kLengthFieldBytes, text.data(), n);
  uint64_t data_start = kLengthFieldBytes + n;
  detail::Header header = detail::parse_header(text, file_bytes - data_start);
  Contents contents;
  contents.metadata = std::move(header.metadata);
  for (const TensorEntry& e : header.tensors) {
    Tensor t = empty_tensor(e.shape, e.dtype, Device(DeviceType::CPU));
    if (t.nbytes() > 0) read_at(data_start + e.begin, t.data_ptr(), t.nbytes());
    if (e.dtype == DType::Bool) check_bools(e, t);
    contents.tensors.emplace_back(e.name, std::move(t));
  }
  return contents;
}

// Closes the descriptor on every path out of read().
struct FileDescriptor {
  int fd;
  ~FileDescriptor() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

std::string serialize(const NamedTensors& tensors, const Metadata& metadata) {
  Layout layout = lay_out(tensors, metadata);
  std::string bytes;
  emit(layout, [&](const void* p, size_t n) { bytes.append(static_cast<const char*>(p), n); });
  return bytes;
}

Contents parse(std::string_view bytes) {
  return decode(bytes.size(), [&](uint64_t offset, void* dst, size_t n) {
    std::memcpy(dst, bytes.data() + offset, n);
  });
}

void write(const std::string& path, const NamedTensors& tensors, const Metadata& metadata) {
  Layout layout = lay_out(tensors, metadata);
  io::AtomicFileWriter file(path);
  emit(layout, [&](const void* p, size_t n) { file.write(p, n); });
  file.commit();
}

Contents read(const std::string& path) {
  FileDescriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  DS_CHECK(file.fd >= 0, RuntimeError, "load: cannot open '{}': {}", path, std::strerror(errno));
  struct stat st;
  DS_CHECK(::fstat(file.fd, &st) == 0, RuntimeError, "load: cannot stat '{}': {}", path,
           std::strerror(errno));
  DS_CHECK(S_ISREG(st.st_mode), RuntimeError, "load: '{}' is not a regular file", path);
  auto read_at = [&](uint64_t offset, void* dst, size_t n) {
    char* out = static_cast<char*>(dst);
    while (n > 0) {
      ssize_t r = ::pread(file.fd, out, n, static_cast<off_t>(offset));
      if (r < 0 && errno == EINTR) continue;
      DS_CHECK(r >= 0, RuntimeError, "load: cannot read '{}': {}", path, std::strerror(errno));
      DS_CHECK(r > 0, RuntimeError, "load: '{}' ended early (did it shrink while being read?)",
               path);
      out += r;
      offset += static_cast<uint64_t>(r);
      n -= static_cast<size_t>(r);
    }
  };
  try {
    return decode(static_cast<uint64_t>(st.st_size), read_at);
  } catch (const ValueError& e) {
    // The rule's message, plus which file broke it.
    throw ValueError(fmt::format("{} (file '{}')", e.what(), path));
  }
}

}  // namespace deepseek::safetensors
