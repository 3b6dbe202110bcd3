// deepseek._C: error translation and the registration of every binding file.
#include <cstdlib>
#include <string>

#include "deepseek/core/error.h"
#include "pybind_common.h"

namespace deepseek::python {

namespace {
// pybind11 before 2.12 reads numpy's array descriptors with numpy 1's layout: under numpy 2
// it reports wrong dtypes and corrupts memory. Refuse to load rather than compute garbage.
void check_numpy_is_readable() {
#if PYBIND11_VERSION_HEX < 0x020C0000
  py::object numpy;
  try {
    numpy = py::module_::import("numpy");
  } catch (const py::error_already_set&) {
    return;  // no numpy: nothing to misread
  }
  const std::string version = py::str(numpy.attr("__version__"));
  if (std::atoi(version.c_str()) < 2) return;
  const std::string built_with =
      std::to_string(PYBIND11_VERSION_MAJOR) + "." + std::to_string(PYBIND11_VERSION_MINOR);
  throw py::import_error("deepseek._C was built with pybind11 " + built_with +
                         ", which cannot read numpy " + version +
                         " arrays (pybind11 2.12 or newer can). Rebuild with a newer pybind11 "
                         "(pip install 'pybind11>=2.12', then configure with "
                         "-Dpybind11_DIR=$(python3 -m pybind11 --cmakedir)), or install "
                         "numpy<2.");
#endif
}
}  // namespace

PYBIND11_MODULE(_C, m) {
  check_numpy_is_readable();
  m.doc() = "deepseek C++ core (libdeepseek) bindings";
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const deepseek::IndexError& e) {
      PyErr_SetString(PyExc_IndexError, e.what());
    } catch (const deepseek::ValueError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const deepseek::TypeError& e) {
      PyErr_SetString(PyExc_TypeError, e.what());
    } catch (const deepseek::NotImplementedError& e) {
      PyErr_SetString(PyExc_NotImplementedError, e.what());
    } catch (const deepseek::MemoryError& e) {
      PyErr_SetString(PyExc_MemoryError, e.what());
    } catch (const deepseek::Error& e) {
      PyErr_SetString(PyExc_RuntimeError, e.what());
    }
  });
  bind_dtype_device(m);
  bind_tensor(m);
  bind_creation(m);
  bind_elementwise(m);
  bind_reduce_linalg(m);
  bind_shape(m);
  bind_autograd(m);
  bind_optim(m);
  bind_runtime(m);
  bind_cuda(m);
  bind_io(m);
  bind_nn_functional(m);
  bind_amp(m);
}

}  // namespace deepseek::python
