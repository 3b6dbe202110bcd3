// Reductions, sorting, scans, counting, matrix products, diagonals and softmax: module
// functions and Tensor methods.
#include "deepseek/ops/binary.h"
#include "deepseek/ops/counting.h"
#include "deepseek/ops/diagonal.h"
#include "deepseek/ops/einsum.h"
#include "deepseek/ops/linalg.h"
#include "deepseek/ops/reduction.h"
#include "deepseek/ops/scan.h"
#include "deepseek/ops/softmax.h"
#include "deepseek/ops/sorting.h"
#include "deepseek/ops/unary.h"
#include "pybind_common.h"

namespace deepseek::python {

namespace {

using Dims = std::vector<int64_t>;

// dim=None | int | sequence of ints -> Dims (empty = all).
Dims to_dims(py::handle dim) {
  if (dim.is_none()) return {};
  if (PyLong_Check(dim.ptr())) return {dim.cast<int64_t>()};
  return dim.cast<Dims>();
}

template <typename Fn>
void def_binary(py::module_& m, py::class_<TensorImpl, std::shared_ptr<TensorImpl>>& cls,
                const char* name, Fn fn) {
  m.def(name, [fn, name](py::handle a, py::handle b) {
    return fn(operand_or_throw(a, name), operand_or_throw(b, name));
  });
  cls.def(name,
          [fn, name](const Tensor& a, py::handle b) { return fn(a, operand_or_throw(b, name)); });
}

py::object return_type(const char* name, const Tensor& a, const Tensor& b) {
  return py::module_::import("deepseek.return_types").attr(name)(a, b);
}

// Sorting, selection, unique, scans and counting (ops/sorting.h, scan.h, counting.h).
void bind_sorting_scans(py::module_& m, py::class_<TensorImpl, std::shared_ptr<TensorImpl>>& cls) {
  auto sort_fn = [](const Tensor& x, int64_t dim, bool descending, bool stable) {
    auto [v, i] = sort(x, dim, descending, stable);
    return return_type("sort", v, i);
  };
  m.def("sort", sort_fn, py::arg("input"), py::arg("dim") = -1, py::arg("descending") = false,
        py::kw_only(), py::arg("stable") = false);
  cls.def("sort", sort_fn, py::arg("dim") = -1, py::arg("descending") = false, py::kw_only(),
          py::arg("stable") = false);
  auto msort_fn = [](const Tensor& x) { return std::get<0>(sort(x, 0)); };
  m.def("msort", msort_fn, py::arg("input"));
  cls.def("msort", msort_fn);
  auto argsort_fn = [](const Tensor& x, int64_t dim, bool descending, bool stable) {
    return argsort(x, dim, descending, stable);
  };
  m.def("argsort", argsort_fn, py::arg("input"), py::arg("dim") = -1, py::arg("descending") = false,
        py::kw_only(), py::arg("stable") = false);
  cls.def("argsort", argsort_fn, py::arg("dim") = -1, py::arg("descending") = false, py::kw_only(),
          py::arg("stable") = false);
  auto topk_fn = [](const Tensor& x, int64_t k, int64_t dim, bool largest, bool sorted) {
    auto [v, i] = topk(x, k, dim, largest, sorted);
    return return_type("topk", v, i);
  };
  m.def("topk", topk_fn, py::arg("input"), py::arg("k"), py::arg("dim") = -1,
        py::arg("largest") = true, py::arg("sorted") = true);
  cls.def("topk", topk_fn, py::arg("k"), py::arg("dim") = -1, py::arg("largest") = true,
          py::arg("sorted") = true);
  auto kth_fn = [](const Tensor& x, int64_t k, int64_t dim, bool keepdim) {
    auto [v, i] = kthvalue(x, k, dim, keepdim);
    return return_type("kthvalue", v, i);
  };
  m.def("kthvalue", kth_fn, py::arg("input"), py::arg("k"), py::arg("dim") = -1,
        py::arg("keepdim") = false);
  cls.def("kthvalue", kth_fn, py::arg("k"), py::arg("dim") = -1, py::arg("keepdim") = false);
  auto median_fn = [](const Tensor& x, std::optional<int64_t> dim, bool keepdim) -> py::object {
    if (!dim) return py::cast(median(x));
    auto [v, i] = median(x, *dim, keepdim);
    return return_type("median", v, i);
  };
  m.def("median", median_fn, py::arg("input"), py::arg("dim") = py::none(),
        py::arg("keepdim") = false);
  cls.def("median", median_fn, py::arg("dim") = py::none(), py::arg("keepdim") = false);
  auto unique_fn = [](const Tensor& x, bool /*sorted*/, bool return_inverse, bool return_counts,
                      py::object dim) -> py::object {
    UniqueResult r = dim.is_none()
                         ? unique(x, return_inverse, return_counts)
                         : unique_dim(x, dim.cast<int64_t>(), return_inverse, return_counts);
    if (!return_inverse && !return_counts) return py::cast(r.values);
    py::list out;
    out.append(r.values);
    if (return_inverse) out.append(r.inverse);
    if (return_counts) out.append(r.counts);
    return py::tuple(out);
  };
  m.def("unique", unique_fn, py::arg("input"), py::arg("sorted") = true,
        py::arg("return_inverse") = false, py::arg("return_counts") = false,
        py::arg("dim") = py::none());
  cls.def("unique", unique_fn, py::arg("sorted") = true, py::arg("return_inverse") = false,
          py::arg("return_counts") = false, py::arg("dim") = py::none());
  m.def(
      "searchsorted",
      [](const Tensor& seq, py::handle values, bool out_int32, bool right,
         std::optional<std::string> side) {
        if (side) {
          DS_CHECK(*side == "left" || *side == "right", RuntimeError,
                   "torch.searchsorted(): side can only be 'left' or 'right' but got {}", *side);
          DS_CHECK(!right || *side == "right", RuntimeError,
                   "torch.searchsorted(): side and right can't be set to opposites, got side of "
                   "left while right was True");
          right = *side == "right";
        }
        return searchsorted(seq, operand_or_throw(values, "searchsorted"), out_int32, right);
      },
      py::arg("sorted_sequence"), py::arg("input"), py::kw_only(), py::arg("out_int32") = false,
      py::arg("right") = false, py::arg("side") = py::none());

  // cumulative ops
  for (bool is_sum : {true, false}) {
    auto fn = [is_sum](const Tensor& x, int64_t dim, std::optional<DType> dtype) {
      return is_sum ? cumsum(x, dim, dtype) : cumprod(x, dim, dtype);
    };
    const char* name = is_sum ? "cumsum" : "cumprod";
    m.def(name, fn, py::arg("input"), py::arg("dim"), py::kw_only(), py::arg("dtype") = py::none());
    cls.def(name, fn, py::arg("dim"), py::kw_only(), py::arg("dtype") = py::none());
    cls.def(
        is_sum ? "cumsum_" : "cumprod_",
        [is_sum](const Tensor& x, int64_t dim) {
          return is_sum ? cumsum_(x, dim) : cumprod_(x, dim);
        },
        py::arg("dim"));
  }
  for (bool is_max : {true, false}) {
    const char* name = is_max ? "cummax" : "cummin";
    auto fn = [is_max, name](const Tensor& x, int64_t dim) {
      auto [v, i] = is_max ? cummax(x, dim) : cummin(x, dim);
      return return_type(name, v, i);
    };
    m.def(name, fn, py::arg("input"), py::arg("dim"));
    cls.def(name, fn, py::arg("dim"));
  }

  // counting
  auto bincount_fn = [](const Tensor& x, std::optional<Tensor> weights, int64_t minlength) {
    return bincount(x, weights.value_or(Tensor()), minlength);
  };
  m.def("bincount", bincount_fn, py::arg("input"), py::arg("weights") = py::none(),
        py::arg("minlength") = 0);
  cls.def("bincount", bincount_fn, py::arg("weights") = py::none(), py::arg("minlength") = 0);
  auto histc_fn = [](const Tensor& x, int64_t bins, double min, double max) {
    return histc(x, bins, min, max);
  };
  m.def("histc", histc_fn, py::arg("input"), py::arg("bins") = 100, py::arg("min") = 0,
        py::arg("max") = 0);
  cls.def("histc", histc_fn, py::arg("bins") = 100, py::arg("min") = 0, py::arg("max") = 0);
}

// var/std's degrees-of-freedom correction from PyTorch's two spellings: correction= wins,
// then the older unbiased= (True: 1, False: 0); 1 when neither is given.
double bessel_correction(const py::object& unbiased, const py::object& correction) {
  if (!correction.is_none()) return correction.cast<double>();
  if (!unbiased.is_none()) return unbiased.cast<bool>() ? 1 : 0;
  return 1;
}

}  // namespace

void bind_reduce_linalg(py::module_& m) {
  auto cls =
      py::reinterpret_borrow<py::class_<TensorImpl, std::shared_ptr<TensorImpl>>>(m.attr("Tensor"));

  // ---- reductions (dim: None | int | tuple) ----
  auto def_reduce = [&](const char* name, Tensor (*fn)(const Tensor&, const Dims&, bool)) {
    m.def(
        name,
        [fn](const Tensor& x, py::object dim, bool keepdim) {
          return fn(x, to_dims(dim), keepdim);
        },
        py::arg("input"), py::arg("dim") = py::none(), py::arg("keepdim") = false);
    cls.def(
        name,
        [fn](const Tensor& x, py::object dim, bool keepdim) {
          return fn(x, to_dims(dim), keepdim);
        },
        py::arg("dim") = py::none(), py::arg("keepdim") = false);
  };
  def_reduce("mean", &mean);
  def_reduce("prod", &prod);
  def_reduce("amax", &amax);
  def_reduce("amin", &amin);
  def_reduce("all", &all);
  def_reduce("any", &any);
  def_reduce("logsumexp", &logsumexp);
  auto sum_fn = [](const Tensor& x, py::object dim, bool keepdim, std::optional<DType> dtype) {
    return sum(x, to_dims(dim), keepdim, dtype);
  };
  m.def("sum", sum_fn, py::arg("input"), py::arg("dim") = py::none(), py::arg("keepdim") = false,
        py::kw_only(), py::arg("dtype") = py::none());
  cls.def("sum", sum_fn, py::arg("dim") = py::none(), py::arg("keepdim") = false, py::kw_only(),
          py::arg("dtype") = py::none());
  auto var_fn = [](bool is_std) {
    return [is_std](const Tensor& x, py::object dim, py::object unbiased, bool keepdim,
                    py::object correction) {
      const double c = bessel_correction(unbiased, correction);
      return is_std ? deepseek::std(x, to_dims(dim), c, keepdim) : var(x, to_dims(dim), c, keepdim);
    };
  };
  for (bool is_std : {false, true}) {
    const char* name = is_std ? "std" : "var";
    m.def(name, var_fn(is_std), py::arg("input"), py::arg("dim") = py::none(),
          py::arg("unbiased") = py::none(), py::arg("keepdim") = false, py::kw_only(),
          py::arg("correction") = py::none());
    cls.def(name, var_fn(is_std), py::arg("dim") = py::none(), py::arg("unbiased") = py::none(),
            py::arg("keepdim") = false, py::kw_only(), py::arg("correction") = py::none());
  }
  auto norm_fn = [](const Tensor& x, py::object p, py::object dim, bool keepdim) {
    Scalar ps = 2;
    if (py::isinstance<py::str>(p)) {
      std::string s = p.cast<std::string>();
      DS_CHECK(s == "fro", ValueError, "norm: unsupported norm type '{}'", s);
    } else if (!p.is_none()) {
      ps = *to_scalar(p);
    }
    return norm(x, ps, to_dims(dim), keepdim);
  };
  m.def("norm", norm_fn, py::arg("input"), py::arg("p") = "fro", py::arg("dim") = py::none(),
        py::arg("keepdim") = false);
  cls.def("norm", norm_fn, py::arg("p") = "fro", py::arg("dim") = py::none(),
          py::arg("keepdim") = false);
  // max/min: no dim -> value; dim -> (values, indices); tensor -> maximum.
  auto extreme = [](bool is_max) {
    return [is_max](const Tensor& x, py::object dim, bool keepdim) -> py::object {
      if (dim.is_none()) return py::cast(is_max ? max(x) : min(x));
      if (py::isinstance<TensorImpl>(dim))
        return py::cast(is_max ? maximum(x, dim.cast<Tensor>()) : minimum(x, dim.cast<Tensor>()));
      auto [v, i] =
          is_max ? max(x, dim.cast<int64_t>(), keepdim) : min(x, dim.cast<int64_t>(), keepdim);
      py::object result = py::module_::import("deepseek.return_types").attr(is_max ? "max" : "min");
      return result(v, i);
    };
  };
  for (bool is_max : {true, false}) {
    const char* name = is_max ? "max" : "min";
    m.def(name, extreme(is_max), py::arg("input"), py::arg("dim") = py::none(),
          py::arg("keepdim") = false);
    cls.def(name, extreme(is_max), py::arg("dim") = py::none(), py::arg("keepdim") = false);
  }
  auto argext = [](bool is_max) {
    return [is_max](const Tensor& x, std::optional<int64_t> dim, bool keepdim) {
      return is_max ? argmax(x, dim, keepdim) : argmin(x, dim, keepdim);
    };
  };
  m.def("argmax", argext(true), py::arg("input"), py::arg("dim") = py::none(),
        py::arg("keepdim") = false);
  m.def("argmin", argext(false), py::arg("input"), py::arg("dim") = py::none(),
        py::arg("keepdim") = false);
  cls.def("argmax", argext(true), py::arg("dim") = py::none(), py::arg("keepdim") = false);
  cls.def("argmin", argext(false), py::arg("dim") = py::none(), py::arg("keepdim") = false);

  for (bool is_std : {false, true}) {
    auto fn = [is_std](const Tensor& x, py::object dim, py::object unbiased, bool keepdim,
                       py::object correction) {
      const double c = bessel_correction(unbiased, correction);
      auto [spread, center] =
          is_std ? std_mean(x, to_dims(dim), c, keepdim) : var_mean(x, to_dims(dim), c, keepdim);
      return py::make_tuple(spread, center);
    };
    m.def(is_std ? "std_mean" : "var_mean", fn, py::arg("input"), py::arg("dim") = py::none(),
          py::arg("unbiased") = py::none(), py::arg("keepdim") = false, py::kw_only(),
          py::arg("correction") = py::none());
  }
  auto count_nonzero_fn = [](const Tensor& x, py::object dim) {
    return count_nonzero(x, to_dims(dim));
  };
  m.def("count_nonzero", count_nonzero_fn, py::arg("input"), py::arg("dim") = py::none());
  cls.def("count_nonzero", count_nonzero_fn, py::arg("dim") = py::none());

  bind_sorting_scans(m, cls);

  // ---- linear algebra ----
  def_binary(m, cls, "matmul", [](const Tensor& a, const Tensor& b) { return matmul(a, b); });
  def_binary(m, cls, "mm", [](const Tensor& a, const Tensor& b) { return mm(a, b); });
  def_binary(m, cls, "bmm", [](const Tensor& a, const Tensor& b) { return bmm(a, b); });
  def_binary(m, cls, "dot", [](const Tensor& a, const Tensor& b) { return dot(a, b); });
  def_binary(m, cls, "outer", [](const Tensor& a, const Tensor& b) { return outer(a, b); });
  m.def(
      "addmm",
      [](const Tensor& input, const Tensor& m1, const Tensor& m2, const Scalar& beta,
         const Scalar& alpha) { return addmm(input, m1, m2, beta, alpha); },
      py::arg("input"), py::arg("mat1"), py::arg("mat2"), py::kw_only(), py::arg("beta") = 1,
      py::arg("alpha") = 1);
  cls.def(
      "addmm",
      [](const Tensor& input, const Tensor& m1, const Tensor& m2, const Scalar& beta,
         const Scalar& alpha) { return addmm(input, m1, m2, beta, alpha); },
      py::arg("mat1"), py::arg("mat2"), py::kw_only(), py::arg("beta") = 1, py::arg("alpha") = 1);
  for (bool batched_sum : {false, true}) {
    auto fn = [batched_sum](const Tensor& input, const Tensor& b1, const Tensor& b2,
                            const Scalar& beta, const Scalar& alpha) {
      return batched_sum ? addbmm(input, b1, b2, beta, alpha) : baddbmm(input, b1, b2, beta, alpha);
    };
    const char* name = batched_sum ? "addbmm" : "baddbmm";
    m.def(name, fn, py::arg("input"), py::arg("batch1"), py::arg("batch2"), py::kw_only(),
          py::arg("beta") = 1, py::arg("alpha") = 1);
    cls.def(name, fn, py::arg("batch1"), py::arg("batch2"), py::kw_only(), py::arg("beta") = 1,
            py::arg("alpha") = 1);
  }
  auto cross_fn = [](const Tensor& a, const Tensor& b, std::optional<int64_t> dim) {
    return cross(a, b, dim);
  };
  m.def("cross", cross_fn, py::arg("input"), py::arg("other"), py::arg("dim") = py::none());
  cls.def("cross", cross_fn, py::arg("other"), py::arg("dim") = py::none());
  // einsum(equation, *operands) or einsum(equation, [operands]).
  m.def("einsum", [](const std::string& equation, const py::args& args) {
    TensorList operands;
    if (args.size() == 1 && !py::isinstance<TensorImpl>(args[0])) {
      operands = args[0].cast<TensorList>();
    } else {
      for (py::handle h : args) operands.push_back(h.cast<Tensor>());
    }
    return einsum(equation, operands);
  });
  auto diagonal_fn = [](const Tensor& x, int64_t offset, int64_t d1, int64_t d2) {
    return diagonal(x, offset, d1, d2);
  };
  m.def("diagonal", diagonal_fn, py::arg("input"), py::arg("offset") = 0, py::arg("dim1") = 0,
        py::arg("dim2") = 1);
  cls.def("diagonal", diagonal_fn, py::arg("offset") = 0, py::arg("dim1") = 0, py::arg("dim2") = 1);
  auto diag_embed_fn = [](const Tensor& x, int64_t offset, int64_t d1, int64_t d2) {
    return diag_embed(x, offset, d1, d2);
  };
  m.def("diag_embed", diag_embed_fn, py::arg("input"), py::arg("offset") = 0, py::arg("dim1") = -2,
        py::arg("dim2") = -1);
  cls.def("diag_embed", diag_embed_fn, py::arg("offset") = 0, py::arg("dim1") = -2,
          py::arg("dim2") = -1);
  auto diag_fn = [](const Tensor& x, int64_t k) { return diag(x, k); };
  m.def("diag", diag_fn, py::arg("input"), py::arg("diagonal") = 0);
  cls.def("diag", diag_fn, py::arg("diagonal") = 0);
  m.def(
      "trace", [](const Tensor& x) { return trace(x); }, py::arg("input"));
  cls.def("trace", [](const Tensor& x) { return trace(x); });
  m.def(
      "_linear",
      [](const Tensor& x, const Tensor& w, std::optional<Tensor> b) {
        return linear(x, w, b.value_or(Tensor()));
      },
      py::arg("input"), py::arg("weight"), py::arg("bias") = py::none());

  // ---- softmax ----
  for (bool log : {false, true}) {
    auto fn = [log](const Tensor& x, int64_t dim, std::optional<DType> dtype) {
      return log ? log_softmax(x, dim, dtype) : softmax(x, dim, dtype);
    };
    const char* name = log ? "log_softmax" : "softmax";
    m.def(name, fn, py::arg("input"), py::arg("dim"), py::arg("dtype") = py::none());
    cls.def(name, fn, py::arg("dim"), py::arg("dtype") = py::none());
  }
}

}  // namespace deepseek::python
