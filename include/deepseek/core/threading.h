// The number of threads CPU kernels use (OpenMP; oneDNN follows the same setting).
#pragma once

namespace deepseek {

int get_num_threads();
// Throws ValueError unless n >= 1. Applies to ops launched from the calling thread.
void set_num_threads(int n);

}  // namespace deepseek
