// Shape ops, indexing ops, and Python subscripts (x[...], x[...] = v).
#include "deepseek/ops/copy.h"
#include "deepseek/ops/creation.h"
#include "deepseek/ops/index_update.h"
#include "deepseek/ops/indexing.h"
#include "deepseek/ops/shape.h"
#include "deepseek/ops/tiling.h"
#include "pybind_common.h"

namespace deepseek::python {

namespace {

// operator.index(h) as int64; raises Python's TypeError for non-integers.
int64_t index_of(py::handle h) {
  PyObject* i = PyNumber_Index(h.ptr());
  if (!i) throw py::error_already_set();
  return py::reinterpret_steal<py::int_>(i).cast<int64_t>();
}

// x.view(2, 3), x.view((2, 3)), x.view([2, 3]) and x.view(size) all mean the same.
Shape shape_from_args(const py::args& args, const char* op) {
  if (args.size() == 1 && !PyLong_Check(args[0].ptr()) && py::isinstance<py::sequence>(args[0])) {
    return args[0].cast<Shape>();
  }
  Shape s;
  for (py::handle a : args) {
    DS_CHECK(PyLong_Check(a.ptr()) || py::hasattr(a, "__index__"), TypeError,
             "{}(): argument 'size' must be tuple of ints, but found element of type {}", op,
             py::str(py::type::of(a).attr("__name__")).cast<std::string>());
    s.push_back(index_of(a));
  }
  return s;
}

std::optional<int64_t> slice_part(py::handle h) {
  if (h.is_none()) return std::nullopt;
  if (py::isinstance<TensorImpl>(h)) return h.cast<Tensor>().item().to_int();
  return index_of(h);
}

TensorIndex to_index(py::handle h) {
  if (h.is_none()) return TensorIndex::NewAxis();
  if (h.ptr() == Py_Ellipsis) return TensorIndex::Dots();
  if (py::isinstance<py::bool_>(h)) return TensorIndex::Bool(h.cast<bool>());
  if (PyLong_Check(h.ptr())) return TensorIndex::Int(h.cast<int64_t>());
  if (py::isinstance<py::slice>(h)) {
    auto s = py::reinterpret_borrow<py::slice>(h);
    auto step = slice_part(s.attr("step"));
    return TensorIndex::Slice(slice_part(s.attr("start")), slice_part(s.attr("stop")),
                              step.value_or(1));
  }
  const bool is_tensor = py::isinstance<TensorImpl>(h);
  if (is_tensor || py::isinstance<py::array>(h) ||
      (py::isinstance<py::sequence>(h) && !py::isinstance<py::str>(h))) {
    Tensor t = is_tensor ? h.cast<Tensor>() : tensor_from_python(h, std::nullopt);
    // A 0-dim integer tensor indexes like an int (keeps the result a view), as in PyTorch.
    if (t.dim() == 0 && is_integral(t.dtype())) return TensorIndex::Int(t.item().to_int());
    // An empty list selects nothing; it is an integer index, not a float tensor.
    if (!is_tensor && t.numel() == 0 && is_floating(t.dtype())) t = t.to(DType::Int64);
    return TensorIndex::Of(t);
  }
  if (py::hasattr(h, "__index__")) return TensorIndex::Int(index_of(h));
  DS_THROW(IndexError,
           "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are "
           "valid indices (got {})",
           py::str(py::type::of(h).attr("__name__")).cast<std::string>());
}

std::vector<TensorIndex> to_indices(py::handle key) {
  std::vector<TensorIndex> out;
  if (py::isinstance<py::tuple>(key)) {
    for (py::handle h : py::reinterpret_borrow<py::tuple>(key)) out.push_back(to_index(h));
  } else {
    out.push_back(to_index(key));
  }
  return out;
}

Tensor value_for(const Tensor& x, py::handle v) {
  if (py::isinstance<TensorImpl>(v)) return v.cast<Tensor>();
  if (auto s = to_scalar(v))
    return scalar_tensor(*s, TensorOptions(x.dtype()).set_device(x.device()));
  return to(tensor_from_python(v, x.dtype()), x.device(), x.dtype());
}

}  // namespace

void bind_shape(py::module_& m) {
  auto cls =
      py::reinterpret_borrow<py::class_<TensorImpl, std::shared_ptr<TensorImpl>>>(m.attr("Tensor"));

  cls.def("view", [](const Tensor& x, const py::args& args) -> py::object {
    if (args.size() == 1 && (py::isinstance<PyDType>(args[0]))) {
      DS_THROW(NotImplementedError, "view(dtype) is not supported; use .to(dtype)");
    }
    return py::cast(view(x, shape_from_args(args, "view")));
  });
  cls.def("reshape", [](const Tensor& x, const py::args& args) {
    return reshape(x, shape_from_args(args, "reshape"));
  });
  m.def(
      "reshape", [](const Tensor& x, const Shape& s) { return reshape(x, s); }, py::arg("input"),
      py::arg("shape"));
  cls.def("view_as", [](const Tensor& x, const Tensor& o) { return view(x, o.sizes()); });
  cls.def("reshape_as", [](const Tensor& x, const Tensor& o) { return reshape(x, o.sizes()); });
  cls.def("expand", [](const Tensor& x, const py::args& args) {
    return expand(x, shape_from_args(args, "expand"));
  });
  cls.def("expand_as", [](const Tensor& x, const Tensor& o) { return expand(x, o.sizes()); });
  m.def("broadcast_to", [](const Tensor& x, const Shape& s) { return expand(x, s); });
  cls.def("permute", [](const Tensor& x, const py::args& args) {
    return permute(x, shape_from_args(args, "permute"));
  });
  m.def("permute", [](const Tensor& x, const std::vector<int64_t>& d) { return permute(x, d); });
  auto transpose_fn = [](const Tensor& x, int64_t a, int64_t b) { return transpose(x, a, b); };
  m.def("transpose", transpose_fn);
  m.def("swapaxes", transpose_fn);
  cls.def("transpose", transpose_fn);
  cls.def("swapaxes", transpose_fn);
  m.def("t", [](const Tensor& x) { return t(x); });
  cls.def("t", [](const Tensor& x) { return t(x); });
  cls.def_property_readonly("T", [](const Tensor& x) {
    std::vector<int64_t> d;
    for (int64_t i = x.dim(); i-- > 0;) d.push_back(i);
    return permute(x, d);
  });
  cls.def_property_readonly("mT", [](const Tensor& x) { return transpose(x, -2, -1); });
  auto squeeze_fn = [](const Tensor& x, std::optional<int64_t> dim) { return squeeze(x, dim); };
  m.def("squeeze", squeeze_fn, py::arg("input"), py::arg("dim") = py::none());
  cls.def("squeeze", squeeze_fn, py::arg("dim") = py::none());
  m.def("unsqueeze", [](const Tensor& x, int64_t d) { return unsqueeze(x, d); });
  cls.def(
      "unsqueeze", [](const Tensor& x, int64_t d) { return unsqueeze(x, d); }, py::arg("dim"));
  auto flatten_fn = [](const Tensor& x, int64_t s, int64_t e) { return flatten(x, s, e); };
  m.def("flatten", flatten_fn, py::arg("input"), py::arg("start_dim") = 0, py::arg("end_dim") = -1);
  cls.def("flatten", flatten_fn, py::arg("start_dim") = 0, py::arg("end_dim") = -1);
  auto unflatten_fn = [](const Tensor& x, int64_t d, const Shape& s) { return unflatten(x, d, s); };
  m.def("unflatten", unflatten_fn);
  cls.def("unflatten", unflatten_fn, py::arg("dim"), py::arg("sizes"));
  auto narrow_fn = [](const Tensor& x, int64_t d, int64_t s, int64_t l) {
    return narrow(x, d, s, l);
  };
  m.def("narrow", narrow_fn);
  cls.def("narrow", narrow_fn, py::arg("dim"), py::arg("start"), py::arg("length"));
  auto select_fn = [](const Tensor& x, int64_t d, int64_t i) { return select(x, d, i); };
  m.def("select", select_fn);
  cls.def("select", select_fn, py::arg("dim"), py::arg("index"));
  m.def(
      "as_strided",
      [](const Tensor& x, const Shape& s, const Strides& st, std::optional<int64_t> off) {
        return as_strided(x, s, st, off);
      },
      py::arg("input"), py::arg("size"), py::arg("stride"), py::arg("storage_offset") = py::none());
  cls.def(
      "as_strided",
      [](const Tensor& x, const Shape& s, const Strides& st, std::optional<int64_t> off) {
        return as_strided(x, s, st, off);
      },
      py::arg("size"), py::arg("stride"), py::arg("storage_offset") = py::none());
  auto movedim_fn = [](const Tensor& x, int64_t s, int64_t d) { return movedim(x, s, d); };
  m.def("movedim", movedim_fn);
  cls.def("movedim", movedim_fn);
  m.def(
      "cat", [](const TensorList& ts, int64_t dim) { return cat(ts, dim); }, py::arg("tensors"),
      py::arg("dim") = 0);
  m.def(
      "concat", [](const TensorList& ts, int64_t dim) { return cat(ts, dim); }, py::arg("tensors"),
      py::arg("dim") = 0);
  m.def(
      "stack", [](const TensorList& ts, int64_t dim) { return stack(ts, dim); }, py::arg("tensors"),
      py::arg("dim") = 0);
  auto split_fn = [](const Tensor& x, py::object size, int64_t dim) {
    if (PyLong_Check(size.ptr())) return py::tuple(py::cast(split(x, size.cast<int64_t>(), dim)));
    return py::tuple(py::cast(split(x, size.cast<std::vector<int64_t>>(), dim)));
  };
  m.def("split", split_fn, py::arg("tensor"), py::arg("split_size_or_sections"),
        py::arg("dim") = 0);
  cls.def("split", split_fn, py::arg("split_size"), py::arg("dim") = 0);
  auto chunk_fn = [](const Tensor& x, int64_t c, int64_t d) {
    return py::tuple(py::cast(chunk(x, c, d)));
  };
  m.def("chunk", chunk_fn, py::arg("input"), py::arg("chunks"), py::arg("dim") = 0);
  cls.def("chunk", chunk_fn, py::arg("chunks"), py::arg("dim") = 0);
  auto unbind_fn = [](const Tensor& x, int64_t d) { return py::tuple(py::cast(unbind(x, d))); };
  m.def("unbind", unbind_fn, py::arg("input"), py::arg("dim") = 0);
  cls.def("unbind", unbind_fn, py::arg("dim") = 0);
  cls.def("repeat", [](const Tensor& x, const py::args& args) {
    return repeat(x, shape_from_args(args, "repeat"));
  });
  auto tril_fn = [](const Tensor& x, int64_t d) { return tril(x, d); };
  auto triu_fn = [](const Tensor& x, int64_t d) { return triu(x, d); };
  m.def("tril", tril_fn, py::arg("input"), py::arg("diagonal") = 0);
  m.def("triu", triu_fn, py::arg("input"), py::arg("diagonal") = 0);
  cls.def("tril", tril_fn, py::arg("diagonal") = 0);
  cls.def("triu", triu_fn, py::arg("diagonal") = 0);
  auto flip_fn = [](const Tensor& x, const std::vector<int64_t>& d) { return flip(x, d); };
  m.def("flip", flip_fn, py::arg("input"), py::arg("dims"));
  cls.def("flip", [](const Tensor& x, const py::args& args) {
    return flip(x, shape_from_args(args, "flip"));
  });

  // roll(input, shifts, dims=None): shifts and dims are ints or sequences of ints.
  auto int_list = [](py::handle h) -> std::vector<int64_t> {
    if (h.is_none()) return {};
    if (PyLong_Check(h.ptr()) || py::hasattr(h, "__index__")) return {index_of(h)};
    return h.cast<std::vector<int64_t>>();
  };
  auto roll_fn = [int_list](const Tensor& x, py::handle shifts, py::handle dims) {
    return roll(x, int_list(shifts), int_list(dims));
  };
  m.def("roll", roll_fn, py::arg("input"), py::arg("shifts"), py::arg("dims") = py::none());
  cls.def("roll", roll_fn, py::arg("shifts"), py::arg("dims") = py::none());

  // indexing ops
  auto isel = [](const Tensor& x, int64_t d, const Tensor& i) { return index_select(x, d, i); };
  m.def("index_select", isel, py::arg("input"), py::arg("dim"), py::arg("index"));
  cls.def("index_select", isel, py::arg("dim"), py::arg("index"));
  auto gather_fn = [](const Tensor& x, int64_t d, const Tensor& i) { return gather(x, d, i); };
  m.def("gather", gather_fn, py::arg("input"), py::arg("dim"), py::arg("index"));
  cls.def("gather", gather_fn, py::arg("dim"), py::arg("index"));
  auto scatter_fn = [](const Tensor& x, int64_t d, const Tensor& i, py::handle src) {
    if (py::isinstance<TensorImpl>(src)) return scatter(x, d, i, src.cast<Tensor>());
    return scatter(x, d, i, *to_scalar(src));
  };
  m.def("scatter", scatter_fn, py::arg("input"), py::arg("dim"), py::arg("index"), py::arg("src"));
  cls.def("scatter", scatter_fn, py::arg("dim"), py::arg("index"), py::arg("src"));
  auto scatter_add_fn = [](const Tensor& x, int64_t d, const Tensor& i, const Tensor& s) {
    return scatter_add(x, d, i, s);
  };
  m.def("scatter_add", scatter_add_fn, py::arg("input"), py::arg("dim"), py::arg("index"),
        py::arg("src"));
  cls.def("scatter_add", scatter_add_fn, py::arg("dim"), py::arg("index"), py::arg("src"));
  // In-place scatter variants write the out-of-place result back (one extra copy).
  cls.def(
      "scatter_",
      [scatter_fn](const Tensor& x, int64_t d, const Tensor& i, py::handle src) {
        return copy_(x, scatter_fn(x, d, i, src));
      },
      py::arg("dim"), py::arg("index"), py::arg("src"));
  cls.def(
      "scatter_add_",
      [](const Tensor& x, int64_t d, const Tensor& i, const Tensor& s) {
        return copy_(x, scatter_add(x, d, i, s));
      },
      py::arg("dim"), py::arg("index"), py::arg("src"));
  auto index_add_fn = [](const Tensor& x, int64_t d, const Tensor& i, const Tensor& s,
                         const Scalar& alpha) { return index_add(x, d, i, s, alpha); };
  m.def("index_add", index_add_fn, py::arg("input"), py::arg("dim"), py::arg("index"),
        py::arg("source"), py::kw_only(), py::arg("alpha") = 1);
  cls.def("index_add", index_add_fn, py::arg("dim"), py::arg("index"), py::arg("source"),
          py::kw_only(), py::arg("alpha") = 1);
  cls.def(
      "index_add_",
      [](const Tensor& x, int64_t d, const Tensor& i, const Tensor& s, const Scalar& alpha) {
        return copy_(x, index_add(x, d, i, s, alpha));
      },
      py::arg("dim"), py::arg("index"), py::arg("source"), py::kw_only(), py::arg("alpha") = 1);
  auto masked_fill_fn = [](const Tensor& x, const Tensor& mask, py::handle v) {
    if (py::isinstance<TensorImpl>(v)) return masked_fill(x, mask, v.cast<Tensor>());
    return masked_fill(x, mask, *to_scalar(v));
  };
  m.def("masked_fill", masked_fill_fn, py::arg("input"), py::arg("mask"), py::arg("value"));
  cls.def("masked_fill", masked_fill_fn, py::arg("mask"), py::arg("value"));
  cls.def(
      "masked_fill_",
      [](const Tensor& x, const Tensor& mask, py::handle v) {
        Scalar s = py::isinstance<TensorImpl>(v) ? v.cast<Tensor>().item() : *to_scalar(v);
        return masked_fill_(x, mask, s);
      },
      py::arg("mask"), py::arg("value"));
  m.def("masked_select",
        [](const Tensor& x, const Tensor& mask) { return masked_select(x, mask); });
  cls.def("masked_select",
          [](const Tensor& x, const Tensor& mask) { return masked_select(x, mask); });
  auto nonzero_fn = [](const Tensor& x, bool as_tuple) -> py::object {
    Tensor nz = nonzero(x);
    if (!as_tuple) return py::cast(nz);
    py::tuple out(x.dim());
    for (int64_t d = 0; d < x.dim(); ++d) out[d] = py::cast(select(nz, 1, d));
    return std::move(out);
  };
  m.def("nonzero", nonzero_fn, py::arg("input"), py::kw_only(), py::arg("as_tuple") = false);
  cls.def("nonzero", nonzero_fn, py::kw_only(), py::arg("as_tuple") = false);

  // writes at indices (ops/index_update.h)
  auto index_fill_fn = [](bool inplace) {
    return [inplace](const Tensor& x, int64_t d, const Tensor& i, py::handle v) {
      Scalar value = py::isinstance<TensorImpl>(v) ? v.cast<Tensor>().item() : *to_scalar(v);
      return inplace ? index_fill_(x, d, i, value) : index_fill(x, d, i, value);
    };
  };
  m.def("index_fill", index_fill_fn(false), py::arg("input"), py::arg("dim"), py::arg("index"),
        py::arg("value"));
  cls.def("index_fill", index_fill_fn(false), py::arg("dim"), py::arg("index"), py::arg("value"));
  cls.def("index_fill_", index_fill_fn(true), py::arg("dim"), py::arg("index"), py::arg("value"));
  auto index_copy_fn = [](bool inplace) {
    return [inplace](const Tensor& x, int64_t d, const Tensor& i, const Tensor& src) {
      return inplace ? index_copy_(x, d, i, src) : index_copy(x, d, i, src);
    };
  };
  m.def("index_copy", index_copy_fn(false), py::arg("input"), py::arg("dim"), py::arg("index"),
        py::arg("source"));
  cls.def("index_copy", index_copy_fn(false), py::arg("dim"), py::arg("index"), py::arg("source"));
  cls.def("index_copy_", index_copy_fn(true), py::arg("dim"), py::arg("index"), py::arg("source"));
  m.def(
      "take", [](const Tensor& x, const Tensor& i) { return take(x, i); }, py::arg("input"),
      py::arg("index"));
  cls.def(
      "take", [](const Tensor& x, const Tensor& i) { return take(x, i); }, py::arg("index"));
  auto put_fn = [](bool inplace) {
    return [inplace](const Tensor& x, const Tensor& i, const Tensor& src, bool accumulate) {
      return inplace ? put_(x, i, src, accumulate) : put(x, i, src, accumulate);
    };
  };
  m.def("put", put_fn(false), py::arg("input"), py::arg("index"), py::arg("source"),
        py::arg("accumulate") = false);
  cls.def("put", put_fn(false), py::arg("index"), py::arg("source"), py::arg("accumulate") = false);
  cls.def("put_", put_fn(true), py::arg("index"), py::arg("source"), py::arg("accumulate") = false);
  auto masked_scatter_fn = [](bool inplace) {
    return [inplace](const Tensor& x, const Tensor& mask, const Tensor& src) {
      return inplace ? masked_scatter_(x, mask, src) : masked_scatter(x, mask, src);
    };
  };
  m.def("masked_scatter", masked_scatter_fn(false), py::arg("input"), py::arg("mask"),
        py::arg("source"));
  cls.def("masked_scatter", masked_scatter_fn(false), py::arg("mask"), py::arg("source"));
  cls.def("masked_scatter_", masked_scatter_fn(true), py::arg("mask"), py::arg("source"));

  // tiling and grids (ops/tiling.h)
  m.def(
      "tile", [](const Tensor& x, const std::vector<int64_t>& reps) { return tile(x, reps); },
      py::arg("input"), py::arg("dims"));
  cls.def("tile", [](const Tensor& x, const py::args& args) {
    return tile(x, shape_from_args(args, "tile"));
  });
  auto repeat_interleave_fn = [](const Tensor& x, py::handle repeats, std::optional<int64_t> dim,
                                 py::handle /*output_size*/) {
    if (py::isinstance<TensorImpl>(repeats))
      return repeat_interleave(x, repeats.cast<Tensor>(), dim);
    return repeat_interleave(x, index_of(repeats), dim);
  };
  m.def(
      "repeat_interleave",
      [repeat_interleave_fn](const Tensor& x, py::handle repeats, std::optional<int64_t> dim,
                             py::handle output_size) {
        // repeat_interleave(repeats) alone: the indices, each repeated.
        if (repeats.is_none()) return repeat_interleave(x);
        return repeat_interleave_fn(x, repeats, dim, output_size);
      },
      py::arg("input"), py::arg("repeats") = py::none(), py::arg("dim") = py::none(), py::kw_only(),
      py::arg("output_size") = py::none());
  cls.def("repeat_interleave", repeat_interleave_fn, py::arg("repeats"),
          py::arg("dim") = py::none(), py::kw_only(), py::arg("output_size") = py::none());
  m.def(
      "_meshgrid",
      [](const TensorList& tensors, const std::string& indexing) {
        return py::tuple(py::cast(meshgrid(tensors, indexing)));
      },
      py::arg("tensors"), py::arg("indexing"));
  m.def("cartesian_prod", [](const py::args& args) {
    TensorList ts;
    for (py::handle h : args) ts.push_back(h.cast<Tensor>());
    return cartesian_prod(ts);
  });

  cls.def("__getitem__", [](const Tensor& x, py::handle key) { return index(x, to_indices(key)); });
  cls.def("__setitem__", [](const Tensor& x, py::handle key, py::handle v) {
    index_put_(x, to_indices(key), value_for(x, v));
  });
  cls.def(
      "index_put_",
      [](const Tensor& x, py::tuple idx, const Tensor& v, bool accumulate) {
        std::vector<std::optional<Tensor>> ts;
        for (py::handle h : idx)
          ts.push_back(h.is_none() ? std::nullopt : std::optional<Tensor>(h.cast<Tensor>()));
        return index_put_tensors_(x, ts, v, accumulate);
      },
      py::arg("indices"), py::arg("values"), py::arg("accumulate") = false);
}

}  // namespace deepseek::python
