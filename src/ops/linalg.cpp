// Matrix products. mm and bmm are the differentiable primitives; matmul, linear, addmm and
// friends are arranged from them and views, so their gradients come for free.
#include "deepseek/ops/linalg.h"

#include "deepseek/amp/autocast.h"
#include "deepseek/autograd/record.h"
#include "deepseek/backend/backend.h"
#include "deepseek/ops/binary.h"
#include "deepseek/ops/copy.h"
#include "deepseek/ops/creation.h"
#include "deepseek/ops/reduction.h"
#include "deepseek/ops/shape.h"

namespace deepseek {

using autograd::BackwardArgs;
using autograd::save;

namespace {

void check_operands(const Tensor& a, const Tensor& b, const char* op) {
  check_same_device(op, {a, b});
  DS_CHECK(a.dtype() == b.dtype(), RuntimeError,
           "{}: expected m1 and m2 to have the same dtype, but got: {} != {}", op,
           dtype_name(a.dtype()), dtype_name(b.dtype()));
  DS_CHECK(a.dtype() != DType::Bool, RuntimeError, "{}: not implemented for 'Bool'", op);
}

// [B, M, K] @ [B, K, N] through the backend, batch strides may be 0.
Tensor bmm_raw(const Tensor& a, const Tensor& b) {
  Tensor out = empty_tensor({a.size(0), a.size(1), b.size(2)}, a.dtype(), a.device());
  backend_for(a.device()).matmul(a, b, out);
  return out;
}

void check_bmm_operands(const Tensor& a, const Tensor& b) {
  check_operands(a, b, "bmm");
  DS_CHECK(a.dim() == 3 && b.dim() == 3, RuntimeError,
           "bmm: batch1 and batch2 must be 3D tensors, got {} and {}", shape_str(a.sizes()),
           shape_str(b.sizes()));
  DS_CHECK(a.size(0) == b.size(0) && a.size(2) == b.size(1), RuntimeError,
           "bmm: Expected size for first two dimensions of batch2 tensor to be: [{}, {}] but got: "
           "[{}, {}].",
           a.size(0), a.size(2), b.size(0), b.size(1));
}

Tensor as3d(const Tensor& m) {
  return make_view(m, {1, m.size(0), m.size(1)}, {0, m.stride(0), m.stride(1)}, m.storage_offset());
}

}  // namespace

Tensor mm(const Tensor& a, const Tensor& b) {
  if (autocast::OpCast cast{"mm", {a, b}}) return mm(cast[0], cast[1]);
  check_operands(a, b, "mm");
  DS_CHECK(a.dim() == 2, RuntimeError, "mm: self must be a matrix, got {}-D tensor {}", a.dim(),
           shape_str(a.sizes()));
  DS_CHECK(b.dim() == 2, RuntimeError, "mm: mat2 must be a matrix, got {}-D tensor {}", b.dim(),
           shape_str(b.sizes()));
  DS_CHECK(a.size(1) == b.size(0), RuntimeError,
           "mat1 and mat2 shapes cannot be multiplied ({}x{} and {}x{})", a.size(0), a.size(1),
           b.size(0), b.size(1));
  Tensor out3 = bmm_raw(as3d(a), as3d(b));
  Tensor out = make_alias(out3, {a.size(0), b.size(1)}, {b.size(1), 1}, 0);
  if (autograd::needs_grad({a, b})) {
    autograd::record(
        "MmBackward0", {a, b}, {out},
        {save(b.requires_grad() ? a : Tensor()), save(a.requires_grad() ? b : Tensor())},
        [](const BackwardArgs& g) -> TensorList {
          TensorList r(2);
          if (g.needs(0)) r[0] = mm(g.grad(), t(g.saved[1]));
          if (g.needs(1)) r[1] = mm(t(g.saved[0]), g.grad());
          return r;
        });
  }
  return out;
}

Tensor bmm(const Tensor& a, const Tensor& b) {
  if (autocast::OpCast cast{"bmm", {a, b}}) return bmm(cast[0], cast[1]);
  check_bmm_operands(a, b);
  Tensor out = bmm_raw(a, b);
  if (autograd::needs_grad({a, b})) {
    autograd::record(
        "BmmBackward0", {a, b}, {out},
        {save(b.requires_grad() ? a : Tensor()), save(a.requires_grad() ? b : Tensor())},
        [](const BackwardArgs& g) -> TensorList {
          TensorList r(2);
          if (g.needs(0)) r[0] = bmm(g.grad(), transpose(g.saved[1], 1, 2));
          if (g.needs(1)) r[1] = bmm(transpose(g.saved[0], 1, 2), g.grad());
          return r;
        });
  }
  return out;
}

Tensor dot(const Tensor& a, const Tensor& b) {
  if (autocast::OpCast cast{"dot", {a, b}}) return dot(cast[0], cast[1]);
  DS_CHECK(a.dim() == 1 && b.dim() == 1, RuntimeError,
           "1D tensors expected, but got {}D and {}D tensors", a.dim(), b.dim());
  DS_CHECK(a.numel() == b.numel(), RuntimeError,
           "inconsistent tensor size, expected tensor [{}] and src [{}] to have the same number "
           "of elements, but got {} and {} elements respectively",
           a.numel(), b.numel(), a.numel(), b.numel());
  return reshape(mm(unsqueeze(a, 0), unsqueeze(b, 1)), {});
}

Tensor matmul(const Tensor& a, const Tensor& b) {
  if (autocast::OpCast cast{"matmul", {a, b}}) return matmul(cast[0], cast[1]);
  check_operands(a, b, "matmul");
  DS_CHECK(a.dim() > 0 && b.dim() > 0, RuntimeError,
           "both arguments to matmul need to be at least 1D, but they are {}D and {}D", a.dim(),
           b.dim());
  if (a.dim() == 1 && b.dim() == 1) return dot(a, b);
  if (a.dim() == 2 && b.dim() == 2) return mm(a, b);
  if (a.dim() == 1) return squeeze(matmul(unsqueeze(a, 0), b), -2);
  if (b.dim() == 1) return squeeze(matmul(a, unsqueeze(b, 1)), -1);
  const int64_t M = a.size(-2), K = a.size(-1), K2 = b.size(-2), N = b.size(-1);
  DS_CHECK(K == K2, RuntimeError,
           "mat1 and mat2 shapes cannot be multiplied ({}x{} and {}x{}) (matmul of {} and {})", M,
           K, K2, N, shape_str(a.sizes()), shape_str(b.sizes()));
  if (b.dim() == 2) {
    // [..., M, K] @ [K, N]: fold the batch into M, one large GEMM.
    Tensor out = mm(reshape(a, {-1, K}), b);
    Shape s(a.sizes().begin(), a.sizes().end() - 1);
    s.push_back(N);
    return view(out, s);
  }
  Shape batch_a(a.sizes().begin(), a.sizes().end() - 2);
  Shape batch_b(b.sizes().begin(), b.sizes().end() - 2);
  Shape batch = broadcast_shapes(batch_a, batch_b, "matmul");
  int64_t B = 1;
  for (int64_t s : batch) B *= s;
  Shape ea = batch, eb = batch;
  ea.insert(ea.end(), {M, K});
  eb.insert(eb.end(), {K, N});
  Tensor out = bmm(reshape(expand(a, ea), {B, M, K}), reshape(expand(b, eb), {B, K, N}));
  Shape s = batch;
  s.insert(s.end(), {M, N});
  return view(out, s);
}

Tensor addmm(const Tensor& input, const Tensor& m1, const Tensor& m2, const Scalar& beta,
             const Scalar& alpha) {
  if (autocast::OpCast cast{"addmm", {input, m1, m2}})
    return addmm(cast[0], cast[1], cast[2], beta, alpha);
  Tensor prod = mm(m1, m2);
  if (alpha.to_double() != 1.0) prod = mul(prod, wrapped_scalar(alpha));
  if (beta.to_double() == 0.0) return add(prod, zeros_like(input));
  return add(beta.to_double() == 1.0 ? input : mul(input, wrapped_scalar(beta)), prod);
}

namespace {
// beta * input + alpha * prod, skipping the multiplications by 1 and ignoring input (NaN
// included) when beta is 0, as PyTorch's addmm family does.
Tensor scaled_sum(const Tensor& input, const Tensor& prod_in, const Scalar& beta,
                  const Scalar& alpha) {
  Tensor prod = alpha.to_double() == 1.0 ? prod_in : mul(prod_in, wrapped_scalar(alpha));
  if (beta.to_double() == 0.0) return add(prod, zeros_like(input));
  return add(beta.to_double() == 1.0 ? input : mul(input, wrapped_scalar(beta)), prod);
}
}  // namespace

Tensor baddbmm(const Tensor& input, const Tensor& b1, const Tensor& b2, const Scalar& beta,
               const Scalar& alpha) {
  if (autocast::OpCast cast{"baddbmm", {input, b1, b2}})
    return baddbmm(cast[0], cast[1], cast[2], beta, alpha);
  return scaled_sum(input, bmm(b1, b2), beta, alpha);
}

Tensor addbmm(const Tensor& input, const Tensor& b1, const Tensor& b2, const Scalar& beta,
              const Scalar& alpha) {
  if (autocast::OpCast cast{"addbmm", {input, b1, b2}})
    return addbmm(cast[0], cast[1], cast[2], beta, alpha);
  // sum_i b1[i] @ b2[i] is one GEMM with the batch folded into K, [M, B*K] @ [B*K, N]: a
  // bfloat16/float16 result is rounded once, as PyTorch's is, not once per batch entry.
  check_bmm_operands(b1, b2);
  Tensor folded_b1 = reshape(permute(b1, {1, 0, 2}), {b1.size(1), b1.size(0) * b1.size(2)});
  Tensor folded_b2 = reshape(b2, {b2.size(0) * b2.size(1), b2.size(2)});
  return scaled_sum(input, mm(folded_b1, folded_b2), beta, alpha);
}

Tensor cross(const Tensor& a, const Tensor& b, std::optional<int64_t> dim) {
  check_same_device("cross", {a, b});
  DS_CHECK(a.dim() == b.dim(), RuntimeError,
           "linalg.cross: inputs must have the same number of dimensions (got {} and {})",
           shape_str(a.sizes()), shape_str(b.sizes()));
  const Shape shape = broadcast_shapes(a.sizes(), b.sizes(), "cross");
  int64_t d = -1;
  if (dim) {
    d = normalize_dim(*dim, static_cast<int64_t>(shape.size()), "cross");
  } else {
    for (size_t i = 0; i < shape.size() && d < 0; ++i) {
      if (shape[i] == 3) d = static_cast<int64_t>(i);
    }
    DS_CHECK(d >= 0, RuntimeError, "no dimension of size 3 in input {}", shape_str(shape));
  }
  DS_CHECK(shape[d] == 3, RuntimeError,
           "linalg.cross: inputs dimension {} must have length 3. Got {} and {}", d,
           a.dim() > 0 ? a.size(d) : 0, b.dim() > 0 ? b.size(d) : 0);
  Tensor x = expand(a, shape), y = expand(b, shape);
  auto at = [d](const Tensor& t, int64_t i) { return narrow(t, d, i, 1); };
  return cat({sub(mul(at(x, 1), at(y, 2)), mul(at(x, 2), at(y, 1))),
              sub(mul(at(x, 2), at(y, 0)), mul(at(x, 0), at(y, 2))),
              sub(mul(at(x, 0), at(y, 1)), mul(at(x, 1), at(y, 0)))},
             d);
}

Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  if (autocast::OpCast cast{"linear", {x, weight, bias}}) return linear(cast[0], cast[1], cast[2]);
  DS_CHECK(weight.dim() == 2 || weight.dim() == 1, RuntimeError,
           "linear: weight must be 1-D or 2-D, got {}", shape_str(weight.sizes()));
  DS_CHECK(x.dim() > 0 && x.size(-1) == weight.size(-1), RuntimeError,
           "mat1 and mat2 shapes cannot be multiplied ({}x{} and {}x{})",
           x.numel() / std::max<int64_t>(x.dim() > 0 ? x.size(-1) : 1, 1),
           x.dim() > 0 ? x.size(-1) : 0, weight.size(-1), weight.dim() == 2 ? weight.size(0) : 1);
  Tensor out = matmul(x, weight.dim() == 2 ? t(weight) : weight);
  return bias.defined() ? add(out, bias) : out;
}

Tensor outer(const Tensor& a, const Tensor& b) {
  DS_CHECK(a.dim() == 1 && b.dim() == 1, RuntimeError,
           "outer: expected 1-D tensors, got {}D and {}D", a.dim(), b.dim());
  return mul(unsqueeze(a, 1), unsqueeze(b, 0));
}

// Tensor methods of this family.
Tensor Tensor::matmul(const Tensor& o) const { return deepseek::matmul(*this, o); }
Tensor Tensor::mm(const Tensor& o) const { return deepseek::mm(*this, o); }
Tensor Tensor::bmm(const Tensor& o) const { return deepseek::bmm(*this, o); }
Tensor Tensor::outer(const Tensor& o) const { return deepseek::outer(*this, o); }

}  // namespace deepseek
