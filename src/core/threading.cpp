#include "deepseek/core/threading.h"

#include <omp.h>

#include "deepseek/core/error.h"

namespace deepseek {

int get_num_threads() { return omp_get_max_threads(); }

void set_num_threads(int n) {
  DS_CHECK(n >= 1, ValueError, "set_num_threads expects a positive integer, got {}", n);
  omp_set_num_threads(n);
}

}  // namespace deepseek
