// The safetensors file format (huggingface/safetensors): an 8-byte little-endian header
// length N, N bytes of JSON describing each tensor, then the tensors' raw bytes.
//
//   {"__metadata__": {"k": "v"}, "w": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}}
//
// Offsets count from the first byte after the header. Files written here are readable by
// any safetensors tool. Reading is stricter than the reference reader, because a checkpoint
// is untrusted input: every rule below is checked, and a file that breaks one raises
// ValueError with a message "safetensors: ..." naming the rule and the offending values.
//   - the file holds the 8-byte length field; the header length is at most 100 MB and
//     within the file;
//   - the header starts with '{', is valid UTF-8 JSON, has no duplicate keys and nests no
//     deeper than the format does (at most 64 elements per shape / offsets array);
//   - "__metadata__", if present, is an object whose values are all strings;
//   - every tensor entry is an object with exactly "dtype", "shape" and "data_offsets";
//     dtype is one of F64 F32 F16 BF16 I64 I32 I16 I8 U8 BOOL; shape dims and offsets are
//     non-negative 64-bit integers;
//   - itemsize x shape (computed with overflow checks) equals end - begin;
//   - sorted by offset, the tensors tile the data section exactly: the first begins at 0,
//     each begins where the previous ends (no holes, no overlaps), the last ends at the
//     end of the file (no trailing bytes, nothing beyond it);
//   - BOOL tensors hold only bytes 0 and 1 (any other byte is not a valid C++ bool).
// I/O failures (missing file, full disk) raise RuntimeError naming the path and the cause.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "deepseek/core/tensor.h"

namespace deepseek::safetensors {

inline constexpr uint64_t kMaxHeaderBytes = 100'000'000;  // the "100 MB" of the rule above

// Tensors in file order, each under a unique name.
using NamedTensors = std::vector<std::pair<std::string, Tensor>>;
// The "__metadata__" object: free-form string pairs.
using Metadata = std::map<std::string, std::string>;

struct Contents {
  NamedTensors tensors;  // sorted by data offset; all on the CPU, contiguous
  Metadata metadata;
};

// Writes `tensors` (any device, any layout: they are copied to contiguous host memory
// first) atomically: the bytes go to a temporary file in the same folder, which is
// fsynced and renamed over `path`, and then the folder is fsynced. A failure or crash
// part-way leaves any previous file at `path` intact. Names must be unique, valid UTF-8
// and not "__metadata__".
void write(const std::string& path, const NamedTensors& tensors, const Metadata& metadata = {});
// Reads and validates a file as described above.
Contents read(const std::string& path);

// The same two operations on an in-memory file (no disk involved).
std::string serialize(const NamedTensors& tensors, const Metadata& metadata = {});
Contents parse(std::string_view bytes);

// "F32", "BF16", "BOOL", ... for a deepseek dtype.
const char* dtype_code(DType dtype);

}  // namespace deepseek::safetensors
