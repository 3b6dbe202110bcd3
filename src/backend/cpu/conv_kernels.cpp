// 2-D convolution: forward, gradient of the input, gradient of the weight (and bias).
//
// float32 and bfloat16 run on oneDNN's convolution primitives. Each primitive is created
// with "any" memory layouts so oneDNN can pick its blocked layouts (nChw16c, ...) that the
// AVX-512/AMX kernels need; our plain NCHW/OIHW tensors are reordered into and out of them
// around the call, as PyTorch's own oneDNN path does. Primitives and reorders are cached by
// the key of everything that shaped them. float16 is widened to float32 around the float32
// path. float64 (gradcheck, exactness tests) uses direct loops of our own: each output is a
// plain dot product over (channel, kh, kw), parallel over independent outputs.
#include <fmt/format.h>

#include "cpu_backend.h"
#include "deepseek/core/logging.h"
#include "onednn.h"
#include "strided_loop.h"

namespace deepseek::cpu {

namespace {

using dnnl::memory;

// The oneDNN view of one convolution problem (2 spatial dims).
struct ConvShape {
  memory::dims src, weights, dst, bias, strides, dilates, pad_l, pad_r;
  int64_t groups;
  std::string key;  // everything above plus the dtype
};

ConvShape conv_shape(const ConvParams& p, const Shape& in, const Shape& w, const Shape& out,
                     DType dtype) {
  ConvShape s;
  s.groups = p.groups;
  s.src = {in[0], in[1], in[2], in[3]};
  s.dst = {out[0], out[1], out[2], out[3]};
  if (p.groups > 1) {
    s.weights = {p.groups, w[0] / p.groups, w[1], w[2], w[3]};
  } else {
    s.weights = {w[0], w[1], w[2], w[3]};
  }
  s.bias = {w[0]};
  for (int d = 0; d < 2; ++d) {
    s.strides.push_back(p.stride[d]);
    s.dilates.push_back(p.dilation[d] - 1);  // oneDNN counts the holes, not the step
    s.pad_l.push_back(p.padding_before[d]);
    // The right padding oneDNN wants is what the last window actually reaches, which can be
    // less than requested when the stride skips the tail.
    const int64_t reach = (out[2 + d] - 1) * p.stride[d] + (w[2 + d] - 1) * p.dilation[d] + 1;
    s.pad_r.push_back(reach - in[2 + d] - p.padding_before[d]);
  }
  s.key = fmt::format("{}|{}|{}|{}|{}|{}|{}|{}", static_cast<int>(dtype), fmt::join(s.src, ","),
                      fmt::join(s.weights, ","), fmt::join(s.dst, ","), fmt::join(s.strides, ","),
                      fmt::join(s.dilates, ","), fmt::join(s.pad_l, ","), fmt::join(s.pad_r, ","));
  return s;
}

memory::desc any_md(const memory::dims& dims, memory::data_type dt) {
  return memory::desc(dims, dt, memory::format_tag::any);
}
memory::desc plain_md(const memory::dims& dims, memory::data_type dt) {
  using tag = memory::format_tag;
  switch (dims.size()) {
    case 1:
      return memory::desc(dims, dt, tag::a);
    case 4:
      return memory::desc(dims, dt, tag::abcd);
    default:
      return memory::desc(dims, dt, tag::abcde);
  }
}

dnnl::convolution_forward::primitive_desc forward_pd(const ConvShape& s, memory::data_type dt,
                                                     bool with_bias) {
  auto& eng = onednn::engine();
  using namespace dnnl;
  if (with_bias) {
    convolution_forward::desc d(prop_kind::forward_training, algorithm::convolution_direct,
                                any_md(s.src, dt), any_md(s.weights, dt), plain_md(s.bias, dt),
                                any_md(s.dst, dt), s.strides, s.dilates, s.pad_l, s.pad_r);
    return {d, eng};
  }
  convolution_forward::desc d(prop_kind::forward_training, algorithm::convolution_direct,
                              any_md(s.src, dt), any_md(s.weights, dt), any_md(s.dst, dt),
                              s.strides, s.dilates, s.pad_l, s.pad_r);
  return {d, eng};
}

struct ForwardEntry {
  dnnl::convolution_forward::primitive_desc pd;
  dnnl::convolution_forward prim;
};
struct BackwardDataEntry {
  dnnl::convolution_backward_data::primitive_desc pd;
  dnnl::convolution_backward_data prim;
};
struct BackwardWeightsEntry {
  dnnl::convolution_backward_weights::primitive_desc pd;
  dnnl::convolution_backward_weights prim;
};

// A reorder between two layouts of the same data, cached by both layouts' role in one
// convolution problem.
dnnl::reorder cached_reorder(const std::string& key, const memory::desc& from,
                             const memory::desc& to) {
  static onednn::PrimitiveCache<dnnl::reorder> cache;
  return cache.get(key, [&] {
    return dnnl::reorder(
        dnnl::reorder::primitive_desc(onednn::engine(), from, onednn::engine(), to));
  });
}

// The operand in the layout the primitive wants: the user's memory itself when the layouts
// agree, else a reordered copy.
memory input_in_layout(memory user, const memory::desc& want, const std::string& key) {
  if (user.get_desc() == want) return user;
  memory m(want, onednn::engine());
  cached_reorder(key, user.get_desc(), want).execute(onednn::stream(), user, m);
  return m;
}

// Where a primitive writes an output: the user's memory, or a scratch buffer that
// finish_output copies back.
memory output_in_layout(memory user, const memory::desc& want) {
  return user.get_desc() == want ? user : memory(want, onednn::engine());
}
void finish_output(memory produced, memory user, const std::string& key) {
  if (produced.get_data_handle() == user.get_data_handle()) return;
  cached_reorder(key, produced.get_desc(), user.get_desc())
      .execute(onednn::stream(), produced, user);
}

// Multiply-adds of one convolution pass, times two: each output element sums weights / O
// products.
double conv_flops(const ConvShape& s) {
  double out = 1, wei = 1;
  for (auto d : s.dst) out *= static_cast<double>(d);
  for (auto d : s.weights) wei *= static_cast<double>(d);
  return 2.0 * out * wei / static_cast<double>(s.dst[1]);
}

memory wrap(const memory::dims& dims, memory::data_type dt, const Tensor& t) {
  return memory(plain_md(dims, dt), onednn::engine(), t.data_ptr());
}

void onednn_forward(const ConvParams& p, const Tensor& x, const Tensor& w, const Tensor& b,
                    const Tensor& y) {
  static onednn::PrimitiveCache<ForwardEntry> cache;
  const auto dt = onednn::to_dnnl(x.dtype());
  const ConvShape s = conv_shape(p, x.sizes(), w.sizes(), y.sizes(), x.dtype());
  onednn::ThreadScope threads(onednn::threads_for(conv_flops(s)));
  const std::string key =
      fmt::format("t{}|", threads.threads()) + s.key + (b.defined() ? "|fb" : "|f");
  ForwardEntry e = cache.get(key, [&] {
    auto pd = forward_pd(s, dt, b.defined());
    DS_LOG(Debug, "oneDNN conv forward {} -> {}", key, pd.impl_info_str());
    return ForwardEntry{pd, dnnl::convolution_forward(pd)};
  });
  memory src = input_in_layout(wrap(s.src, dt, x), e.pd.src_desc(), key + "|src");
  memory wei = input_in_layout(wrap(s.weights, dt, w), e.pd.weights_desc(), key + "|wei");
  memory user_dst = wrap(s.dst, dt, y);
  memory dst = output_in_layout(user_dst, e.pd.dst_desc());
  std::unordered_map<int, memory> args{
      {DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, wei}, {DNNL_ARG_DST, dst}};
  if (b.defined()) args[DNNL_ARG_BIAS] = wrap(s.bias, dt, b);
  e.prim.execute(onednn::stream(), args);
  finish_output(dst, user_dst, key + "|dst");
  onednn::stream().wait();
}

void onednn_backward_input(const ConvParams& p, const Tensor& gy, const Tensor& w,
                           const Tensor& gx) {
  static onednn::PrimitiveCache<BackwardDataEntry> cache;
  const auto dt = onednn::to_dnnl(gy.dtype());
  const ConvShape s = conv_shape(p, gx.sizes(), w.sizes(), gy.sizes(), gy.dtype());
  onednn::ThreadScope threads(onednn::threads_for(conv_flops(s)));
  const std::string key = fmt::format("t{}|", threads.threads()) + s.key + "|bd";
  BackwardDataEntry e = cache.get(key, [&] {
    auto hint = forward_pd(s, dt, false);
    dnnl::convolution_backward_data::desc d(dnnl::algorithm::convolution_direct, any_md(s.src, dt),
                                            any_md(s.weights, dt), any_md(s.dst, dt), s.strides,
                                            s.dilates, s.pad_l, s.pad_r);
    dnnl::convolution_backward_data::primitive_desc pd(d, onednn::engine(), hint);
    return BackwardDataEntry{pd, dnnl::convolution_backward_data(pd)};
  });
  memory diff_dst = input_in_layout(wrap(s.dst, dt, gy), e.pd.diff_dst_desc(), key + "|ddst");
  memory wei = input_in_layout(wrap(s.weights, dt, w), e.pd.weights_desc(), key + "|wei");
  memory user_diff_src = wrap(s.src, dt, gx);
  memory diff_src = output_in_layout(user_diff_src, e.pd.diff_src_desc());
  e.prim.execute(
      onednn::stream(),
      {{DNNL_ARG_DIFF_DST, diff_dst}, {DNNL_ARG_WEIGHTS, wei}, {DNNL_ARG_DIFF_SRC, diff_src}});
  finish_output(diff_src, user_diff_src, key + "|dsrc");
  onednn::stream().wait();
}

void onednn_backward_weight(const ConvParams& p, const Tensor& gy, const Tensor& x,
                            const Tensor& gw, const Tensor& gb) {
  static onednn::PrimitiveCache<BackwardWeightsEntry> cache;
  const auto dt = onednn::to_dnnl(gy.dtype());
  const ConvShape s = conv_shape(p, x.sizes(), gw.sizes(), gy.sizes(), gy.dtype());
  onednn::ThreadScope threads(onednn::threads_for(conv_flops(s)));
  const std::string key =
      fmt::format("t{}|", threads.threads()) + s.key + (gb.defined() ? "|bwb" : "|bw");
  BackwardWeightsEntry e = cache.get(key, [&] {
    auto hint = forward_pd(s, dt, gb.defined());
    using dnnl::convolution_backward_weights;
    auto make = [&]() {
      if (gb.defined()) {
        return convolution_backward_weights::desc(
            dnnl::algorithm::convolution_direct, any_md(s.src, dt), any_md(s.weights, dt),
            plain_md(s.bias, dt), any_md(s.dst, dt), s.strides, s.dilates, s.pad_l, s.pad_r);
      }
      return convolution_backward_weights::desc(
          dnnl::algorithm::convolution_direct, any_md(s.src, dt), any_md(s.weights, dt),
          any_md(s.dst, dt), s.strides, s.dilates, s.pad_l, s.pad_r);
    };
    convolution_backward_weights::primitive_desc pd(make(), onednn::engine(), hint);
    return BackwardWeightsEntry{pd, convolution_backward_weights(pd)};
  });
  memory src = input_in_layout(wrap(s.src, dt, x), e.pd.src_desc(), key + "|src");
  memory diff_dst = input_in_layout(wrap(s.dst, dt, gy), e.pd.diff_dst_desc(), key + "|ddst");
  memory user_diff_wei = wrap(s.weights, dt, gw);
  memory diff_wei = output_in_layout(user_diff_wei, e.pd.diff_weights_desc());
  std::unordered_map<int, memory> args{
      {DNNL_ARG_SRC, src}, {DNNL_ARG_DIFF_DST, diff_dst}, {DNNL_ARG_DIFF_WEIGHTS, diff_wei}};
  if (gb.defined()) args[DNNL_ARG_DIFF_BIAS] = wrap(s.bias, dt, gb);
  e.prim.execute(onednn::stream(), args);
  finish_output(diff_wei, user_diff_wei, key + "|dwei");
  onednn::stream().wait();
}

// ---- direct loops (float64) ----

// The sizes every direct loop needs, in one place.
struct Geometry {
  int64_t N, C, H, W, O, OH, OW, KH, KW, G, Cg, Og;
  int64_t sh, sw, ph, pw, dh, dw;
  Geometry(const ConvParams& p, const Shape& in, const Shape& w, const Shape& out)
      : N(in[0]),
        C(in[1]),
        H(in[2]),
        W(in[3]),
        O(out[1]),
        OH(out[2]),
        OW(out[3]),
        KH(w[2]),
        KW(w[3]),
        G(p.groups),
        Cg(in[1] / p.groups),
        Og(out[1] / p.groups),
        sh(p.stride[0]),
        sw(p.stride[1]),
        ph(p.padding_before[0]),
        pw(p.padding_before[1]),
        dh(p.dilation[0]),
        dw(p.dilation[1]) {}
  // Multiply-adds of one pass (forward or either gradient), to decide on threading.
  int64_t macs() const { return N * O * OH * OW * Cg * KH * KW; }
};

// Calls visit(x_index, w_index) for every kernel tap of output (n, o, oh, ow) that lands
// inside the input (taps in the padding contribute nothing): the one map between outputs
// and inputs that the forward pass reads through and the input gradient scatters back.
template <typename Visit>
inline void for_each_tap(const Geometry& g, int64_t n, int64_t o, int64_t oh, int64_t ow,
                         Visit&& visit) {
  const int64_t c0 = (o / g.Og) * g.Cg;
  for (int64_t c = 0; c < g.Cg; ++c) {
    const int64_t x_plane = (n * g.C + c0 + c) * g.H * g.W;
    const int64_t w_plane = (o * g.Cg + c) * g.KH * g.KW;
    for (int64_t kh = 0; kh < g.KH; ++kh) {
      const int64_t ih = oh * g.sh - g.ph + kh * g.dh;
      if (ih < 0 || ih >= g.H) continue;
      for (int64_t kw = 0; kw < g.KW; ++kw) {
        const int64_t iw = ow * g.sw - g.pw + kw * g.dw;
        if (iw < 0 || iw >= g.W) continue;
        visit(x_plane + ih * g.W + iw, w_plane + kh * g.KW + kw);
      }
    }
  }
}

// y[n, o, oh, ow] = b[o] + sum over (c, kh, kw) of x * w; threads own (n, o) planes.
template <typename T>
void direct_forward(const Geometry& g, const T* x, const T* w, const T* b, T* y) {
#pragma omp parallel for collapse(2) if (g.macs() > kSerialMacs)
  for (int64_t n = 0; n < g.N; ++n) {
    for (int64_t o = 0; o < g.O; ++o) {
      for (int64_t oh = 0; oh < g.OH; ++oh) {
        for (int64_t ow = 0; ow < g.OW; ++ow) {
          T acc = b ? b[o] : T(0);
          for_each_tap(g, n, o, oh, ow, [&](int64_t xi, int64_t wi) { acc += x[xi] * w[wi]; });
          y[((n * g.O + o) * g.OH + oh) * g.OW + ow] = acc;
        }
      }
    }
  }
}

// gx = the transpose of the forward map applied to gy; threads own samples, each scattering
// its own outputs' gradients into its own input plane (no races).
template <typename T>
void direct_backward_input(const Geometry& g, const T* gy, const T* w, T* gx) {
  std::fill(gx, gx + g.N * g.C * g.H * g.W, T(0));
#pragma omp parallel for if (g.macs() > kSerialMacs)
  for (int64_t n = 0; n < g.N; ++n) {
    for (int64_t o = 0; o < g.O; ++o) {
      for (int64_t oh = 0; oh < g.OH; ++oh) {
        for (int64_t ow = 0; ow < g.OW; ++ow) {
          const T go = gy[((n * g.O + o) * g.OH + oh) * g.OW + ow];
          for_each_tap(g, n, o, oh, ow, [&](int64_t xi, int64_t wi) { gx[xi] += go * w[wi]; });
        }
      }
    }
  }
}

// gw[o, c, kh, kw] = sum over (n, oh, ow) of gy * x; threads own output channels.
template <typename T>
void direct_backward_weight(const Geometry& g, const T* gy, const T* x, T* gw, T* gb) {
#pragma omp parallel for if (g.macs() > kSerialMacs)
  for (int64_t o = 0; o < g.O; ++o) {
    const int64_t c0 = (o / g.Og) * g.Cg;
    if (gb) {
      T acc = 0;
      for (int64_t n = 0; n < g.N; ++n) {
        const T* gp = gy + (n * g.O + o) * g.OH * g.OW;
        for (int64_t i = 0; i < g.OH * g.OW; ++i) acc += gp[i];
      }
      gb[o] = acc;
    }
    for (int64_t c = 0; c < g.Cg; ++c) {
      for (int64_t kh = 0; kh < g.KH; ++kh) {
        for (int64_t kw = 0; kw < g.KW; ++kw) {
          T acc = 0;
          for (int64_t n = 0; n < g.N; ++n) {
            const T* xp = x + ((n * g.C + c0 + c) * g.H) * g.W;
            const T* gp = gy + (n * g.O + o) * g.OH * g.OW;
            for (int64_t oh = 0; oh < g.OH; ++oh) {
              const int64_t ih = oh * g.sh - g.ph + kh * g.dh;
              if (ih < 0 || ih >= g.H) continue;
              for (int64_t ow = 0; ow < g.OW; ++ow) {
                const int64_t iw = ow * g.sw - g.pw + kw * g.dw;
                if (iw < 0 || iw >= g.W) continue;
                acc += gp[oh * g.OW + ow] * xp[ih * g.W + iw];
              }
            }
          }
          gw[((o * g.Cg + c) * g.KH + kh) * g.KW + kw] = acc;
        }
      }
    }
  }
}

bool onednn_dtype(DType dt) { return dt == DType::Float32 || dt == DType::BFloat16; }

// float16 runs as float32: copies of the operands in, one rounding of the result out.
Tensor widened(const Tensor& t, CpuBackend& be) {
  if (!t.defined()) return t;
  Tensor w = empty_tensor(t.sizes(), DType::Float32, t.device());
  be.copy(t, w);
  return w;
}
Tensor widened_empty(const Tensor& t) {
  return t.defined() ? empty_tensor(t.sizes(), DType::Float32, t.device()) : t;
}

}  // namespace

void CpuBackend::conv_forward(const ConvParams& p, const Tensor& x, const Tensor& w,
                              const Tensor& b, const Tensor& y) {
  if (y.numel() == 0) return;
  if (x.numel() == 0 || w.numel() == 0) {  // empty reduction: only the bias remains
    if (!b.defined()) return fill(y, 0);
    Tensor bb = make_view(b, y.sizes(), {0, 1, 0, 0}, b.storage_offset());
    return copy(bb, y);
  }
  if (onednn_dtype(x.dtype())) return onednn_forward(p, x, w, b, y);
  if (x.dtype() == DType::Float16) {
    Tensor y32 = widened_empty(y);
    onednn_forward(p, widened(x, *this), widened(w, *this), widened(b, *this), y32);
    return copy(y32, y);
  }
  DS_CHECK(x.dtype() == DType::Float64, TypeError, "conv: not implemented for '{}'",
           dtype_name(x.dtype()));
  direct_forward<double>(Geometry(p, x.sizes(), w.sizes(), y.sizes()), x.data_ptr<double>(),
                         w.data_ptr<double>(), b.defined() ? b.data_ptr<double>() : nullptr,
                         y.data_ptr<double>());
}

void CpuBackend::conv_backward_input(const ConvParams& p, const Tensor& gy, const Tensor& w,
                                     const Tensor& gx) {
  if (gx.numel() == 0) return;
  if (gy.numel() == 0 || w.numel() == 0) return fill(gx, 0);
  if (onednn_dtype(gy.dtype())) return onednn_backward_input(p, gy, w, gx);
  if (gy.dtype() == DType::Float16) {
    Tensor gx32 = widened_empty(gx);
    onednn_backward_input(p, widened(gy, *this), widened(w, *this), gx32);
    return copy(gx32, gx);
  }
  DS_CHECK(gy.dtype() == DType::Float64, TypeError, "conv backward: not implemented for '{}'",
           dtype_name(gy.dtype()));
  direct_backward_input<double>(Geometry(p, gx.sizes(), w.sizes(), gy.sizes()),
                                gy.data_ptr<double>(), w.data_ptr<double>(), gx.data_ptr<double>());
}

void CpuBackend::conv_backward_weight(const ConvParams& p, const Tensor& gy, const Tensor& x,
                                      const Tensor& gw, const Tensor& gb) {
  if (gy.numel() == 0 || x.numel() == 0) {
    if (gw.numel() > 0) fill(gw, 0);
    if (gb.defined() && gb.numel() > 0) fill(gb, 0);
    return;
  }
  if (gw.numel() == 0) return;
  if (onednn_dtype(gy.dtype())) return onednn_backward_weight(p, gy, x, gw, gb);
  if (gy.dtype() == DType::Float16) {
    Tensor gw32 = widened_empty(gw), gb32 = widened_empty(gb);
    onednn_backward_weight(p, widened(gy, *this), widened(x, *this), gw32, gb32);
    copy(gw32, gw);
    if (gb.defined()) copy(gb32, gb);
    return;
  }
  DS_CHECK(gy.dtype() == DType::Float64, TypeError, "conv backward: not implemented for '{}'",
           dtype_name(gy.dtype()));
  direct_backward_weight<double>(Geometry(p, x.sizes(), gw.sizes(), gy.sizes()),
                                 gy.data_ptr<double>(), x.data_ptr<double>(), gw.data_ptr<double>(),
                                 gb.defined() ? gb.data_ptr<double>() : nullptr);
}

}  // namespace deepseek::cpu
