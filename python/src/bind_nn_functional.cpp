// deepseek._C._nn: the neural-network functional ops (conv, pooling, norms, embedding,
// dropout, losses, pad, attention) and nn.utils' gradient clipping. Arguments arrive already
// normalised by deepseek/nn/functional.py (ints expanded to lists, legacy reduction flags
// resolved), so these are one-line translations.
#include "deepseek/nn/utils.h"
#include "deepseek/ops/nn_attention.h"
#include "deepseek/ops/nn_conv.h"
#include "deepseek/ops/nn_dropout.h"
#include "deepseek/ops/nn_embedding.h"
#include "deepseek/ops/nn_loss.h"
#include "deepseek/ops/nn_norm.h"
#include "deepseek/ops/nn_pad.h"
#include "deepseek/ops/nn_pool.h"
#include "pybind_common.h"

namespace deepseek::python {

namespace {

using IntVec = std::vector<int64_t>;
using OptTensor = std::optional<Tensor>;

Tensor or_undefined(const OptTensor& t) { return t ? *t : Tensor(); }

void bind_conv(py::module_& nn) {
  // padding: a list of ints or the strings "same" / "valid".
  auto conv = [](auto fn) {
    return [fn](const Tensor& x, const Tensor& w, const OptTensor& b, const IntVec& stride,
                py::object padding, const IntVec& dilation, int64_t groups) -> Tensor {
      ConvPadding pad = py::isinstance<py::str>(padding) ? ConvPadding(padding.cast<std::string>())
                                                         : ConvPadding(padding.cast<IntVec>());
      return fn(x, w, or_undefined(b), stride, pad, dilation, groups);
    };
  };
  nn.def("conv1d", conv(&conv1d), py::arg("input"), py::arg("weight"), py::arg("bias"),
         py::arg("stride"), py::arg("padding"), py::arg("dilation"), py::arg("groups"));
  nn.def("conv2d", conv(&conv2d), py::arg("input"), py::arg("weight"), py::arg("bias"),
         py::arg("stride"), py::arg("padding"), py::arg("dilation"), py::arg("groups"));
  auto transposed = [](auto fn) {
    return [fn](const Tensor& x, const Tensor& w, const OptTensor& b, const IntVec& stride,
                const IntVec& padding, const IntVec& output_padding, int64_t groups,
                const IntVec& dilation) {
      return fn(x, w, or_undefined(b), stride, padding, output_padding, groups, dilation);
    };
  };
  nn.def("conv_transpose1d", transposed(&conv_transpose1d), py::arg("input"), py::arg("weight"),
         py::arg("bias"), py::arg("stride"), py::arg("padding"), py::arg("output_padding"),
         py::arg("groups"), py::arg("dilation"));
  nn.def("conv_transpose2d", transposed(&conv_transpose2d), py::arg("input"), py::arg("weight"),
         py::arg("bias"), py::arg("stride"), py::arg("padding"), py::arg("output_padding"),
         py::arg("groups"), py::arg("dilation"));
}

void bind_pool(py::module_& nn) {
  nn.def("max_pool2d_with_indices", &max_pool2d_with_indices);
  nn.def("max_pool1d_with_indices", &max_pool1d_with_indices);
  nn.def("avg_pool2d", &avg_pool2d);
  nn.def("avg_pool1d", &avg_pool1d);
  nn.def("adaptive_avg_pool2d", &adaptive_avg_pool2d);
  nn.def("adaptive_avg_pool1d", &adaptive_avg_pool1d);
  nn.def("adaptive_max_pool2d_with_indices", &adaptive_max_pool2d_with_indices);
  nn.def("adaptive_max_pool1d_with_indices", &adaptive_max_pool1d_with_indices);
}

void bind_norm(py::module_& nn) {
  nn.def("layer_norm",
         [](const Tensor& x, const Shape& shape, const OptTensor& w, const OptTensor& b,
            double eps) { return layer_norm(x, shape, or_undefined(w), or_undefined(b), eps); });
  nn.def("rms_norm",
         [](const Tensor& x, const Shape& shape, const OptTensor& w, std::optional<double> eps) {
           return rms_norm(x, shape, or_undefined(w), eps);
         });
  nn.def("group_norm",
         [](const Tensor& x, int64_t groups, const OptTensor& w, const OptTensor& b, double eps) {
           return group_norm(x, groups, or_undefined(w), or_undefined(b), eps);
         });
  nn.def("batch_norm",
         [](const Tensor& x, const OptTensor& rm, const OptTensor& rv, const OptTensor& w,
            const OptTensor& b, bool training, double momentum, double eps) {
           return batch_norm(x, or_undefined(rm), or_undefined(rv), or_undefined(w),
                             or_undefined(b), training, momentum, eps);
         });
}

void bind_embedding_dropout(py::module_& nn) {
  nn.def("embedding", &embedding);
  nn.def("one_hot", &one_hot);
  nn.def("dropout",
         [](const Tensor& x, double p, bool training) { return dropout(x, p, training); });
  nn.def("feature_dropout", [](const Tensor& x, double p, bool training, int64_t spatial_dims) {
    return feature_dropout(x, p, training, spatial_dims);
  });
}

void bind_losses(py::module_& nn) {
  nn.def("cross_entropy", [](const Tensor& x, const Tensor& t, const OptTensor& w, int64_t ignore,
                             const std::string& reduction, double smoothing) {
    return cross_entropy(x, t, or_undefined(w), ignore, reduction, smoothing);
  });
  nn.def("nll_loss", [](const Tensor& x, const Tensor& t, const OptTensor& w, int64_t ignore,
                        const std::string& reduction) {
    return nll_loss(x, t, or_undefined(w), ignore, reduction);
  });
  nn.def("mse_loss", &mse_loss);
  nn.def("l1_loss", &l1_loss);
  nn.def("smooth_l1_loss", &smooth_l1_loss);
  nn.def("huber_loss", &huber_loss);
  nn.def(
      "binary_cross_entropy_with_logits", [](const Tensor& x, const Tensor& t, const OptTensor& w,
                                             const std::string& reduction, const OptTensor& pw) {
        return binary_cross_entropy_with_logits(x, t, or_undefined(w), reduction, or_undefined(pw));
      });
  nn.def("binary_cross_entropy",
         [](const Tensor& x, const Tensor& t, const OptTensor& w, const std::string& reduction) {
           return binary_cross_entropy(x, t, or_undefined(w), reduction);
         });
  nn.def("kl_div", &kl_div);
}

void bind_pad_attention(py::module_& nn) {
  nn.def("pad", &pad);
  nn.def("scaled_dot_product_attention",
         [](const Tensor& q, const Tensor& k, const Tensor& v, const OptTensor& mask,
            double dropout_p, bool is_causal, std::optional<double> scale, int64_t window_size) {
           return scaled_dot_product_attention(q, k, v, or_undefined(mask), dropout_p, is_causal,
                                               scale, window_size);
         });
}

void bind_clip_grad(py::module_& nn) {
  nn.def("clip_grad_norm_", &nn::utils::clip_grad_norm_, py::arg("parameters"), py::arg("max_norm"),
         py::arg("norm_type"), py::arg("error_if_nonfinite"));
  nn.def("clip_grad_value_", &nn::utils::clip_grad_value_, py::arg("parameters"),
         py::arg("clip_value"));
}

}  // namespace

void bind_nn_functional(py::module_& m) {
  py::module_ nn = m.def_submodule("_nn", "neural-network functional ops");
  bind_conv(nn);
  bind_pool(nn);
  bind_norm(nn);
  bind_embedding_dropout(nn);
  bind_losses(nn);
  bind_pad_attention(nn);
  bind_clip_grad(nn);
}

}  // namespace deepseek::python
