// Checkpoints: Python objects <-> io::Value, and the save/load entry points that
// deepseek/serialization.py wraps.
#include <pybind11/functional.h>

#include <string>
#include <unordered_set>

#include "deepseek/io/atomic_file.h"
#include "deepseek/io/checkpoint.h"
#include "pybind_common.h"

namespace deepseek::python {
namespace {

std::string type_name(py::handle h) {
  return py::str(py::type::of(h).attr("__qualname__")).cast<std::string>();
}

int64_t to_int64(py::handle h, const std::string& where) {
  int overflow = 0;
  long long v = PyLong_AsLongLongAndOverflow(h.ptr(), &overflow);
  DS_CHECK(!overflow, ValueError, "save: the int at {} does not fit in 64 bits",
           io::path_for_message(where));
  if (v == -1 && PyErr_Occurred()) throw py::error_already_set();
  return static_cast<int64_t>(v);
}

std::string to_utf8(py::handle h, const std::string& what, const std::string& where) {
  Py_ssize_t size = 0;
  const char* data = PyUnicode_AsUTF8AndSize(h.ptr(), &size);
  if (data == nullptr) {
    PyErr_Clear();
    DS_THROW(ValueError, "save: the {} at {} cannot be encoded as UTF-8", what,
             io::path_for_message(where));
  }
  return std::string(data, static_cast<size_t>(size));
}

// Python object -> io::Value. `where` is the subscript path for messages; `active` holds the
// containers on the current path, so a list that contains itself is an error, not a hang.
class ToValue {
 public:
  io::Value convert(py::handle obj, const std::string& where, int depth) {
    DS_CHECK(depth <= io::kMaxNesting, ValueError,
             "save: the object nests deeper than {} levels at {}", io::kMaxNesting,
             io::path_for_message(where));
    if (obj.is_none()) return io::Value();
    if (PyBool_Check(obj.ptr())) return io::Value(obj.ptr() == Py_True);
    if (PyLong_Check(obj.ptr())) return io::Value(to_int64(obj, where));
    if (PyFloat_Check(obj.ptr())) return io::Value(PyFloat_AS_DOUBLE(obj.ptr()));
    if (PyUnicode_Check(obj.ptr())) return io::Value(to_utf8(obj, "str", where));
    if (py::isinstance<TensorImpl>(obj)) return io::Value(obj.cast<Tensor>());
    if (PyList_Check(obj.ptr()) || PyTuple_Check(obj.ptr()) || PyDict_Check(obj.ptr())) {
      DS_CHECK(active_.insert(obj.ptr()).second, ValueError,
               "save: the object contains itself (at {})", io::path_for_message(where));
      io::Value v = PyDict_Check(obj.ptr()) ? convert_dict(obj, where, depth)
                                            : convert_sequence(obj, where, depth);
      active_.erase(obj.ptr());
      return v;
    }
    DS_THROW(TypeError,
             "save: cannot save an object of type '{}' at {}; checkpoints hold None, bool, int, "
             "float, str, Tensor, and lists, tuples and dicts (with str or int keys) of these",
             type_name(obj), io::path_for_message(where));
  }

 private:
  io::Value convert_sequence(py::handle obj, const std::string& where, int depth) {
    std::vector<io::Value> items;
    py::sequence seq = py::reinterpret_borrow<py::sequence>(obj);
    for (size_t i = 0; i < py::len(seq); ++i) {
      items.push_back(convert(seq[i], fmt::format("{}[{}]", where, i), depth + 1));
    }
    return PyTuple_Check(obj.ptr()) ? io::Value::tuple(std::move(items))
                                    : io::Value::list(std::move(items));
  }

  io::Value convert_dict(py::handle obj, const std::string& where, int depth) {
    io::DictItems items;
    for (auto [k, v] : py::reinterpret_borrow<py::dict>(obj)) {
      io::DictKey key;
      if (PyUnicode_Check(k.ptr())) {
        key = to_utf8(k, "dict key", where);
      } else if (PyLong_Check(k.ptr()) && !PyBool_Check(k.ptr())) {
        key = to_int64(k, where);
      } else {
        DS_THROW(TypeError, "save: the dict at {} has a key of type '{}'; keys must be str or int",
                 io::path_for_message(where), type_name(k));
      }
      std::string child_where = where + io::key_str(key);
      items.emplace_back(key, convert(v, child_where, depth + 1));
    }
    return io::Value::dict(std::move(items));
  }

  std::unordered_set<PyObject*> active_;
};

py::object to_python(const io::Value& v) {
  switch (v.kind()) {
    case io::Value::Kind::None:
      return py::none();
    case io::Value::Kind::Bool:
      return py::bool_(v.to_bool());
    case io::Value::Kind::Int:
      return py::int_(v.to_int());
    case io::Value::Kind::Float:
      return py::float_(v.to_double());
    case io::Value::Kind::String:
      return py::str(v.str());
    case io::Value::Kind::Tensor:
      return py::cast(v.tensor());
    case io::Value::Kind::List: {
      py::list out;
      for (const auto& item : v.items()) out.append(to_python(item));
      return out;
    }
    case io::Value::Kind::Tuple: {
      const auto& items = v.items();
      py::tuple out(items.size());
      for (size_t i = 0; i < items.size(); ++i) out[i] = to_python(items[i]);
      return out;
    }
    case io::Value::Kind::Dict: {
      py::dict out;
      for (const auto& [key, item] : v.dict_items()) {
        if (const auto* s = std::get_if<std::string>(&key)) {
          out[py::str(*s)] = to_python(item);
        } else {
          out[py::int_(std::get<int64_t>(key))] = to_python(item);
        }
      }
      return out;
    }
  }
  DS_THROW(RuntimeError, "load: unknown value kind");
}

std::string_view bytes_view(const py::bytes& data) {
  char* buffer = nullptr;
  Py_ssize_t size = 0;
  if (PyBytes_AsStringAndSize(data.ptr(), &buffer, &size) != 0) throw py::error_already_set();
  return std::string_view(buffer, static_cast<size_t>(size));
}

}  // namespace

void bind_io(py::module_& m) {
  m.def(
      "_save",
      [](py::handle obj, const std::string& path) {
        io::Value value = ToValue().convert(obj, "", 0);
        py::gil_scoped_release release;  // file I/O: let other Python threads run
        save(value, path);
      },
      py::arg("obj"), py::arg("path"));
  m.def(
      "_save_to_bytes",
      [](py::handle obj) { return py::bytes(io::save_to_bytes(ToValue().convert(obj, "", 0))); },
      py::arg("obj"));
  // relocate(tensor, saved_device) -> tensor, or None to restore the saved device.
  m.def(
      "_load",
      [](const std::string& path, const io::Relocate& relocate) {
        io::Value value;
        {
          // relocate, a Python callable, takes the GIL back while it runs (pybind11 does).
          py::gil_scoped_release release;
          value = load(path, relocate);
        }
        return to_python(value);
      },
      py::arg("path"), py::arg("relocate") = py::none());
  m.def(
      "_load_from_bytes",
      [](const py::bytes& data, const io::Relocate& relocate) {
        return to_python(io::load_from_bytes(bytes_view(data), relocate));
      },
      py::arg("data"), py::arg("relocate") = py::none());
  // Test hook: the next save stops after `after_bytes` bytes, raising ("throw") or killing
  // the process ("kill"); "none" disarms it.
  m.def(
      "_inject_save_fault",
      [](const std::string& kind, uint64_t after_bytes) {
        io::WriteFault fault = kind == "throw"  ? io::WriteFault::kThrow
                               : kind == "kill" ? io::WriteFault::kKill
                                                : io::WriteFault::kNone;
        DS_CHECK(fault != io::WriteFault::kNone || kind == "none", ValueError,
                 "_inject_save_fault: kind must be 'throw', 'kill' or 'none', not '{}'", kind);
        io::inject_write_fault(fault, after_bytes);
      },
      py::arg("kind"), py::arg("after_bytes") = 0);
}

}  // namespace deepseek::python
