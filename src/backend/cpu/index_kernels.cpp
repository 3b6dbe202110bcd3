// index_select / index_put / gather / scatter / nonzero.
//
// Index values are data, so they are range-checked here, serially and before any parallel
// loop starts (an exception must never leave an OpenMP region).
#include <cstring>

#include "cpu_backend.h"
#include "strided_loop.h"

namespace deepseek::cpu {

namespace {

// PyTorch raises IndexError for index_select/index_add and RuntimeError for gather/scatter.
enum class OutOfRange { IndexError, RuntimeError };

void check_indices(const Tensor& index, int64_t size, const char* op, int64_t dim,
                   OutOfRange kind) {
  // index may be strided (gather/scatter); walk it with the loop helper, serially.
  StridedLoop<1> loop({&index});
  loop.for_each(
      [&](char* const* p, const int64_t* s, int64_t n) {
        for (int64_t i = 0; i < n; ++i) {
          int64_t v = *reinterpret_cast<const int64_t*>(p[0] + i * s[0]);
          if (v >= 0 && v < size) continue;
          if (kind == OutOfRange::IndexError) {
            DS_THROW(IndexError,
                     "{}(): index out of range in self (index {} is out of bounds for dimension "
                     "{} with size {})",
                     op, v, dim, size);
          }
          DS_THROW(RuntimeError, "{}(): index {} is out of bounds for dimension {} with size {}",
                   op, v, dim, size);
        }
      },
      /*grain=*/INT64_MAX);
}

// `t` restrided to `sizes` with the stride of `dim` zeroed: the base pointer of each
// element's line along dim, for gather/scatter's pointer arithmetic.
Tensor line_starts(const Tensor& t, const Shape& sizes, int64_t dim) {
  Strides st = t.strides();
  st[dim] = 0;
  return make_view(t, sizes, st, t.storage_offset());
}

}  // namespace

void CpuBackend::index_select(const Tensor& in, int64_t dim, const Tensor& index,
                              const Tensor& out) {
  const int64_t size = in.size(dim);
  check_indices(index, size, "index_select", dim, OutOfRange::IndexError);
  // in and out are contiguous: [outer, size, inner] -> [outer, k, inner].
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < dim; ++d) outer *= in.size(d);
  for (int64_t d = dim + 1; d < in.dim(); ++d) inner *= in.size(d);
  const int64_t k = index.numel();
  const int64_t* idx = index.data_ptr<int64_t>();
  const size_t row = static_cast<size_t>(inner) * in.element_size();
  const char* src = static_cast<const char*>(in.data_ptr());
  char* dst = static_cast<char*>(out.data_ptr());
#pragma omp parallel for collapse(2) if (outer * k * inner > kParallelGrain)
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < k; ++i) {
      std::memcpy(dst + (o * k + i) * row, src + (o * size + idx[i]) * row, row);
    }
  }
}

void CpuBackend::index_put(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& src,
                           bool accumulate) {
  const int64_t size = self.size(dim);
  check_indices(index, size, accumulate ? "index_add" : "index_copy", dim, OutOfRange::IndexError);
  const int64_t k = index.numel();
  const int64_t* idx = index.data_ptr<int64_t>();
  if (self.is_contiguous() && src.is_contiguous()) {
    int64_t outer = 1, inner = 1;
    for (int64_t d = 0; d < dim; ++d) outer *= self.size(d);
    for (int64_t d = dim + 1; d < self.dim(); ++d) inner *= self.size(d);
    visit_dtype(self.dtype(), "index_put", [&](auto tag) {
      using T = typename decltype(tag)::type;
      using C = compute_type_t<T>;
      T* s = static_cast<T*>(self.data_ptr());
      const T* v = static_cast<const T*>(src.data_ptr());
      // Threads own disjoint outer rows, so repeated indices accumulate without races.
#pragma omp parallel for if (outer * k * inner > kParallelGrain)
      for (int64_t o = 0; o < outer; ++o) {
        for (int64_t i = 0; i < k; ++i) {
          T* d = s + (o * size + idx[i]) * inner;
          const T* from = v + (o * k + i) * inner;
          if (accumulate) {
            if constexpr (std::is_same_v<T, bool>) {
              for (int64_t j = 0; j < inner; ++j) d[j] = d[j] || from[j];
            } else {
              for (int64_t j = 0; j < inner; ++j)
                d[j] = static_cast<T>(static_cast<C>(d[j]) + static_cast<C>(from[j]));
            }
          } else {
            std::memcpy(d, from, sizeof(T) * inner);
          }
        }
      }
    });
    return;
  }
  // Strided self (an in-place write through a view): one sub-view pair per index entry.
  for (int64_t i = 0; i < k; ++i) {
    auto select_view = [](const Tensor& t, int64_t d, int64_t at) {
      Shape sz = t.sizes();
      Strides st = t.strides();
      sz.erase(sz.begin() + d);
      st.erase(st.begin() + d);
      return make_view(t, sz, st, t.storage_offset() + at * t.stride(d));
    };
    Tensor dst = select_view(self, dim, idx[i]);
    Tensor from = select_view(src, dim, i);
    if (accumulate) {
      binary(BinaryOp::Add, dst, from, dst);
    } else {
      copy(from, dst);
    }
  }
}

void CpuBackend::gather(const Tensor& in, int64_t dim, const Tensor& index, const Tensor& out) {
  const int64_t size = in.dim() == 0 ? 1 : in.size(dim);
  check_indices(index, size, "gather", dim, OutOfRange::RuntimeError);
  const int64_t stride = in.dim() == 0 ? 0 : in.stride(dim);
  Tensor src = in.dim() == 0 ? in : line_starts(in, index.sizes(), dim);
  visit_dtype(in.dtype(), "gather", [&](auto tag) {
    using T = typename decltype(tag)::type;
    StridedLoop<3> loop({&out, &index, &src});
    loop.for_each([&](char* const* p, const int64_t* s, int64_t n) {
      for (int64_t i = 0; i < n; ++i) {
        const int64_t ix = *reinterpret_cast<const int64_t*>(p[1] + i * s[1]);
        *reinterpret_cast<T*>(p[0] + i * s[0]) =
            reinterpret_cast<const T*>(p[2] + i * s[2])[ix * stride];
      }
    });
  });
}

void CpuBackend::scatter(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& src,
                         bool accumulate) {
  const int64_t size = self.dim() == 0 ? 1 : self.size(dim);
  check_indices(index, size, accumulate ? "scatter_add" : "scatter", dim, OutOfRange::RuntimeError);
  const int64_t stride = self.dim() == 0 ? 0 : self.stride(dim);
  Tensor dst = self.dim() == 0 ? self : line_starts(self, index.sizes(), dim);
  visit_dtype(self.dtype(), "scatter", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = compute_type_t<T>;
    StridedLoop<3> loop({&dst, &index, &src});
    // Several elements may target one slot: run on one thread so sums are exact and the
    // last write wins deterministically.
    loop.for_each(
        [&](char* const* p, const int64_t* s, int64_t n) {
          for (int64_t i = 0; i < n; ++i) {
            const int64_t ix = *reinterpret_cast<const int64_t*>(p[1] + i * s[1]);
            T* d = reinterpret_cast<T*>(p[0] + i * s[0]) + ix * stride;
            const T v = *reinterpret_cast<const T*>(p[2] + i * s[2]);
            if (accumulate) {
              if constexpr (std::is_same_v<T, bool>) {
                *d = *d || v;
              } else {
                *d = static_cast<T>(static_cast<C>(*d) + static_cast<C>(v));
              }
            } else {
              *d = v;
            }
          }
        },
        /*grain=*/INT64_MAX);
  });
}

Tensor CpuBackend::nonzero(const Tensor& in) {
  // in is contiguous (the op ensures it).
  const int64_t n = in.numel(), nd = in.dim();
  std::vector<int64_t> hits;
  visit_dtype(in.dtype(), "nonzero", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using C = compute_type_t<T>;
    const T* x = static_cast<const T*>(in.data_ptr());
    for (int64_t i = 0; i < n; ++i) {
      if (static_cast<C>(x[i]) != C(0)) hits.push_back(i);
    }
  });
  Tensor out = empty_tensor({static_cast<int64_t>(hits.size()), nd}, DType::Int64, in.device());
  int64_t* o = out.data_ptr<int64_t>();
  for (size_t h = 0; h < hits.size(); ++h) {
    int64_t rest = hits[h];
    for (int64_t d = nd; d-- > 0;) {
      o[h * nd + d] = rest % in.size(d);
      rest /= in.size(d);
    }
  }
  return out;
}

}  // namespace deepseek::cpu
