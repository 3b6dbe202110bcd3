// deepseek._C: error translation and the registration of every binding file.
#include "deepseek/core/error.h"
#include "pybind_common.h"

namespace deepseek::python {

PYBIND11_MODULE(_C, m) {
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
