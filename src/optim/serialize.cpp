#include "deepseek/optim/serialize.h"

#include <variant>

#include "deepseek/io/checkpoint.h"

namespace deepseek::optim {

namespace {

// The string-keyed items of value[field], each checked to be of `kind`.
const io::DictItems& named_items(const io::Value& value, const char* field, io::Value::Kind kind,
                                 const char* kind_name) {
  DS_CHECK(value.kind() == io::Value::Kind::Dict && value.contains(std::string(field)), TypeError,
           "optimizer state_dict: expected a dict with '{}', got {}", field, value.kind_name());
  const io::Value& items = value[field];
  DS_CHECK(items.kind() == io::Value::Kind::Dict, TypeError,
           "optimizer state_dict: '{}' must be a dict, got {}", field, items.kind_name());
  for (const auto& [key, item] : items.dict_items()) {
    DS_CHECK(std::holds_alternative<std::string>(key), TypeError,
             "optimizer state_dict: '{}' keys must be strings, got {}", field, io::key_str(key));
    DS_CHECK(item.kind() == kind, TypeError, "optimizer state_dict: {}{} must be a {}, got {}",
             field, io::key_str(key), kind_name, item.kind_name());
  }
  return items.dict_items();
}

}  // namespace

io::Value to_value(const OptimizerStateDict& state_dict) {
  io::DictItems tensors, metadata;
  for (const auto& [name, t] : state_dict.tensors) tensors.emplace_back(name, t);
  for (const auto& [name, text] : state_dict.metadata) metadata.emplace_back(name, text);
  return io::Value::dict({{"tensors", io::Value::dict(std::move(tensors))},
                          {"metadata", io::Value::dict(std::move(metadata))}});
}

OptimizerStateDict state_dict_from_value(const io::Value& value) {
  OptimizerStateDict out;
  for (const auto& [key, t] : named_items(value, "tensors", io::Value::Kind::Tensor, "tensor")) {
    out.tensors[std::get<std::string>(key)] = t.tensor();
  }
  for (const auto& [key, text] : named_items(value, "metadata", io::Value::Kind::String, "str")) {
    out.metadata[std::get<std::string>(key)] = text.str();
  }
  return out;
}

void save(const Optimizer& optimizer, const std::string& path) {
  deepseek::save(to_value(optimizer.state_dict()), path);
}

void load(Optimizer& optimizer, const std::string& path) {
  // Loaded on the CPU; load_state_dict copies each tensor to its parameter's device.
  optimizer.load_state_dict(state_dict_from_value(deepseek::load(path, Device(DeviceType::CPU))));
}

}  // namespace deepseek::optim
