// Checkpoints: an io::Value flattened into named tensors plus a JSON structure in the
// safetensors metadata, and rebuilt from them. The node forms are listed in checkpoint.h.
#include "deepseek/io/checkpoint.h"

#include <cmath>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <unordered_set>

#include "deepseek/core/error.h"
#include "deepseek/io/safetensors.h"
#include "safetensors_header.h"

namespace deepseek::io {
namespace {

using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;
using safetensors::detail::printable;

constexpr int kStructureVersion = 1;
// Each Value level is at most three JSON levels ({"dict": [[key, node]]}).
constexpr int kMaxJsonDepth = 3 * kMaxNesting + 4;

std::string index_str(size_t i) { return fmt::format("[{}]", i); }
std::string dotted(const std::string& prefix, const std::string& part) {
  return prefix.empty() ? part : prefix + "." + part;
}

// ---- save: Value -> named tensors + structure ----

class Flattener {
 public:
  // `name` is the dotted storage name so far, `where` the subscript path for messages.
  ordered_json encode(const Value& v, const std::string& name, const std::string& where,
                      int depth) {
    DS_CHECK(depth <= kMaxNesting, ValueError, "save: the object nests deeper than {} levels at {}",
             kMaxNesting, path_for_message(where));
    switch (v.kind()) {
      case Value::Kind::None:
        return nullptr;
      case Value::Kind::Bool:
        return v.to_bool();
      case Value::Kind::Int:
        return v.to_int();
      case Value::Kind::Float:
        return encode_float(v.to_double());
      case Value::Kind::String:
        return v.str();
      case Value::Kind::Tensor:
        return encode_tensor(v.tensor(), name, where);
      case Value::Kind::List:
      case Value::Kind::Tuple: {
        ordered_json items = ordered_json::array();
        const auto& children = v.items();
        for (size_t i = 0; i < children.size(); ++i) {
          items.push_back(encode(children[i], dotted(name, std::to_string(i)), where + index_str(i),
                                 depth + 1));
        }
        if (v.kind() == Value::Kind::List) return items;
        return ordered_json{{"tuple", std::move(items)}};
      }
      case Value::Kind::Dict: {
        ordered_json items = ordered_json::array();
        for (const auto& [key, child] : v.dict_items()) {
          const auto* s = std::get_if<std::string>(&key);
          std::string part = s ? *s : std::to_string(std::get<int64_t>(key));
          ordered_json k = s ? ordered_json(*s) : ordered_json(std::get<int64_t>(key));
          items.push_back(
              {std::move(k), encode(child, dotted(name, part), where + key_str(key), depth + 1)});
        }
        return ordered_json{{"dict", std::move(items)}};
      }
    }
    DS_THROW(ValueError, "save: unknown value kind at {}", path_for_message(where));
  }

  safetensors::NamedTensors tensors;

 private:
  static ordered_json encode_float(double x) {
    if (std::isfinite(x)) return x;
    return ordered_json{{"float", std::isnan(x) ? "nan" : (x > 0 ? "inf" : "-inf")}};
  }

  ordered_json encode_tensor(const Tensor& t, const std::string& path, const std::string& where) {
    DS_CHECK(t.defined(), ValueError, "save: undefined tensor at {}", path_for_message(where));
    auto [it, fresh] = stored_.try_emplace(t.impl(), "");
    if (fresh) {
      it->second = unique_name(path.empty() ? "tensor" : path);
      tensors.emplace_back(it->second, t);
    }
    ordered_json node{{"tensor", it->second}};
    if (t.requires_grad()) node["requires_grad"] = true;
    if (!t.device().is_cpu()) node["device"] = t.device().str();
    return node;
  }

  std::string unique_name(const std::string& base) {
    std::string name = base;
    for (int n = 2; !names_.insert(name).second; ++n) name = base + "#" + std::to_string(n);
    return name;
  }

  std::unordered_map<const TensorImpl*, std::string> stored_;
  std::unordered_set<std::string> names_{"__metadata__"};
};

safetensors::Metadata structure_metadata(const ordered_json& root) {
  ordered_json structure{{"version", kStructureVersion}, {"root", root}};
  try {
    return {{"format", "pt"}, {kStructureKey, structure.dump()}};
  } catch (const ordered_json::exception&) {
    DS_THROW(ValueError, "save: a dict key or string in the object is not valid UTF-8");
  }
}

// ---- load: named tensors + structure -> Value ----

// Rejects duplicate keys and runaway nesting while the structure's text is parsed.
json parse_structure_json(const std::string& text) {
  std::vector<std::unordered_set<std::string>> keys;
  auto guard = [&keys](int depth, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start:
        DS_CHECK(depth <= kMaxJsonDepth, ValueError,
                 "load: checkpoint structure nests deeper than {} levels", kMaxNesting);
        if (event == json::parse_event_t::object_start) keys.emplace_back();
        break;
      case json::parse_event_t::object_end:
        keys.pop_back();
        break;
      case json::parse_event_t::key:
        DS_CHECK(keys.back().insert(parsed.get<std::string>()).second, ValueError,
                 "load: checkpoint structure has duplicate key {}",
                 printable(parsed.get<std::string>()));
        break;
      default:
        break;
    }
    return true;
  };
  try {
    return json::parse(text, guard);
  } catch (const json::exception& e) {
    DS_THROW(ValueError, "load: checkpoint structure is not valid JSON: {}", printable(e.what()));
  }
}

class Unflattener {
 public:
  Unflattener(const safetensors::NamedTensors& stored, const Relocate& relocate)
      : relocate_(relocate) {
    for (const auto& [name, t] : stored) stored_.emplace(name, t);
  }

  Value decode(const json& node, const std::string& where, int depth) {
    DS_CHECK(depth <= kMaxNesting, ValueError,
             "load: checkpoint structure nests deeper than {} levels at {}", kMaxNesting,
             path_for_message(where));
    switch (node.type()) {
      case json::value_t::null:
        return Value();
      case json::value_t::boolean:
        return Value(node.get<bool>());
      case json::value_t::number_integer:
        return Value(node.get<int64_t>());
      case json::value_t::number_unsigned:
        DS_CHECK(node.get<uint64_t>() <= static_cast<uint64_t>(INT64_MAX), ValueError,
                 "load: checkpoint structure at {} has int {}, beyond int64",
                 path_for_message(where), node.get<uint64_t>());
        return Value(node.get<int64_t>());
      case json::value_t::number_float:
        return Value(node.get<double>());
      case json::value_t::string:
        return Value(node.get<std::string>());
      case json::value_t::array:
        return Value::list(decode_items(node, where, depth));
      case json::value_t::object:
        return decode_tagged(node, where, depth);
      default:
        break;
    }
    fail(where, node, "is not a node");
  }

  // Every stored tensor must be part of the structure: a file whose structure leaves some
  // out was not written by save(), and silently dropping data would hide that.
  void check_all_referenced() const {
    for (const auto& [name, t] : stored_) {
      DS_CHECK(placed_.count(name), ValueError,
               "load: checkpoint structure does not reference stored tensor {}", printable(name));
    }
  }

 private:
  [[noreturn]] static void fail(const std::string& where, const json& node, const char* why) {
    DS_THROW(ValueError, "load: checkpoint structure at {}: {} {}", path_for_message(where),
             printable(node.dump()), why);
  }

  std::vector<Value> decode_items(const json& array, const std::string& where, int depth) {
    std::vector<Value> items;
    items.reserve(array.size());
    for (size_t i = 0; i < array.size(); ++i) {
      items.push_back(decode(array[i], where + index_str(i), depth + 1));
    }
    return items;
  }

  Value decode_tagged(const json& node, const std::string& where, int depth) {
    if (node.contains("tensor")) return decode_tensor(node, where);
    if (node.size() != 1) fail(where, node, "is not a node");
    if (node.contains("float")) {
      const json& x = node.at("float");
      if (x == "inf") return Value(std::numeric_limits<double>::infinity());
      if (x == "-inf") return Value(-std::numeric_limits<double>::infinity());
      if (x == "nan") return Value(std::numeric_limits<double>::quiet_NaN());
      if (x.is_number()) return Value(x.get<double>());
      fail(where, node, "is not a float (expected \"inf\", \"-inf\", \"nan\" or a number)");
    }
    if (node.contains("tuple")) {
      const json& items = node.at("tuple");
      if (!items.is_array()) fail(where, node, "is not a tuple (expected an array)");
      return Value::tuple(decode_items(items, where, depth));
    }
    if (node.contains("dict")) return decode_dict(node, where, depth);
    fail(where, node, "has an unknown tag (known: tensor, float, tuple, dict)");
  }

  Value decode_dict(const json& node, const std::string& where, int depth) {
    const json& items = node.at("dict");
    if (!items.is_array()) fail(where, node, "is not a dict (expected [[key, value], ...])");
    DictItems out;
    std::unordered_set<DictKey> seen;
    for (const json& item : items) {
      if (!item.is_array() || item.size() != 2) {
        fail(where, item, "is not a dict item (expected [key, value])");
      }
      const json& k = item[0];
      DictKey key;
      if (k.is_string()) {
        key = k.get<std::string>();
      } else if (k.is_number_integer() &&
                 (!k.is_number_unsigned() || k.get<uint64_t>() <= INT64_MAX)) {
        key = k.get<int64_t>();
      } else {
        fail(where, k, "is not a dict key (keys are strings or 64-bit integers)");
      }
      DS_CHECK(seen.insert(key).second, ValueError,
               "load: checkpoint structure at {} has duplicate dict key {}",
               path_for_message(where), key_str(key));
      Value value = decode(item[1], where + key_str(key), depth + 1);
      out.emplace_back(std::move(key), std::move(value));
    }
    return Value::dict(std::move(out));
  }

  Value decode_tensor(const json& node, const std::string& where) {
    for (const auto& [field, v] : node.items()) {
      if (field != "tensor" && field != "requires_grad" && field != "device") {
        fail(where, node, "has an unknown tensor field (known: tensor, requires_grad, device)");
      }
    }
    const json& name = node.at("tensor");
    if (!name.is_string()) fail(where, node, "names its tensor with a non-string");
    std::string device = "cpu";
    if (node.contains("device")) {
      if (!node.at("device").is_string()) fail(where, node, "has a non-string device");
      device = node.at("device").get<std::string>();
    }
    bool requires_grad = false;
    if (node.contains("requires_grad")) {
      if (!node.at("requires_grad").is_boolean()) fail(where, node, "has a non-bool requires_grad");
      requires_grad = node.at("requires_grad").get<bool>();
    }
    Tensor t = place(name.get<std::string>(), device, where);
    if (requires_grad) {
      DS_CHECK(is_floating(t.dtype()), ValueError,
               "load: checkpoint structure at {} sets requires_grad on a tensor of dtype {}; "
               "only floating point tensors can require gradients",
               path_for_message(where), dtype_name(t.dtype()));
      t.requires_grad_(true);
    }
    return Value(t);
  }

  // The tensor stored under `name`, relocated once however often it is referenced.
  Tensor place(const std::string& name, const std::string& device, const std::string& where) {
    if (auto it = placed_.find(name); it != placed_.end()) return it->second;
    auto it = stored_.find(name);
    DS_CHECK(it != stored_.end(), ValueError,
             "load: checkpoint structure at {} references tensor {}, which the file does not hold",
             path_for_message(where), printable(name));
    Tensor t = relocate_ ? relocate_(it->second, device) : restore_device(it->second, device);
    DS_CHECK(t.defined(), ValueError, "load: map_location returned no tensor for {}",
             printable(name));
    placed_.emplace(name, t);
    return t;
  }

  static Tensor restore_device(const Tensor& t, const std::string& device) {
    return device == "cpu" ? t : t.to(Device(device));
  }

  const Relocate& relocate_;
  std::unordered_map<std::string, Tensor> stored_;
  std::unordered_map<std::string, Tensor> placed_;
};

Value assemble(const safetensors::Contents& contents, const Relocate& relocate) {
  auto it = contents.metadata.find(kStructureKey);
  if (it == contents.metadata.end()) {
    // A plain safetensors file: its tensors by name, in file order.
    DictItems items;
    for (const auto& [name, t] : contents.tensors) {
      items.emplace_back(name, relocate ? relocate(t, "cpu") : t);
    }
    return Value::dict(std::move(items));
  }
  json structure = parse_structure_json(it->second);
  DS_CHECK(structure.is_object() && structure.size() == 2 && structure.contains("version") &&
               structure.contains("root"),
           ValueError, "load: checkpoint structure must be {{\"version\": ..., \"root\": ...}}");
  DS_CHECK(structure.at("version") == kStructureVersion, ValueError,
           "load: checkpoint structure version {} is not supported (this build reads version {})",
           printable(structure.at("version").dump()), kStructureVersion);
  Unflattener unflattener(contents.tensors, relocate);
  Value root = unflattener.decode(structure.at("root"), "", 0);
  unflattener.check_all_referenced();
  return root;
}

}  // namespace

std::string save_to_bytes(const Value& obj) {
  Flattener flattener;
  ordered_json root = flattener.encode(obj, "", "", 0);
  return safetensors::serialize(flattener.tensors, structure_metadata(root));
}

Value load_from_bytes(std::string_view bytes, const Relocate& relocate) {
  return assemble(safetensors::parse(bytes), relocate);
}

}  // namespace deepseek::io

namespace deepseek {

void save(const io::Value& obj, const std::string& path) {
  io::Flattener flattener;
  auto root = flattener.encode(obj, "", "", 0);
  safetensors::write(path, flattener.tensors, io::structure_metadata(root));
}

io::Value load(const std::string& path) { return load(path, io::Relocate()); }

io::Value load(const std::string& path, Device map_location) {
  return load(path,
              [map_location](const Tensor& t, const std::string&) { return t.to(map_location); });
}

io::Value load(const std::string& path, const io::Relocate& relocate) {
  safetensors::Contents contents = safetensors::read(path);
  try {
    return io::assemble(contents, relocate);
  } catch (const ValueError& e) {
    throw ValueError(fmt::format("{} (file '{}')", e.what(), path));
  }
}

}  // namespace deepseek
