#include "deepseek/io/value.h"

#include <unordered_set>

#include "deepseek/core/error.h"

namespace deepseek::io {

namespace {

const char* kind_str(Value::Kind kind) {
  switch (kind) {
    case Value::Kind::None:
      return "None";
    case Value::Kind::Bool:
      return "bool";
    case Value::Kind::Int:
      return "int";
    case Value::Kind::Float:
      return "float";
    case Value::Kind::String:
      return "str";
    case Value::Kind::Tensor:
      return "Tensor";
    case Value::Kind::List:
      return "list";
    case Value::Kind::Tuple:
      return "tuple";
    case Value::Kind::Dict:
      return "dict";
  }
  return "?";
}

}  // namespace

std::string key_str(const DictKey& key) {
  if (const auto* s = std::get_if<std::string>(&key)) return fmt::format("['{}']", *s);
  return fmt::format("[{}]", std::get<int64_t>(key));
}

std::string path_for_message(const std::string& path) {
  constexpr size_t kMaxShown = 120;
  if (path.empty()) return "the top level";
  if (path.size() <= kMaxShown) return path;
  return "..." + path.substr(path.size() - kMaxShown);
}

Value Value::list(std::vector<Value> items) {
  Value v;
  v.kind_ = Kind::List;
  v.data_ = std::move(items);
  return v;
}

Value Value::tuple(std::vector<Value> items) {
  Value v = list(std::move(items));
  v.kind_ = Kind::Tuple;
  return v;
}

Value Value::dict(DictItems items) {
  std::unordered_set<DictKey> seen;
  for (const auto& [key, _] : items) {
    DS_CHECK(seen.insert(key).second, ValueError, "io::Value::dict: duplicate key {}",
             key_str(key));
  }
  Value v;
  v.kind_ = Kind::Dict;
  v.data_ = std::move(items);
  return v;
}

const char* Value::kind_name() const { return kind_str(kind_); }

void Value::expect(Kind kind) const {
  DS_CHECK(kind_ == kind, TypeError, "io::Value: expected {}, but the value is {}", kind_str(kind),
           kind_str(kind_));
}

bool Value::to_bool() const {
  expect(Kind::Bool);
  return std::get<bool>(data_);
}

int64_t Value::to_int() const {
  expect(Kind::Int);
  return std::get<int64_t>(data_);
}

double Value::to_double() const {
  if (kind_ == Kind::Int) return static_cast<double>(std::get<int64_t>(data_));
  expect(Kind::Float);
  return std::get<double>(data_);
}

const std::string& Value::str() const {
  expect(Kind::String);
  return std::get<std::string>(data_);
}

const Tensor& Value::tensor() const {
  expect(Kind::Tensor);
  return std::get<Tensor>(data_);
}

const std::vector<Value>& Value::items() const {
  DS_CHECK(kind_ == Kind::List || kind_ == Kind::Tuple, TypeError,
           "io::Value: expected list or tuple, but the value is {}", kind_str(kind_));
  return std::get<std::vector<Value>>(data_);
}

const DictItems& Value::dict_items() const {
  expect(Kind::Dict);
  return std::get<DictItems>(data_);
}

const Value& Value::lookup(const DictKey& key) const {
  for (const auto& [k, v] : dict_items()) {
    if (k == key) return v;
  }
  DS_THROW(IndexError, "io::Value: dict has no key {}", key_str(key));
}

const Value& Value::operator[](const std::string& key) const { return lookup(key); }
const Value& Value::at(int64_t key) const { return lookup(key); }

bool Value::contains(const DictKey& key) const {
  for (const auto& [k, v] : dict_items()) {
    if (k == key) return true;
  }
  return false;
}

}  // namespace deepseek::io
