// The IDX file format of MNIST and Fashion-MNIST (yann.lecun.com/exdb/mnist): a 4-byte
// big-endian magic 0x00 0x00 <type> <ndims>, ndims big-endian uint32 sizes, then the
// row-major data. Only the unsigned-byte type (0x08) that these datasets use is read.
// Files may be gzip-compressed or raw (both are read the same way).
#pragma once

#include <string>

#include "deepseek/core/tensor.h"

namespace deepseek::data {

// The file's data as a uint8 tensor of the header's shape. A missing or unreadable file is
// a RuntimeError naming the path; a file that breaks the format is a ValueError saying
// what is wrong: bad magic, an unexpected number of dims (when expected_dims >= 0), data
// shorter or longer than the header declares, corrupt gzip data.
Tensor read_idx(const std::string& path, int expected_dims = -1);

}  // namespace deepseek::data
