// Saving and loading an optimizer's state dict as a safetensors checkpoint (deepseek::save /
// deepseek::load), alone or nested in a larger checkpoint next to the model's:
//
//   optim::save(optimizer, "optim.safetensors");
//   optim::load(optimizer, "optim.safetensors");
//
//   deepseek::save(io::Value::dict({{"model", nn::to_value(model.state_dict())},
//                                   {"optimizer", optim::to_value(optimizer.state_dict())}}),
//                  path);
//   optimizer.load_state_dict(optim::state_dict_from_value(deepseek::load(path)["optimizer"]));
#pragma once

#include <string>

#include "deepseek/io/value.h"
#include "deepseek/optim/optimizer.h"

namespace deepseek::optim {

// The state dict as a checkpoint value: {"tensors": {name: tensor}, "metadata": {name: str}}.
io::Value to_value(const OptimizerStateDict& state_dict);
// Back: `value` must have that form (TypeError naming what differs otherwise).
OptimizerStateDict state_dict_from_value(const io::Value& value);

// Writes optimizer.state_dict() atomically.
void save(const Optimizer& optimizer, const std::string& path);
// Reads a checkpoint written by save into optimizer through load_state_dict (state tensors
// go to their parameters' devices and dtypes).
void load(Optimizer& optimizer, const std::string& path);

}  // namespace deepseek::optim
