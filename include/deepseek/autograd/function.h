// Custom differentiable functions in C++, as torch::autograd::Function<T>:
//
//   struct ScaledExp : deepseek::autograd::Function<ScaledExp> {
//     static Tensor forward(AutogradContext* ctx, const Tensor& x, double scale) {
//       Tensor y = x.exp() * scale;
//       ctx->save_for_backward({y});
//       ctx->saved_data["scale"] = scale;
//       return y;
//     }
//     static TensorList backward(AutogradContext* ctx, TensorList grads) {
//       Tensor y = ctx->get_saved_variables()[0];
//       return {grads[0] * y, Tensor()};  // one per forward argument; none for `scale`
//     }
//   };
//   Tensor y = ScaledExp::apply(x, 2.0);
//
// forward runs with grad mode off and returns a Tensor or a TensorList; apply returns the
// same. backward gets one gradient per forward output and returns one per forward argument
// (a TensorList argument counts as one per element; non-tensor arguments get an undefined
// Tensor). backward is written in deepseek ops, so it is itself differentiable.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "deepseek/autograd/grad_mode.h"
#include "deepseek/core/tensor.h"

namespace deepseek::autograd {

// A non-tensor value kept in ctx->saved_data (or a tensor, but see save_for_backward).
class SavedValue {
 public:
  SavedValue() = default;
  SavedValue(bool v) : v_(v) {}                             // NOLINT: ctx->saved_data["k"] = true
  SavedValue(int v) : v_(int64_t{v}) {}                     // NOLINT
  SavedValue(int64_t v) : v_(v) {}                          // NOLINT
  SavedValue(double v) : v_(v) {}                           // NOLINT
  SavedValue(const char* v) : v_(std::string(v)) {}         // NOLINT
  SavedValue(std::string v) : v_(std::move(v)) {}           // NOLINT
  SavedValue(Tensor v) : v_(std::move(v)) {}                // NOLINT
  SavedValue(std::vector<int64_t> v) : v_(std::move(v)) {}  // NOLINT
  SavedValue(TensorList v) : v_(std::move(v)) {}            // NOLINT

  bool is_none() const { return v_.index() == 0; }
  bool to_bool() const { return get<bool>("bool"); }
  int64_t to_int() const { return get<int64_t>("int"); }
  // Ints widen to double, as a Python float argument would accept them.
  double to_double() const {
    if (auto* i = std::get_if<int64_t>(&v_)) return static_cast<double>(*i);
    return get<double>("double");
  }
  const std::string& to_string() const { return get<std::string>("string"); }
  const Tensor& to_tensor() const { return get<Tensor>("Tensor"); }
  const std::vector<int64_t>& to_int_list() const { return get<std::vector<int64_t>>("int list"); }
  const TensorList& to_tensor_list() const { return get<TensorList>("Tensor list"); }

 private:
  template <typename T>
  const T& get(const char* what) const {
    const T* p = std::get_if<T>(&v_);
    DS_CHECK(p != nullptr, TypeError, "saved_data: the value is a {}, not a {}", kind(), what);
    return *p;
  }
  const char* kind() const;
  std::variant<std::monostate, bool, int64_t, double, std::string, Tensor, std::vector<int64_t>,
               TensorList>
      v_;
};

class AutogradContext {
 public:
  // Tensors backward needs (inputs or outputs). Saved with their version, so an in-place
  // write before backward raises instead of giving wrong gradients.
  void save_for_backward(TensorList tensors) { to_save_ = std::move(tensors); }
  // In backward: the tensors given to save_for_backward.
  const TensorList& get_saved_variables() const;
  // Outputs that get no gradient (indices, masks); their incoming gradients are zeros.
  void mark_non_differentiable(const TensorList& outputs);
  // Inputs forward modified in place and returned; their history now goes through this node.
  void mark_dirty(const TensorList& inputs);
  // false: outputs nothing flowed into reach backward as undefined tensors, not zeros.
  void set_materialize_grads(bool value) { materialize_grads_ = value; }
  // Whether forward argument `index` (TensorList arguments flattened) needs a gradient.
  bool needs_input_grad(size_t index) const;

  // Anything else backward needs: scalars, shapes, flags. Tensors belong in
  // save_for_backward: an output kept here would keep its own graph alive forever.
  std::unordered_map<std::string, SavedValue> saved_data;

 private:
  friend struct CustomFunctionLinker;
  TensorList to_save_;
  TensorList saved_;
  bool in_backward_ = false;
  std::vector<bool> needs_input_grad_;
  std::vector<const TensorImpl*> non_differentiable_;
  std::vector<const TensorImpl*> dirty_;
  bool materialize_grads_ = true;
};

using CustomBackwardFn = std::function<TensorList(AutogradContext*, TensorList)>;

// The non-template half of Function<T>::apply (src/autograd/function.cpp).
struct CustomFunctionLinker {
  // Before forward: records which inputs need gradients.
  static void prepare(AutogradContext& ctx, const TensorList& inputs);
  // After forward: links `outputs` (replaced by aliases where they are inputs) to a node that
  // calls `backward`.
  static void link(const std::string& name, const std::shared_ptr<AutogradContext>& ctx,
                   const TensorList& inputs, TensorList& outputs, CustomBackwardFn backward);
};

std::string custom_function_name(const std::type_info& type);

namespace detail {
inline void collect_inputs(TensorList& out, const Tensor& t) { out.push_back(t); }
inline void collect_inputs(TensorList& out, const TensorList& ts) {
  out.insert(out.end(), ts.begin(), ts.end());
}
template <typename T>
void collect_inputs(TensorList& out, const T&) {
  out.emplace_back();  // not a tensor: its gradient slot must stay undefined
}
}  // namespace detail

template <class T>
struct Function {
  template <typename... Args>
  static auto apply(Args&&... args) {
    auto ctx = std::make_shared<AutogradContext>();
    TensorList inputs;
    (detail::collect_inputs(inputs, args), ...);
    CustomFunctionLinker::prepare(*ctx, inputs);
    using Out = decltype(T::forward(ctx.get(), args...));
    static_assert(std::is_same_v<Out, Tensor> || std::is_same_v<Out, TensorList>,
                  "Function<T>::forward must return a Tensor or a TensorList");
    TensorList outputs;
    {
      NoGradGuard no_grad;
      if constexpr (std::is_same_v<Out, Tensor>) {
        outputs.push_back(T::forward(ctx.get(), args...));
      } else {
        outputs = T::forward(ctx.get(), args...);
      }
    }
    CustomFunctionLinker::link(
        custom_function_name(typeid(T)), ctx, inputs, outputs,
        [](AutogradContext* c, TensorList grads) { return T::backward(c, std::move(grads)); });
    if constexpr (std::is_same_v<Out, Tensor>) {
      return outputs[0];
    } else {
      return outputs;
    }
  }
};

}  // namespace deepseek::autograd
