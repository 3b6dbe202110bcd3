// deepseek::save / deepseek::load: checkpoints of nested values (io::Value) as standard
// safetensors files. Nothing is pickled and nothing executes on load.
//
// Each tensor is stored under the path that leads to it ("model.fc.weight",
// "optim.state.0.exp_avg"; "#2" etc. appended where two paths would collide), so other
// safetensors tools see an ordinary file. A tensor object reached along several paths is
// stored once and comes back as one tensor. The structure goes into __metadata__ under
// "deepseek.structure" as JSON {"version": 1, "root": node}, where a node is
//   null | true | false | integer | finite float | "string" | [node, ...]        (list)
//   {"float": "inf" | "-inf" | "nan"}
//   {"tuple": [node, ...]}
//   {"dict": [[key, node], ...]}          key: "string" or integer, order kept
//   {"tensor": "stored name", "requires_grad": true?, "device": "cuda:0"?}
// "format": "pt" is set as well, the tag Hugging Face tools look for.
//
// load() checks the structure as strictly as safetensors::read checks the file: valid JSON
// without duplicate keys, known node forms only, nesting within kMaxNesting, every tensor
// reference resolving, and every stored tensor referenced. A violation raises ValueError
// "load: checkpoint structure ...". A safetensors file without a structure (written by
// another tool) loads as a dict of its tensors in file order.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "deepseek/io/value.h"

namespace deepseek {

namespace io {

// Nesting limit for saved values (lists in lists in ...), on save and on load.
inline constexpr int kMaxNesting = 1000;
inline constexpr const char* kStructureKey = "deepseek.structure";

// Where a loaded tensor goes: given the tensor as read (on the CPU) and the device it was
// saved from ("cpu", "cuda:0"), returns the tensor to put in the result.
using Relocate = std::function<Tensor(const Tensor& loaded, const std::string& saved_device)>;

// The file's bytes for `obj`, and back (what save and load write and read).
std::string save_to_bytes(const Value& obj);
// Without `relocate`, tensors return to the device they were saved from.
Value load_from_bytes(std::string_view bytes, const Relocate& relocate = nullptr);

}  // namespace io

// Writes atomically (see io/atomic_file.h): a crash mid-save leaves the old file intact.
void save(const io::Value& obj, const std::string& path);
// Tensors return to the device they were saved from.
io::Value load(const std::string& path);
// Every tensor goes to `map_location`.
io::Value load(const std::string& path, Device map_location);
io::Value load(const std::string& path, const io::Relocate& relocate);

}  // namespace deepseek
