#include "deepseek/nn/serialize.h"

#include <variant>

#include "deepseek/io/checkpoint.h"

namespace deepseek::nn {

io::Value to_value(const StateDict& state_dict) {
  io::DictItems items;
  items.reserve(state_dict.size());
  for (const auto& [key, tensor] : state_dict) items.emplace_back(key, io::Value(tensor));
  return io::Value::dict(std::move(items));
}

StateDict state_dict_from_value(const io::Value& value) {
  DS_CHECK(value.kind() == io::Value::Kind::Dict, TypeError,
           "Expected state_dict to be dict-like, got {}.", value.kind_name());
  StateDict out;
  for (const auto& [key, item] : value.dict_items()) {
    const std::string* name = std::get_if<std::string>(&key);
    DS_CHECK(name != nullptr, TypeError, "state_dict keys must be strings, got {}",
             io::key_str(key));
    DS_CHECK(item.kind() == io::Value::Kind::Tensor, TypeError,
             "While copying the parameter named \"{}\", expected a Tensor from checkpoint but "
             "received {}",
             *name, item.kind_name());
    out.insert(*name, item.tensor());
  }
  return out;
}

void save(const Module& module, const std::string& path) {
  deepseek::save(to_value(module.state_dict()), path);
}

LoadStateDictResult load(Module& module, const std::string& path, bool strict) {
  // Loaded on the CPU; load_state_dict copies each tensor to its parameter's device.
  io::Value value = deepseek::load(path, Device(DeviceType::CPU));
  return module.load_state_dict(state_dict_from_value(value), strict);
}

}  // namespace deepseek::nn
