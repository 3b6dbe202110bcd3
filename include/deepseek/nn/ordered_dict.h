// nn::OrderedDict: string keys in insertion order, as Python's dict keeps them. Modules use
// it for their parameters, buffers and children, and state_dict() returns one. items() is a
// std::vector of (name, value) pairs, so a state dict passes straight to
// safetensors::write.
#pragma once

#include <initializer_list>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "deepseek/core/error.h"

namespace deepseek::nn {

template <typename V>
class OrderedDict {
 public:
  using Item = std::pair<std::string, V>;
  using Items = std::vector<Item>;

  OrderedDict() = default;
  // A repeated key throws ValueError.
  OrderedDict(std::initializer_list<Item> items) : OrderedDict(Items(items)) {}
  OrderedDict(Items items) {  // NOLINT: a safetensors::NamedTensors converts implicitly
    for (Item& item : items) insert(std::move(item.first), std::move(item.second));
  }

  // Adds a new key at the end; throws ValueError if it is already there.
  V& insert(std::string key, V value) {
    DS_CHECK(!index_.contains(key), ValueError, "OrderedDict: key '{}' already exists", key);
    index_.emplace(key, items_.size());
    items_.emplace_back(std::move(key), std::move(value));
    return items_.back().second;
  }
  // Replaces the value of an existing key in place (keeping its position) or appends.
  V& insert_or_assign(std::string key, V value) {
    if (V* existing = find(key)) return *existing = std::move(value);
    return insert(std::move(key), std::move(value));
  }
  bool erase(const std::string& key) {
    auto it = index_.find(key);
    if (it == index_.end()) return false;
    items_.erase(items_.begin() + static_cast<std::ptrdiff_t>(it->second));
    index_.clear();
    for (size_t i = 0; i < items_.size(); ++i) index_.emplace(items_[i].first, i);
    return true;
  }
  void clear() {
    items_.clear();
    index_.clear();
  }

  bool contains(const std::string& key) const { return index_.contains(key); }
  V* find(const std::string& key) {
    auto it = index_.find(key);
    return it == index_.end() ? nullptr : &items_[it->second].second;
  }
  const V* find(const std::string& key) const {
    auto it = index_.find(key);
    return it == index_.end() ? nullptr : &items_[it->second].second;
  }
  // Throws IndexError (Python's KeyError) naming the missing key.
  V& at(const std::string& key) {
    V* value = find(key);
    DS_CHECK(value != nullptr, IndexError, "OrderedDict: no key '{}'", key);
    return *value;
  }
  const V& at(const std::string& key) const {
    const V* value = find(key);
    DS_CHECK(value != nullptr, IndexError, "OrderedDict: no key '{}'", key);
    return *value;
  }
  V& operator[](const std::string& key) { return at(key); }
  const V& operator[](const std::string& key) const { return at(key); }

  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  const Items& items() const { return items_; }
  std::vector<std::string> keys() const {
    std::vector<std::string> out;
    out.reserve(items_.size());
    for (const Item& item : items_) out.push_back(item.first);
    return out;
  }
  std::vector<V> values() const {
    std::vector<V> out;
    out.reserve(items_.size());
    for (const Item& item : items_) out.push_back(item.second);
    return out;
  }

  // Iteration is read-only so keys cannot drift from the index (tensor values still allow
  // in-place ops, module values calls).
  auto begin() const { return items_.begin(); }
  auto end() const { return items_.end(); }

 private:
  Items items_;
  std::unordered_map<std::string, size_t> index_;
};

}  // namespace deepseek::nn
