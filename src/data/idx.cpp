#include "deepseek/data/idx.h"

#include <zlib.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

#include "deepseek/ops/creation.h"

namespace deepseek::data {

namespace {

constexpr uint8_t kUnsignedByte = 0x08;
constexpr size_t kChunk = size_t{1} << 20;

struct GzCloser {
  void operator()(gzFile f) const { gzclose(f); }
};
using GzHandle = std::unique_ptr<std::remove_pointer_t<gzFile>, GzCloser>;

// Reads up to `n` bytes (fewer only at the end of the data); zlib reads raw files
// unchanged and gunzips gzip ones. Corrupt or truncated gzip data is a ValueError.
size_t read_some(gzFile file, uint8_t* out, size_t n, const std::string& path) {
  size_t total = 0;
  while (total < n) {
    unsigned want = static_cast<unsigned>(std::min(n - total, kChunk));
    int got = gzread(file, out + total, want);
    if (got < 0 || (got == 0 && !gzeof(file))) {
      int code = 0;
      const char* message = gzerror(file, &code);
      DS_THROW(ValueError, "IDX: cannot read '{}': {} (corrupt or truncated gzip data)", path,
               message ? message : "read error");
    }
    if (got == 0) break;
    total += static_cast<size_t>(got);
  }
  // zlib reports a gzip stream cut short only as an error status at its end.
  int code = Z_OK;
  const char* message = gzerror(file, &code);
  DS_CHECK(code == Z_OK || code == Z_STREAM_END, ValueError,
           "IDX: cannot read '{}': {} (corrupt or truncated gzip data)", path,
           message ? message : "read error");
  return total;
}

uint32_t big_endian(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

}  // namespace

Tensor read_idx(const std::string& path, int expected_dims) {
  errno = 0;
  GzHandle file(gzopen(path.c_str(), "rb"));
  DS_CHECK(file != nullptr, RuntimeError, "IDX: cannot open '{}': {}", path,
           errno ? std::strerror(errno) : "out of memory");
  gzbuffer(file.get(), 1 << 17);

  std::array<uint8_t, 4> magic{};
  size_t got = read_some(file.get(), magic.data(), magic.size(), path);
  DS_CHECK(got == magic.size(), ValueError, "IDX: '{}' is too short to hold the 4-byte magic",
           path);
  DS_CHECK(magic[0] == 0 && magic[1] == 0, ValueError,
           "IDX: '{}' has bad magic 0x{:02x}{:02x}{:02x}{:02x} (an IDX file starts with two "
           "zero bytes)",
           path, magic[0], magic[1], magic[2], magic[3]);
  DS_CHECK(magic[2] == kUnsignedByte, ValueError,
           "IDX: '{}' has element type 0x{:02x}; only unsigned bytes (0x08) are supported", path,
           magic[2]);
  const int dims = magic[3];
  DS_CHECK(dims >= 1, ValueError, "IDX: '{}' declares 0 dimensions", path);
  DS_CHECK(expected_dims < 0 || dims == expected_dims, ValueError,
           "IDX: '{}' has {} dimensions, expected {}", path, dims, expected_dims);

  std::vector<uint8_t> header(static_cast<size_t>(dims) * 4);
  DS_CHECK(read_some(file.get(), header.data(), header.size(), path) == header.size(), ValueError,
           "IDX: '{}' is truncated inside its header ({} dimension sizes expected)", path, dims);
  Shape shape;
  uint64_t numel = 1;
  for (int d = 0; d < dims; ++d) {
    uint32_t size = big_endian(header.data() + 4 * d);
    shape.push_back(size);
    DS_CHECK(size == 0 || numel <= std::numeric_limits<int64_t>::max() / size, ValueError,
             "IDX: '{}' declares sizes {} whose product overflows", path, shape_str(shape));
    numel *= size;
  }

  // Read in chunks as the data arrives, so a header that lies about the size cannot make
  // us allocate more than the file really holds.
  std::vector<uint8_t> data;
  while (data.size() < numel) {
    size_t want = std::min<uint64_t>(numel - data.size(), kChunk);
    size_t old = data.size();
    data.resize(old + want);
    size_t n = read_some(file.get(), data.data() + old, want, path);
    data.resize(old + n);
    if (n < want) break;
  }
  DS_CHECK(data.size() == numel, ValueError,
           "IDX: '{}' is truncated: the header declares {} = {} bytes of data, the file holds {}",
           path, shape_str(shape), numel, data.size());
  uint8_t extra = 0;
  DS_CHECK(read_some(file.get(), &extra, 1, path) == 0, ValueError,
           "IDX: '{}' has bytes after the {} declared by its header {}", path, numel,
           shape_str(shape));

  Tensor out = empty(shape, DType::UInt8);
  if (numel > 0) std::memcpy(out.data_ptr<uint8_t>(), data.data(), data.size());
  return out;
}

}  // namespace deepseek::data
