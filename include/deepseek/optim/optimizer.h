// The C++ optimizers' shared shell: parameter groups whose options can be edited between
// steps (as PyTorch's param_groups dicts), per-parameter state, zero_grad, and a flat
// state dict that saves as a safetensors checkpoint.
#pragma once

#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "deepseek/core/tensor.h"

namespace deepseek::optim {

// A group of parameters and its options by PyTorch's names ("lr", "momentum", "betas" is
// split into "beta1"/"beta2"); booleans are stored as 0/1.
struct ParamGroup {
  TensorList params;
  std::map<std::string, double> options;

  double& operator[](const std::string& name);
  double option(const std::string& name) const;
};

// Everything needed to resume: tensors named "state.<param index>.<name>" and metadata
// holding the groups and step counts as JSON ("param_groups", "steps").
struct OptimizerStateDict {
  std::map<std::string, Tensor> tensors;
  std::map<std::string, std::string> metadata;
};

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  virtual void step() = 0;
  void zero_grad(bool set_to_none = true);
  // Options missing from the group are taken from the optimizer's defaults.
  void add_param_group(ParamGroup group);
  std::vector<ParamGroup>& param_groups() { return groups_; }
  const std::vector<ParamGroup>& param_groups() const { return groups_; }

  OptimizerStateDict state_dict() const;
  // Restores state saved from an optimizer over the same parameters in the same order.
  void load_state_dict(const OptimizerStateDict& dict);

 protected:
  Optimizer(TensorList params, std::map<std::string, double> defaults);

  struct ParamState {
    std::map<std::string, Tensor> tensors;
    double step = 0;
  };
  ParamState& state_of(const Tensor& param) { return state_[param.impl()]; }
  // The parameters of `group` that have a gradient, in order.
  static TensorList with_grads(const ParamGroup& group);

 private:
  std::map<std::string, double> defaults_;
  std::vector<ParamGroup> groups_;
  std::unordered_map<const TensorImpl*, ParamState> state_;
};

}  // namespace deepseek::optim
