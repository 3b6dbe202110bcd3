// Saving and loading a module's state_dict as a safetensors checkpoint (deepseek::save /
// deepseek::load), readable by the Python side's `model.load_state_dict(torch.load(path))`
// and by any safetensors tool (keys are the state_dict names).
//
//   nn::save(*model, "model.safetensors");
//   nn::load(*model, "model.safetensors");
#pragma once

#include <string>

#include "deepseek/io/value.h"
#include "deepseek/nn/module.h"

namespace deepseek::nn {

// The state dict as a checkpoint value (a dict of tensors), to nest in a larger checkpoint.
io::Value to_value(const StateDict& state_dict);
// Back: `value` must be a dict with string keys and tensor values (TypeError otherwise).
StateDict state_dict_from_value(const io::Value& value);

// Writes module.state_dict() atomically.
void save(const Module& module, const std::string& path);
// Reads a checkpoint written by save (or by the Python side from a state dict) into module
// through load_state_dict, with its strictness and errors.
LoadStateDictResult load(Module& module, const std::string& path, bool strict = true);

}  // namespace deepseek::nn
