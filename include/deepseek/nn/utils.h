// nn::utils: gradient clipping (torch.nn.utils.clip_grad_norm_ / clip_grad_value_), applied
// in place to the .grad of each parameter that has one, without recording a graph. The
// Python functions of the same names call these.
#pragma once

#include <limits>

#include "deepseek/core/tensor.h"

namespace deepseek::nn::utils {

inline constexpr double kInfNorm = std::numeric_limits<double>::infinity();

// Scales all gradients together so that their joint norm_type-norm (the norm of the vector
// of every gradient element; norm_type may be kInfNorm) is at most max_norm. Returns that
// norm before clipping as a 0-dim tensor (0 when no parameter has a gradient). With
// error_if_nonfinite, a NaN or infinite norm raises RuntimeError instead of being applied.
Tensor clip_grad_norm_(const TensorList& params, double max_norm, double norm_type = 2.0,
                       bool error_if_nonfinite = false);

// Clamps every gradient element into [-clip_value, clip_value].
void clip_grad_value_(const TensorList& params, double clip_value);

}  // namespace deepseek::nn::utils
