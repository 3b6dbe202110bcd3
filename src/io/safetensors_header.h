// The safetensors header: validating a file's JSON header and producing one for writing.
// Private to src/io; the rules are listed in include/deepseek/io/safetensors.h.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "deepseek/core/dtype.h"
#include "deepseek/core/shape.h"
#include "deepseek/io/safetensors.h"

namespace deepseek::safetensors::detail {

inline constexpr uint64_t kLengthFieldBytes = 8;

struct TensorEntry {
  std::string name;
  DType dtype;
  Shape shape;
  uint64_t begin = 0;  // byte offsets into the data section, [begin, end)
  uint64_t end = 0;
};

struct Header {
  std::vector<TensorEntry> tensors;  // sorted by offset
  Metadata metadata;
};

// Reads the little-endian length field (the first 8 bytes) and checks that the header
// it announces fits the limit and the file.
uint64_t header_length(const unsigned char field[kLengthFieldBytes], uint64_t file_bytes);
// Validates the header JSON against every rule; `data_bytes` is what follows the header.
Header parse_header(std::string_view json, uint64_t data_bytes);
// The header for `entries` (offsets already assigned), padded with spaces so that the data
// section starts 8-byte aligned, as the reference writer does. Throws ValueError for names
// or metadata that are not valid UTF-8, or a header over the size limit.
std::string format_header(const std::vector<TensorEntry>& entries, const Metadata& metadata);

// `text` quoted for an error message: control and non-ASCII bytes escaped as \xNN (a file's
// bytes may not be UTF-8, and Python decodes messages as UTF-8), long text shortened.
std::string printable(std::string_view text);

}  // namespace deepseek::safetensors::detail
