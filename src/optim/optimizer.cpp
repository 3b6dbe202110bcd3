#include "deepseek/optim/optimizer.h"

#include <nlohmann/json.hpp>

#include "deepseek/autograd/engine.h"
#include "deepseek/autograd/grad_mode.h"
#include "deepseek/ops/copy.h"

namespace deepseek::optim {

double& ParamGroup::operator[](const std::string& name) { return options[name]; }

double ParamGroup::option(const std::string& name) const {
  auto it = options.find(name);
  DS_CHECK(it != options.end(), ValueError, "optimizer: parameter group has no option '{}'", name);
  return it->second;
}

Optimizer::Optimizer(TensorList params, std::map<std::string, double> defaults)
    : defaults_(std::move(defaults)) {
  DS_CHECK(!params.empty(), ValueError, "optimizer got an empty parameter list");
  add_param_group({std::move(params), {}});
}

void Optimizer::add_param_group(ParamGroup group) {
  for (const Tensor& p : group.params) {
    DS_CHECK(p.is_leaf(), ValueError,
             "optimizer can only optimize leaf Tensors (a parameter has a grad_fn)");
    for (const ParamGroup& g : groups_) {
      for (const Tensor& q : g.params) {
        DS_CHECK(!p.is_same(q), ValueError,
                 "some parameters appear in more than one parameter group");
      }
    }
  }
  for (const auto& [name, value] : defaults_) group.options.try_emplace(name, value);
  groups_.push_back(std::move(group));
}

void Optimizer::zero_grad(bool set_to_none) {
  for (const ParamGroup& g : groups_) autograd::zero_grad(g.params, set_to_none);
}

TensorList Optimizer::with_grads(const ParamGroup& group) {
  TensorList out;
  for (const Tensor& p : group.params) {
    if (p.grad().defined()) out.push_back(p);
  }
  return out;
}

OptimizerStateDict Optimizer::state_dict() const {
  OptimizerStateDict d;
  nlohmann::json groups = nlohmann::json::array(), steps = nlohmann::json::object();
  int64_t index = 0;
  for (const ParamGroup& g : groups_) {
    nlohmann::json jg = nlohmann::json::object();
    for (const auto& [name, value] : g.options) jg[name] = value;
    nlohmann::json ids = nlohmann::json::array();
    for (const Tensor& p : g.params) {
      ids.push_back(index);
      auto it = state_.find(p.impl());
      if (it != state_.end()) {
        steps[std::to_string(index)] = it->second.step;
        for (const auto& [name, t] : it->second.tensors) {
          d.tensors[fmt::format("state.{}.{}", index, name)] = t;
        }
      }
      ++index;
    }
    jg["params"] = ids;
    groups.push_back(jg);
  }
  d.metadata["param_groups"] = groups.dump();
  d.metadata["steps"] = steps.dump();
  return d;
}

void Optimizer::load_state_dict(const OptimizerStateDict& d) {
  auto groups_it = d.metadata.find("param_groups");
  auto steps_it = d.metadata.find("steps");
  DS_CHECK(groups_it != d.metadata.end() && steps_it != d.metadata.end(), ValueError,
           "load_state_dict: not an optimizer state dict (missing 'param_groups' or 'steps')");
  nlohmann::json groups, steps;
  try {
    groups = nlohmann::json::parse(groups_it->second);
    steps = nlohmann::json::parse(steps_it->second);
  } catch (const nlohmann::json::exception& e) {
    DS_THROW(ValueError, "load_state_dict: corrupt optimizer metadata: {}", e.what());
  }
  DS_CHECK(groups.is_array() && groups.size() == groups_.size(), ValueError,
           "loaded state dict has a different number of parameter groups ({} vs {})",
           groups.is_array() ? groups.size() : 0, groups_.size());
  std::vector<Tensor> flat;
  for (size_t gi = 0; gi < groups_.size(); ++gi) {
    const auto& jg = groups[gi];
    DS_CHECK(
        jg.is_object() && jg.contains("params") && jg["params"].size() == groups_[gi].params.size(),
        ValueError,
        "loaded state dict contains a parameter group that doesn't match the size of "
        "optimizer's group");
    for (auto it = jg.begin(); it != jg.end(); ++it) {
      if (it.key() != "params" && it->is_number())
        groups_[gi].options[it.key()] = it->get<double>();
    }
    for (const Tensor& p : groups_[gi].params) flat.push_back(p);
  }
  state_.clear();
  autograd::NoGradGuard no_grad;
  for (const auto& [key, t] : d.tensors) {
    // "state.<index>.<name>"
    const size_t dot1 = key.find('.'), dot2 = key.find('.', dot1 + 1);
    DS_CHECK(key.rfind("state.", 0) == 0 && dot2 != std::string::npos, ValueError,
             "load_state_dict: unexpected tensor '{}'", key);
    const int64_t index = std::stoll(key.substr(dot1 + 1, dot2 - dot1 - 1));
    DS_CHECK(index >= 0 && index < static_cast<int64_t>(flat.size()), ValueError,
             "load_state_dict: state for parameter {} but the optimizer has {}", index,
             flat.size());
    const Tensor& p = flat[index];
    DS_CHECK(t.sizes() == p.sizes(), ValueError,
             "load_state_dict: state '{}' has shape {} but the parameter has shape {}", key,
             shape_str(t.sizes()), shape_str(p.sizes()));
    state_[p.impl()].tensors[key.substr(dot2 + 1)] = to(t, p.device(), p.dtype(), true);
  }
  for (auto it = steps.begin(); it != steps.end(); ++it) {
    const int64_t index = std::stoll(it.key());
    DS_CHECK(index >= 0 && index < static_cast<int64_t>(flat.size()), ValueError,
             "load_state_dict: step for parameter {} but the optimizer has {}", index, flat.size());
    state_[flat[index].impl()].step = it->get<double>();
  }
}

}  // namespace deepseek::optim
