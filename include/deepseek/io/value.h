// io::Value: what a checkpoint holds. Nested dicts, lists and tuples of tensors and plain
// values (None, bool, int, float, str), like the Python objects torch.save is given:
// a model's state dict, an optimizer's (whose keys are ints), an epoch counter.
//
//   io::Value ckpt = io::Value::dict({{"model", io::Value::dict({{"w", w}})}, {"epoch", 3}});
//   deepseek::save(ckpt, "ckpt.safetensors");
//   Tensor w2 = deepseek::load("ckpt.safetensors")["model"]["w"].tensor();
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "deepseek/core/tensor.h"

namespace deepseek::io {

class Value;
// Dict keys are strings or integers (optimizer state dicts key parameters by index).
using DictKey = std::variant<std::string, int64_t>;
using DictItems = std::vector<std::pair<DictKey, Value>>;

class Value {
 public:
  enum class Kind { None, Bool, Int, Float, String, Tensor, List, Tuple, Dict };

  Value() = default;                                                  // None
  Value(bool b) : kind_(Kind::Bool), data_(b) {}                      // NOLINT
  Value(int v) : kind_(Kind::Int), data_(static_cast<int64_t>(v)) {}  // NOLINT
  Value(int64_t v) : kind_(Kind::Int), data_(v) {}                    // NOLINT
  Value(double v) : kind_(Kind::Float), data_(v) {}                   // NOLINT
  Value(std::string s) : kind_(Kind::String), data_(std::move(s)) {}  // NOLINT
  Value(const char* s) : Value(std::string(s)) {}                     // NOLINT
  Value(Tensor t) : kind_(Kind::Tensor), data_(std::move(t)) {}       // NOLINT

  static Value list(std::vector<Value> items);
  static Value tuple(std::vector<Value> items);
  // Items keep their order; a repeated key throws ValueError.
  static Value dict(DictItems items);

  Kind kind() const { return kind_; }
  const char* kind_name() const;
  bool is_none() const { return kind_ == Kind::None; }

  // Typed access; each throws TypeError naming both kinds when the value is another kind.
  bool to_bool() const;
  int64_t to_int() const;
  double to_double() const;  // Int converts too
  const std::string& str() const;
  const Tensor& tensor() const;
  const std::vector<Value>& items() const;  // List or Tuple
  const DictItems& dict_items() const;

  // Dict lookup; throws IndexError (KeyError's stand-in) naming a missing key.
  const Value& operator[](const std::string& key) const;
  const Value& operator[](const char* key) const { return (*this)[std::string(key)]; }
  const Value& at(int64_t key) const;  // a dict's int key
  bool contains(const DictKey& key) const;

 private:
  const Value& lookup(const DictKey& key) const;
  void expect(Kind kind) const;

  Kind kind_ = Kind::None;
  std::variant<std::monostate, bool, int64_t, double, std::string, Tensor, std::vector<Value>,
               DictItems>
      data_;
};

// "['w']" or "[0]": a key as a subscript, for paths in error messages.
std::string key_str(const DictKey& key);
// A subscript path ("['model']['w']") for a message: "the top level" if empty, its tail if long.
std::string path_for_message(const std::string& path);

}  // namespace deepseek::io
