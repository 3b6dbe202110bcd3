#include "onednn.h"

namespace deepseek::cpu::onednn {

dnnl::engine& engine() {
  static dnnl::engine eng(dnnl::engine::kind::cpu, 0);
  return eng;
}

dnnl::stream& stream() {
  static dnnl::stream s(engine());
  return s;
}

dnnl::memory::data_type to_dnnl(DType dtype) {
  using dt = dnnl::memory::data_type;
  switch (dtype) {
    case DType::Float32:
      return dt::f32;
    case DType::BFloat16:
      return dt::bf16;
    case DType::Float16:
      return dt::f16;
    case DType::Int32:
      return dt::s32;
    case DType::Int8:
      return dt::s8;
    case DType::UInt8:
      return dt::u8;
    default:
      return dt::undef;
  }
}

}  // namespace deepseek::cpu::onednn
