// PyTorch-compatible tensor printing, following the rules of torch 1.13's _tensor_str.py
// step by step so that repr(deepseek_tensor) reads exactly like repr(torch_tensor):
//  - one element formatter per tensor, chosen from the values that will be shown: integer-
//    valued floats print as "1.", a wide range (max/min > 1000, max > 1e8, min < 1e-4)
//    switches to scientific notation, every element is right-aligned to the widest one;
//  - nested brackets, rows wrapped at the line width, "..." for summarised dims;
//  - suffixes (device, dtype, grad_fn / requires_grad) wrapped at the line width too.
#include "deepseek/ops/print.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <vector>

#include "deepseek/autograd/node.h"
#include "deepseek/backend/backend.h"
#include "deepseek/ops/copy.h"

namespace deepseek {

PrintOptions& print_options() {
  static PrintOptions opts;
  return opts;
}

namespace {

// printf rounds exactly (half to even on the binary value), as Python's format() does.
std::string printf_double(const char* spec, int precision, double v) {
  char buf[512];
  std::snprintf(buf, sizeof buf, spec, precision, v);
  return buf;
}

std::string python_fixed(double v, int precision) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return printf_double("%.*f", precision, v);
}

std::string python_sci(double v, int precision) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return printf_double("%.*e", precision, v);
}

// torch's _Formatter: the mode and width are fixed from the shown values, then every element
// is formatted and left-padded to that width.
class Formatter {
 public:
  Formatter(DType dtype, const std::vector<double>& values) : dtype_(dtype) {
    const PrintOptions& opts = print_options();
    precision_ = opts.precision;
    if (!is_floating(dtype)) {
      for (double v : values) width_ = std::max(width_, plain(v).size());
      return;
    }
    std::vector<double> nonzero_finite;
    for (double v : values) {
      if (std::isfinite(v) && v != 0) nonzero_finite.push_back(v);
    }
    if (!nonzero_finite.empty()) choose_float_mode(nonzero_finite, opts.sci_mode);
    if (opts.sci_mode) sci_mode_ = *opts.sci_mode;
  }

  size_t width() const { return width_; }

  std::string format(double v) const {
    std::string s;
    if (!is_floating(dtype_)) {
      s = plain(v);
    } else if (sci_mode_) {
      s = python_sci(v, precision_);
    } else if (int_mode_) {
      s = python_fixed(v, 0);
      if (std::isfinite(v)) s += '.';
    } else {
      s = python_fixed(v, precision_);
    }
    return s.size() < width_ ? std::string(width_ - s.size(), ' ') + s : s;
  }

 private:
  std::string plain(double v) const {
    if (dtype_ == DType::Bool) return v != 0 ? "True" : "False";
    return fmt::format("{}", static_cast<int64_t>(v));
  }

  // A sci_mode set by set_printoptions wins over the automatic choice, and the width is
  // that of the forced format (as in torch 2; torch 1.13 kept the automatic format's width,
  // so forced scientific numbers ran together unpadded).
  void choose_float_mode(const std::vector<double>& nonzero_finite, std::optional<bool> forced) {
    double mn = INFINITY, mx = 0;
    for (double v : nonzero_finite) {
      mn = std::min(mn, std::fabs(v));
      mx = std::max(mx, std::fabs(v));
      if (v != std::ceil(v)) int_mode_ = false;
    }
    const bool wide = mx / mn > 1000.0 || mx > 1.0e8;
    if (int_mode_) {
      sci_mode_ = wide;
    } else {
      sci_mode_ = wide || mn < 1.0e-4;
    }
    if (forced) sci_mode_ = *forced;
    for (double v : nonzero_finite) {
      size_t len = sci_mode_   ? python_sci(v, precision_).size()
                   : int_mode_ ? python_fixed(v, 0).size() + 1
                               : python_fixed(v, precision_).size();
      width_ = std::max(width_, len);
    }
  }

  DType dtype_;
  int precision_ = 4;
  bool int_mode_ = true;
  bool sci_mode_ = false;
  size_t width_ = 1;
};

// The elements a printout shows, as a contiguous float64 CPU tensor: along each dim longer
// than 2 * edge only the first and last `edge` entries (torch's get_summarized_data). Only
// those are copied, so printing a huge device tensor moves a few hundred numbers.
Tensor shown_values(const Tensor& t, bool summarize, int64_t edge) {
  const Device host(DeviceType::CPU);
  Tensor src = t.detach();
  std::vector<size_t> cut_dims;
  Shape small = src.sizes();
  if (summarize) {
    for (size_t d = 0; d < small.size(); ++d) {
      if (small[d] > 2 * edge) {
        small[d] = 2 * edge;
        cut_dims.push_back(d);
      }
    }
  }
  if (cut_dims.empty()) return convert_raw(src.contiguous(), DType::Float64, host);
  Tensor dst = empty_tensor(small, src.dtype(), src.device());
  if (dst.numel() > 0) {
    // One block per head/tail choice along each cut dim.
    for (uint64_t mask = 0; mask < (uint64_t{1} << cut_dims.size()); ++mask) {
      Shape block = small;
      int64_t src_offset = src.storage_offset(), dst_offset = 0;
      for (size_t j = 0; j < cut_dims.size(); ++j) {
        const size_t d = cut_dims[j];
        block[d] = edge;
        if ((mask >> j) & 1u) {
          src_offset +=
              (src.size(static_cast<int64_t>(d)) - edge) * src.stride(static_cast<int64_t>(d));
          dst_offset += edge * dst.stride(static_cast<int64_t>(d));
        }
      }
      backend_for(src.device())
          .copy(make_view(src, block, src.strides(), src_offset),
                make_alias(dst, block, dst.strides(), dst_offset));
    }
  }
  return convert_raw(dst, DType::Float64, host);
}

struct Layout {
  const Shape& full_sizes;  // the tensor's sizes (decide where "..." goes)
  const Strides& strides;   // of the shown-values tensor
  bool summarize;
  int64_t edge;
  const Formatter& formatter;
};

// Indices of the shown-values tensor along a dim, -1 standing for the "..." entry.
std::vector<int64_t> shown_indices(const Layout& l, size_t d) {
  const int64_t n = l.full_sizes[d];
  std::vector<int64_t> idx;
  if (l.summarize && n > 2 * l.edge) {
    for (int64_t i = 0; i < l.edge; ++i) idx.push_back(i);
    idx.push_back(-1);
    for (int64_t i = 0; i < l.edge; ++i) idx.push_back(l.edge + i);
  } else {
    for (int64_t i = 0; i < n; ++i) idx.push_back(i);
  }
  return idx;
}

std::string vector_str(const double* data, const Layout& l, size_t d, int64_t indent) {
  const int64_t element_length = static_cast<int64_t>(l.formatter.width()) + 2;
  const int64_t per_line =
      std::max<int64_t>(1, (print_options().linewidth - indent) / element_length);
  std::vector<std::string> items;
  for (int64_t i : shown_indices(l, d)) {
    items.push_back(i < 0 ? " ..." : l.formatter.format(data[i * l.strides[d]]));
  }
  std::string out = "[";
  const std::string line_break = ",\n" + std::string(static_cast<size_t>(indent) + 1, ' ');
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i % static_cast<size_t>(per_line) == 0 ? line_break : ", ";
    out += items[i];
  }
  return out + "]";
}

std::string tensor_str(const double* data, const Layout& l, size_t d, int64_t indent) {
  const size_t ndim = l.full_sizes.size();
  if (d + 1 == ndim) return vector_str(data, l, d, indent);
  const std::string sep =
      "," + std::string(ndim - d - 1, '\n') + std::string(static_cast<size_t>(indent) + 1, ' ');
  std::string out = "[";
  bool first = true;
  for (int64_t i : shown_indices(l, d)) {
    if (!first) out += sep;
    first = false;
    out += i < 0 ? "..." : tensor_str(data + i * l.strides[d], l, d + 1, indent + 1);
  }
  return out + "]";
}

constexpr const char* kDtypePrefix = "dtype=deepseek.";
// len("deepseek.") - len("torch.")
constexpr size_t kModuleNameExtra = 3;

// torch's _add_suffixes: ", suffix" while it fits the line, else on a new indented line.
std::string add_suffixes(std::string text, const std::vector<std::string>& suffixes,
                         int64_t indent) {
  const int64_t linewidth = print_options().linewidth;
  const size_t last_newline = text.rfind('\n');
  // Mirrors torch's arithmetic, where rfind() returns -1 when there is no newline.
  int64_t last_line_len =
      static_cast<int64_t>(text.size()) -
      (last_newline == std::string::npos ? -1 : static_cast<int64_t>(last_newline)) + 1;
  for (const std::string& s : suffixes) {
    // Measured as torch would measure "dtype=torch.<name>", so that a printout breaks its
    // lines exactly where PyTorch's does and the two diff cleanly after the module rename.
    const bool names_module = s.rfind(kDtypePrefix, 0) == 0;
    const int64_t len = static_cast<int64_t>(s.size()) -
                        (names_module ? static_cast<int64_t>(kModuleNameExtra) : 0);
    if (last_line_len + len + 2 > linewidth) {
      text += ",\n" + std::string(static_cast<size_t>(indent), ' ') + s;
      last_line_len = indent + len;
    } else {
      text += ", " + s;
      last_line_len += len + 2;
    }
  }
  return text + ")";
}

std::string size_tuple(const Shape& sizes) {
  if (sizes.size() == 1) return fmt::format("({},)", sizes[0]);
  return fmt::format("({})", fmt::join(sizes, ", "));
}

}  // namespace

std::string format_tensor(const Tensor& t) {
  const std::string prefix = "tensor(";
  const int64_t indent = static_cast<int64_t>(prefix.size());
  const DType dt = t.dtype();
  std::vector<std::string> suffixes;
  if (!t.device().is_cpu()) suffixes.push_back(fmt::format("device='{}'", t.device().str()));

  std::string body;
  if (t.numel() == 0) {
    body = "[]";
    // The shape of an empty tensor cannot be read from "[]", nor its dtype.
    if (t.dim() != 1) suffixes.push_back("size=" + size_tuple(t.sizes()));
    if (dt != default_float_dtype()) suffixes.push_back(kDtypePrefix + std::string(dtype_name(dt)));
  } else {
    const PrintOptions& opts = print_options();
    const bool summarize = t.numel() > opts.threshold;
    Tensor shown = shown_values(t, summarize, opts.edgeitems);
    const double* data = static_cast<const double*>(shown.data_ptr());
    std::vector<double> values(data, data + shown.numel());
    Formatter formatter(dt, values);
    if (t.dim() == 0) {
      body = formatter.format(data[0]);
    } else {
      Layout layout{t.sizes(), shown.strides(), summarize, opts.edgeitems, formatter};
      body = tensor_str(data, layout, 0, indent);
    }
    const bool default_dtype =
        dt == default_float_dtype() || dt == DType::Int64 || dt == DType::Bool;
    if (!default_dtype) suffixes.push_back(kDtypePrefix + std::string(dtype_name(dt)));
  }
  if (auto fn = t.grad_fn()) {
    suffixes.push_back(fmt::format("grad_fn=<{}>", fn->name()));
  } else if (t.requires_grad()) {
    suffixes.push_back("requires_grad=True");
  }
  return add_suffixes(prefix + body, suffixes, indent);
}

std::string Tensor::to_string() const { return format_tensor(*this); }

std::ostream& operator<<(std::ostream& os, const Tensor& t) { return os << format_tensor(t); }

}  // namespace deepseek
