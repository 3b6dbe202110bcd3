// The Tensor class: geometry, conversion to and from Python/numpy, autograd attributes.
// Op methods are attached by the other binding files and by deepseek/_tensor.py.
#include <cstring>

#include "deepseek/autograd/autograd_meta.h"
#include "deepseek/autograd/grad_mode.h"
#include "deepseek/backend/backend.h"
#include "deepseek/ops/copy.h"
#include "deepseek/ops/creation.h"
#include "deepseek/ops/print.h"
#include "deepseek/ops/type_promotion.h"
#include "pybind_common.h"

namespace deepseek::python {

namespace {
bool is_numpy_scalar(py::handle h) {
  // Leaked on purpose: a static py::object would be released after the interpreter is gone.
  static PyObject* generic = [] {
    try {
      return py::object(py::module_::import("numpy").attr("generic")).release().ptr();
    } catch (const py::error_already_set&) {
      return static_cast<PyObject*>(nullptr);
    }
  }();
  return generic != nullptr && PyObject_IsInstance(h.ptr(), generic) == 1;
}
}  // namespace

std::optional<Scalar> to_scalar(py::handle h) {
  if (py::isinstance<py::bool_>(h)) return Scalar(h.cast<bool>());
  if (PyLong_Check(h.ptr())) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(h.ptr(), &overflow);
    DS_CHECK(!overflow, RuntimeError, "Overflow when unpacking long: {} does not fit in int64",
             py::str(h).cast<std::string>());
    return Scalar(static_cast<int64_t>(v));
  }
  if (PyFloat_Check(h.ptr())) return Scalar(h.cast<double>());
  // numpy scalars (np.float32(1), np.int64(2), np.bool_(True), ...) and 0-d arrays.
  if (is_numpy_scalar(h) || (py::isinstance<py::array>(h) && h.attr("ndim").cast<int>() == 0)) {
    py::object item = h.attr("item")();
    if (py::isinstance<py::bool_>(item) || PyLong_Check(item.ptr()) || PyFloat_Check(item.ptr())) {
      return to_scalar(item);
    }
  }
  return std::nullopt;
}

std::optional<Tensor> to_operand(py::handle h) {
  if (py::isinstance<TensorImpl>(h)) return h.cast<Tensor>();
  if (auto s = to_scalar(h)) return wrapped_scalar(*s);
  return std::nullopt;
}

Tensor operand_or_throw(py::handle h, const char* op) {
  if (auto t = to_operand(h)) return *t;
  DS_THROW(TypeError, "{}: expected a Tensor or a number, got {}", op,
           py::str(py::type::of(h).attr("__name__")).cast<std::string>());
}

namespace {

// ---- nested Python data -> tensor ----

struct Collected {
  Shape shape;
  std::vector<double> floats;
  std::vector<int64_t> ints;
  // PyTorch's inference: promote_types over the elements, a Python float counting as the
  // default dtype, a numpy scalar or a tensor as its own dtype.
  std::optional<DType> inferred;
  void note(DType d) { inferred = inferred ? promote_types(*inferred, d) : d; }
};

std::optional<DType> dtype_from_numpy(const py::dtype& dt);

// A leaf that is not a number: PyTorch's errors for the same input.
[[noreturn]] void throw_not_a_number(py::handle h) {
  const std::string type = py::str(py::type::of(h).attr("__name__")).cast<std::string>();
  if (py::isinstance<py::str>(h) || py::isinstance<py::bytes>(h)) {
    DS_THROW(TypeError, "new(): invalid data type '{}'", type);
  }
  DS_THROW(RuntimeError, "Could not infer dtype of {}", type);
}

void infer_shape(py::handle h, Shape& shape, size_t depth) {
  if (py::isinstance<TensorImpl>(h)) {
    Tensor t = h.cast<Tensor>();
    for (int64_t s : t.sizes()) shape.push_back(s);
    return;
  }
  if (py::isinstance<py::str>(h) || !py::isinstance<py::sequence>(h)) return;
  py::sequence seq = py::reinterpret_borrow<py::sequence>(h);
  shape.push_back(static_cast<int64_t>(py::len(seq)));
  if (py::len(seq) > 0) infer_shape(seq[0], shape, depth + 1);
}

void collect(py::handle h, const Shape& shape, size_t depth, Collected& c) {
  if (depth == shape.size() || py::isinstance<TensorImpl>(h)) {
    if (py::isinstance<TensorImpl>(h)) {
      Tensor t = h.cast<Tensor>();
      DS_CHECK(depth + static_cast<size_t>(t.dim()) == shape.size(), ValueError,
               "tensor(): expected sequence of length {} at dim {} (got a tensor of shape {})",
               depth < shape.size() ? shape[depth] : 0, depth, shape_str(t.sizes()));
      const Device host(DeviceType::CPU);
      Tensor floats = convert_raw(t.detach().contiguous(), DType::Float64, host).contiguous();
      Tensor ints = convert_raw(t.detach().contiguous(), DType::Int64, host).contiguous();
      const double* pf = static_cast<const double*>(floats.data_ptr());
      const int64_t* pi = static_cast<const int64_t*>(ints.data_ptr());
      c.note(t.dtype());
      c.floats.insert(c.floats.end(), pf, pf + floats.numel());
      c.ints.insert(c.ints.end(), pi, pi + ints.numel());
      return;
    }
    auto s = to_scalar(h);
    if (!s) throw_not_a_number(h);
    if (is_numpy_scalar(h)) {
      auto dt =
          dtype_from_numpy(py::reinterpret_borrow<py::object>(h).attr("dtype").cast<py::dtype>());
      c.note(dt.value_or(s->dtype()));
    } else {
      c.note(s->dtype());
    }
    c.floats.push_back(s->to_double());
    c.ints.push_back(s->to_int());
    return;
  }
  DS_CHECK(py::isinstance<py::sequence>(h) && !py::isinstance<py::str>(h), ValueError,
           "tensor(): expected a sequence at dim {}, got {}", depth,
           py::str(py::type::of(h).attr("__name__")).cast<std::string>());
  py::sequence seq = py::reinterpret_borrow<py::sequence>(h);
  DS_CHECK(static_cast<int64_t>(py::len(seq)) == shape[depth], ValueError,
           "expected sequence of length {} at dim {} (got {})", shape[depth], depth, py::len(seq));
  // py::object, not py::handle: a sequence that makes its items on access (a numpy array
  // makes a fresh scalar per item) holds no reference to them.
  for (py::object item : seq) collect(item, shape, depth + 1, c);
}

Tensor from_numpy_copy(py::array arr, std::optional<DType> dtype);

}  // namespace

Tensor tensor_from_python(py::handle data, std::optional<DType> dtype) {
  if (py::isinstance<py::array>(data))
    return from_numpy_copy(py::reinterpret_borrow<py::array>(data), dtype);
  Shape shape;
  infer_shape(data, shape, 0);
  Collected c;
  collect(data, shape, 0, c);
  const DType inferred = c.inferred.value_or(default_float_dtype());  // [] is a float tensor
  const DType target = dtype.value_or(inferred);
  const bool from_floats = is_floating(inferred);
  if (!is_floating(target)) {
    // PyTorch refuses numbers an integer dtype cannot hold (tensor([300], dtype=int8)).
    for (size_t i = 0; i < c.ints.size(); ++i) {
      check_scalar_fits("tensor", from_floats ? Scalar(c.floats[i]) : Scalar(c.ints[i]), target);
    }
  }
  if (from_floats || is_floating(target)) {
    Tensor t = tensor_from(c.floats, shape, TensorOptions(DType::Float64));
    return convert_raw(t, target, Device(DeviceType::CPU));
  }
  Tensor t = tensor_from(c.ints, shape, TensorOptions(DType::Int64));
  return convert_raw(t, target, Device(DeviceType::CPU));
}

namespace {

// ---- numpy interop ----

std::optional<DType> dtype_from_numpy(const py::dtype& dt) {
  const char kind = dt.kind();
  const size_t size = dt.itemsize();
  if (kind == 'b') return DType::Bool;
  if (kind == 'u' && size == 1) return DType::UInt8;
  if (kind == 'i') {
    switch (size) {
      case 1:
        return DType::Int8;
      case 2:
        return DType::Int16;
      case 4:
        return DType::Int32;
      case 8:
        return DType::Int64;
    }
  }
  if (kind == 'f') {
    switch (size) {
      case 2:
        return DType::Float16;
      case 4:
        return DType::Float32;
      case 8:
        return DType::Float64;
    }
  }
  return std::nullopt;
}

py::dtype numpy_dtype(DType d) {
  switch (d) {
    case DType::Bool:
      return py::dtype("bool");
    case DType::UInt8:
      return py::dtype("uint8");
    case DType::Int8:
      return py::dtype("int8");
    case DType::Int16:
      return py::dtype("int16");
    case DType::Int32:
      return py::dtype("int32");
    case DType::Int64:
      return py::dtype("int64");
    case DType::Float16:
      return py::dtype("float16");
    case DType::Float32:
      return py::dtype("float32");
    case DType::Float64:
      return py::dtype("float64");
    default:
      DS_THROW(TypeError, "Got unsupported ScalarType {}: numpy has no such dtype",
               scalar_type_name(d));
  }
}

// Shares the numpy array's memory; the array stays alive as long as any view of it.
Tensor from_numpy(py::array arr) {
  auto dt = dtype_from_numpy(arr.dtype());
  DS_CHECK(dt.has_value(), TypeError,
           "can't convert np.ndarray of type numpy.{}. The only supported types are: float64, "
           "float32, float16, int64, int32, int16, int8, uint8, and bool.",
           py::str(arr.dtype()).cast<std::string>());
  const ssize_t nd = arr.ndim();
  const int64_t es = static_cast<int64_t>(arr.itemsize());
  Shape sizes(nd);
  Strides strides(nd);
  int64_t lo = 0, hi = 0;  // byte extent relative to the data pointer
  for (ssize_t i = 0; i < nd; ++i) {
    sizes[i] = arr.shape(i);
    const int64_t bs = arr.strides(i);
    DS_CHECK(bs % es == 0, ValueError,
             "from_numpy: given numpy array strides not a multiple of the element byte size. "
             "Copy the numpy array to reallocate the memory.");
    DS_CHECK(bs >= 0, ValueError,
             "At least one stride in the given numpy array is negative, and tensors with "
             "negative strides are not currently supported. (You can probably work around "
             "this by making a copy of your array with array.copy().)");
    strides[i] = bs / es;
    if (sizes[i] > 0) hi += (sizes[i] - 1) * bs;
  }
  const size_t nbytes = static_cast<size_t>(hi - lo + es);
  void* data = const_cast<void*>(arr.data());
  auto* keep = new py::object(arr);
  auto storage = Storage::wrap(data, nbytes, Device(DeviceType::CPU), [keep] {
    py::gil_scoped_acquire gil;
    delete keep;
  });
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = storage;
  impl->sizes = sizes;
  impl->strides = strides;
  impl->dtype = *dt;
  return Tensor(impl);
}

Tensor from_numpy_copy(py::array arr, std::optional<DType> dtype) {
  Tensor shared = from_numpy(arr);
  Tensor out =
      empty_tensor(shared.sizes(), dtype.value_or(shared.dtype()), Device(DeviceType::CPU));
  backend_for(DeviceType::CPU).copy(shared, out);
  return out;
}

py::array to_numpy(const Tensor& t) {
  DS_CHECK(t.device().is_cpu(), TypeError,
           "can't convert {} device type tensor to numpy. Use Tensor.cpu() to copy the tensor to "
           "host memory first.",
           t.device().str());
  DS_CHECK(!t.requires_grad(), RuntimeError,
           "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
           "instead.");
  std::vector<ssize_t> shape(t.sizes().begin(), t.sizes().end());
  std::vector<ssize_t> strides;
  for (int64_t s : t.strides()) strides.push_back(s * static_cast<ssize_t>(t.element_size()));
  // The capsule keeps the tensor (and so its storage) alive while numpy uses the memory.
  auto* owner = new Tensor(t);
  py::capsule base(owner, [](void* p) { delete static_cast<Tensor*>(p); });
  return py::array(numpy_dtype(t.dtype()), shape, strides, t.data_ptr(), base);
}

template <typename T>
py::object list_of(const T* base, const Shape& sizes, const Strides& strides, size_t d) {
  if (d == sizes.size()) {
    using C = compute_type_t<T>;
    C v = static_cast<C>(*base);
    if constexpr (std::is_same_v<C, bool>)
      return py::bool_(v);
    else if constexpr (std::is_integral_v<C>)
      return py::int_(static_cast<int64_t>(v));
    else
      return py::float_(static_cast<double>(v));
  }
  py::list out(sizes[d]);
  for (int64_t i = 0; i < sizes[d]; ++i) {
    out[i] = list_of(base + i * strides[d], sizes, strides, d + 1);
  }
  return std::move(out);
}

}  // namespace

py::object tensor_to_list(const Tensor& t_in) {
  Tensor t = convert_raw(t_in.detach(), t_in.dtype(), Device(DeviceType::CPU));
  return visit_dtype(t.dtype(), "tolist", [&](auto tag) -> py::object {
    using T = typename decltype(tag)::type;
    return list_of(static_cast<const T*>(t.data_ptr()), t.sizes(), t.strides(), 0);
  });
}

void bind_tensor(py::module_& m) {
  py::class_<TensorImpl, std::shared_ptr<TensorImpl>> cls(m, "Tensor", py::dynamic_attr());
  cls.def_property_readonly("_shape",
                            [](const Tensor& t) { return py::tuple(py::cast(t.sizes())); })
      .def_property_readonly("dtype", [](const Tensor& t) { return t.dtype(); })
      .def_property_readonly("device", [](const Tensor& t) { return t.device(); })
      .def_property_readonly("ndim", [](const Tensor& t) { return t.dim(); })
      .def_property_readonly("is_cuda", [](const Tensor& t) { return t.device().is_cuda(); })
      .def_property_readonly("is_leaf", [](const Tensor& t) { return t.is_leaf(); })
      .def_property_readonly("_version", [](const Tensor& t) { return t.version(); })
      .def_property_readonly("_is_view", [](const Tensor& t) { return t.is_view(); })
      .def_property_readonly("_base",
                             [](const Tensor& t) -> py::object {
                               if (!t.is_view()) return py::none();
                               return py::cast(Tensor(t.impl()->view_base));
                             })
      .def("dim", [](const Tensor& t) { return t.dim(); })
      .def("ndimension", [](const Tensor& t) { return t.dim(); })
      .def("numel", [](const Tensor& t) { return t.numel(); })
      .def("nelement", [](const Tensor& t) { return t.numel(); })
      .def("element_size", [](const Tensor& t) { return t.element_size(); })
      .def("_size", [](const Tensor& t, int64_t d) { return t.size(d); })
      .def("_stride", [](const Tensor& t) { return py::tuple(py::cast(t.strides())); })
      .def("_stride_at", [](const Tensor& t, int64_t d) { return t.stride(d); })
      .def("storage_offset", [](const Tensor& t) { return t.storage_offset(); })
      .def("is_contiguous", [](const Tensor& t) { return t.is_contiguous(); })
      .def("is_floating_point", [](const Tensor& t) { return t.is_floating_point(); })
      .def("data_ptr", [](const Tensor& t) { return reinterpret_cast<uintptr_t>(t.data_ptr()); })
      .def("item",
           [](const Tensor& t) {
             DS_CHECK(t.numel() == 1, ValueError,
                      "only one element tensors can be converted to Python scalars (got a tensor "
                      "with {} elements)",
                      t.numel());
             return t.item();
           })
      .def("tolist", [](const Tensor& t) { return tensor_to_list(t); })
      .def("numpy", [](const Tensor& t) { return to_numpy(t); })
      .def("__len__",
           [](const Tensor& t) {
             DS_CHECK(t.dim() > 0, TypeError, "len() of a 0-d tensor");
             return t.size(0);
           })
      .def("__repr__", [](const Tensor& t) { return format_tensor(t); })
      .def("__hash__",
           [](py::handle self) {
             return py::hash(py::int_(reinterpret_cast<uintptr_t>(self.ptr())));
           })
      // autograd attributes
      .def_property(
          "requires_grad", [](const Tensor& t) { return t.requires_grad(); },
          [](const Tensor& t, bool r) { t.requires_grad_(r); })
      .def_property(
          "grad", [](const Tensor& t) { return t.grad(); },
          [](const Tensor& t, std::optional<Tensor> g) { t.set_grad(g.value_or(Tensor())); })
      .def(
          "requires_grad_",
          [](const Tensor& t, bool r) {
            t.requires_grad_(r);
            return t;
          },
          py::arg("requires_grad") = true)
      .def("detach", [](const Tensor& t) { return t.detach(); })
      .def("detach_",
           [](const Tensor& t) {
             t.detach_();
             return t;
           })
      // `param.data = new` in PyTorch (Tensor::set_data). Module.to()/.double() convert
      // parameters this way so that references held elsewhere (optimizers) stay valid.
      .def(
          "_set_data",
          [](const Tensor& self, const Tensor& src) {
            self.set_data(src);
            return self;
          },
          py::arg("new_data"))
      .def("retain_grad", [](const Tensor& t) { t.retain_grad(); })
      .def_property_readonly("retains_grad", [](const Tensor& t) { return t.retains_grad(); })
      .def_property_readonly("output_nr", [](const Tensor& t) { return t.output_nr(); });

  m.def(
      "_tensor",
      [](py::handle data, std::optional<DType> dtype) { return tensor_from_python(data, dtype); },
      py::arg("data"), py::arg("dtype") = py::none());
  m.def(
      "from_numpy", [](py::array arr) { return from_numpy(arr); }, py::arg("ndarray"));

  // deepseek.set_printoptions (deepseek/_tensor.py) parses profiles and calls these.
  m.def("_get_printoptions", [] {
    const PrintOptions& o = print_options();
    py::object sci = o.sci_mode ? py::object(py::bool_(*o.sci_mode)) : py::object(py::none());
    return py::make_tuple(o.precision, o.threshold, o.edgeitems, o.linewidth, sci);
  });
  m.def("_set_printoptions", [](int precision, int64_t threshold, int64_t edgeitems,
                                int64_t linewidth, std::optional<bool> sci_mode) {
    DS_CHECK(precision >= 0 && threshold >= 0 && edgeitems >= 0 && linewidth > 0, ValueError,
             "set_printoptions: precision, threshold and edgeitems must be non-negative and "
             "linewidth positive");
    print_options() = PrintOptions{precision, threshold, edgeitems, linewidth, sci_mode};
  });
}

}  // namespace deepseek::python
