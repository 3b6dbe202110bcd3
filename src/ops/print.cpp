// PyTorch-compatible tensor printing (the rules of torch/_tensor_str.py): one element
// formatter chosen from the data (integer-valued floats print as "1.", wide ranges switch to
// scientific notation), nested brackets with aligned columns, rows wrapped at the line width,
// "..." summaries for large tensors, and the dtype/device/grad suffixes.
#include "deepseek/ops/print.h"

#include <cmath>
#include <sstream>

#include "deepseek/autograd/node.h"
#include "deepseek/ops/copy.h"

namespace deepseek {

PrintOptions& print_options() {
  static PrintOptions opts;
  return opts;
}

namespace {

struct Formatter {
  bool floating = false, boolean = false, int_mode = true, sci_mode = false;
  int precision = 4;
  size_t width = 1;

  std::string format(double v) const {
    if (boolean) return v != 0 ? "True" : "False";
    if (!floating) return fmt::format("{}", static_cast<int64_t>(v));
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    if (sci_mode) return fmt::format("{:.{}e}", v, precision);
    if (int_mode) return fmt::format("{:.0f}.", v);
    return fmt::format("{:.{}f}", v, precision);
  }
  std::string pad(double v) const {
    std::string s = format(v);
    return std::string(width > s.size() ? width - s.size() : 0, ' ') + s;
  }
};

// Values of the (possibly summarised) tensor, used to pick the formatter.
void collect_shown(const double* data, const Shape& sizes, const Strides& strides, size_t d,
                   bool summarize, int64_t edge, std::vector<double>& out) {
  if (d == sizes.size()) {
    out.push_back(*data);
    return;
  }
  const int64_t n = sizes[d];
  for (int64_t i = 0; i < n; ++i) {
    if (summarize && n > 2 * edge && i == edge) i = n - edge;
    collect_shown(data + i * strides[d], sizes, strides, d + 1, summarize, edge, out);
  }
}

Formatter make_formatter(DType dtype, const std::vector<double>& values) {
  Formatter f;
  f.precision = print_options().precision;
  f.boolean = dtype == DType::Bool;
  f.floating = is_floating(dtype);
  if (f.floating) {
    std::vector<double> finite;
    for (double v : values) {
      if (std::isfinite(v) && v != 0) finite.push_back(std::fabs(v));
    }
    for (double v : values) {
      if (std::isfinite(v) && v != std::ceil(v)) f.int_mode = false;
    }
    if (!finite.empty()) {
      const double mx = *std::max_element(finite.begin(), finite.end());
      const double mn = *std::min_element(finite.begin(), finite.end());
      if (f.int_mode) {
        f.sci_mode = mx > 1e8;
      } else {
        f.sci_mode = mx / mn > 1000.0 || mx > 1e8 || mn < 1e-4;
      }
    }
    if (f.sci_mode) f.int_mode = false;
  }
  for (double v : values) f.width = std::max(f.width, f.format(v).size());
  return f;
}

void format_rec(std::ostringstream& os, const double* data, const Shape& sizes,
                const Strides& strides, size_t d, size_t indent, bool summarize, int64_t edge,
                const Formatter& f) {
  const int64_t n = sizes[d];
  os << '[';
  if (d + 1 == sizes.size()) {
    // Innermost row: wrap to the line width.
    const int64_t per_line = std::max<int64_t>(
        1, (print_options().linewidth - static_cast<int64_t>(indent)) / static_cast<int64_t>(f.width + 2));
    int64_t on_line = 0;
    for (int64_t i = 0; i < n; ++i) {
      if (summarize && n > 2 * edge && i == edge) {
        os << " ...,";
        i = n - edge;
        on_line++;
        os << (on_line >= per_line ? "\n" + std::string(indent + 1, ' ') : " ");
        if (on_line >= per_line) on_line = 0;
      }
      os << f.pad(data[i * strides[d]]);
      if (i + 1 < n) {
        os << ',';
        if (++on_line >= per_line) {
          os << '\n' << std::string(indent + 1, ' ');
          on_line = 0;
        } else {
          os << ' ';
        }
      }
    }
    os << ']';
    return;
  }
  const std::string sep = "," + std::string(sizes.size() - d - 1, '\n') + std::string(indent + 1, ' ');
  for (int64_t i = 0; i < n; ++i) {
    if (summarize && n > 2 * edge && i == edge) {
      os << "..." << sep;
      i = n - edge;
    }
    format_rec(os, data + i * strides[d], sizes, strides, d + 1, indent + 1, summarize, edge, f);
    if (i + 1 < n) os << sep;
  }
  os << ']';
}

}  // namespace

std::string format_tensor(const Tensor& t) {
  std::ostringstream os;
  const std::string prefix = "tensor(";
  std::vector<std::string> suffixes;
  Tensor values = convert_raw(t.detach(), DType::Float64, Device(DeviceType::CPU));
  if (values.numel() == 0) {
    os << prefix << "[]";
    if (t.dim() != 1) suffixes.push_back(fmt::format("size=({}{})", fmt::join(t.sizes(), ", "), t.dim() == 1 ? "," : ""));
  } else {
    const bool summarize = t.numel() > print_options().threshold;
    const int64_t edge = print_options().edgeitems;
    const double* data = static_cast<const double*>(values.data_ptr());
    std::vector<double> shown;
    collect_shown(data, values.sizes(), values.strides(), 0, summarize, edge, shown);
    Formatter f = make_formatter(t.dtype(), shown);
    os << prefix;
    if (t.dim() == 0) {
      os << f.format(*data);
    } else {
      format_rec(os, data, values.sizes(), values.strides(), 0, prefix.size(), summarize, edge, f);
    }
  }
  if (t.device().is_cuda()) suffixes.push_back(fmt::format("device='{}'", t.device().str()));
  const DType dt = t.dtype();
  const bool default_dtype = dt == default_float_dtype() || dt == DType::Int64 || dt == DType::Bool;
  if (!default_dtype || (t.numel() == 0 && dt != default_float_dtype())) {
    suffixes.push_back(fmt::format("dtype=deepseek.{}", dtype_name(dt)));
  }
  if (auto fn = t.grad_fn()) {
    suffixes.push_back(fmt::format("grad_fn=<{}>", fn->name()));
  } else if (t.requires_grad()) {
    suffixes.push_back("requires_grad=True");
  }
  for (const auto& s : suffixes) os << ", " << s;
  os << ')';
  return os.str();
}

std::string Tensor::to_string() const { return format_tensor(*this); }

std::ostream& operator<<(std::ostream& os, const Tensor& t) { return os << format_tensor(t); }

}  // namespace deepseek
