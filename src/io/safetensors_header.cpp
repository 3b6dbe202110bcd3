#include "safetensors_header.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <tuple>
#include <unordered_set>

#include "deepseek/core/error.h"

namespace deepseek::safetensors {
namespace {

using json = nlohmann::json;

struct DTypeCode {
  DType dtype;
  const char* code;
};
constexpr DTypeCode kDTypeCodes[] = {
    {DType::Float64, "F64"},   {DType::Float32, "F32"}, {DType::Float16, "F16"},
    {DType::BFloat16, "BF16"}, {DType::Int64, "I64"},   {DType::Int32, "I32"},
    {DType::Int16, "I16"},     {DType::Int8, "I8"},     {DType::UInt8, "U8"},
    {DType::Bool, "BOOL"},
};
constexpr const char* kKnownCodes = "F64 F32 F16 BF16 I64 I32 I16 I8 U8 BOOL";
constexpr const char* kMetadataKey = "__metadata__";

// Shapes have at most this many dims; with the nesting limit it bounds the memory a header
// can make the JSON parser allocate to a small multiple of the header's size.
constexpr size_t kMaxArrayLength = 64;
// Containers may open at depth 0 (the header), 1 (a tensor entry or __metadata__) and
// 2 (shape, data_offsets); the format has nothing deeper.
constexpr int kMaxContainerDepth = 2;

// nlohmann keeps the last of duplicate keys silently and nests without limit; this parser
// callback rejects both while the text is read, before anything deep is built.
class HeaderGuard {
 public:
  bool operator()(int depth, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start:
        DS_CHECK(depth <= kMaxContainerDepth, ValueError,
                 "safetensors: header nests deeper than the format allows (a container at "
                 "depth {}{})",
                 depth, where());
        frames_.push_back(Frame{event == json::parse_event_t::array_start, 0, {}});
        break;
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        frames_.pop_back();
        break;
      case json::parse_event_t::key: {
        const auto& key = parsed.get_ref<const std::string&>();
        DS_CHECK(frames_.back().keys.insert(key).second, ValueError,
                 "safetensors: header has duplicate key {}{}", detail::printable(key), where());
        if (depth == 1) entry_ = key;
        break;
      }
      case json::parse_event_t::value:
        if (!frames_.empty() && frames_.back().is_array) {
          DS_CHECK(++frames_.back().length <= kMaxArrayLength, ValueError,
                   "safetensors: header has an array longer than {} elements{}", kMaxArrayLength,
                   where());
        }
        break;
    }
    return true;
  }

 private:
  struct Frame {
    bool is_array;
    size_t length;
    std::unordered_set<std::string> keys;
  };
  std::string where() const {
    return frames_.size() >= 2 ? " in entry " + detail::printable(entry_) : "";
  }
  std::vector<Frame> frames_;
  std::string entry_;
};

json parse_json(std::string_view text) {
  DS_CHECK(!text.empty() && text.front() == '{', ValueError,
           "safetensors: header must start with '{{' (it {})",
           text.empty() ? "is empty"
                        : fmt::format("starts with byte 0x{:02x}",
                                      static_cast<unsigned char>(text.front())));
  try {
    return json::parse(text.begin(), text.end(), HeaderGuard());
  } catch (const json::exception& e) {
    DS_THROW(ValueError, "safetensors: header is not valid JSON: {}", detail::printable(e.what()));
  }
}

DType dtype_from_code(const std::string& name, const json& value) {
  DS_CHECK(value.is_string(), ValueError, "safetensors: tensor {} dtype must be a string, not {}",
           detail::printable(name), value.type_name());
  const auto& code = value.get_ref<const std::string&>();
  for (const auto& c : kDTypeCodes) {
    if (code == c.code) return c.dtype;
  }
  DS_THROW(ValueError, "safetensors: tensor {} has unknown dtype {} (known: {})",
           detail::printable(name), detail::printable(code), kKnownCodes);
}

// A JSON number that is a non-negative integer no larger than `max`, else nullopt.
std::optional<uint64_t> as_count(const json& v, uint64_t max) {
  uint64_t n;
  if (v.is_number_unsigned()) {
    n = v.get<uint64_t>();
  } else if (v.is_number_integer() && v.get<int64_t>() >= 0) {
    n = static_cast<uint64_t>(v.get<int64_t>());
  } else {
    return std::nullopt;
  }
  return n <= max ? std::optional<uint64_t>(n) : std::nullopt;
}

Shape parse_shape(const std::string& name, const json& value) {
  DS_CHECK(value.is_array(), ValueError, "safetensors: tensor {} shape must be an array, not {}",
           detail::printable(name), value.type_name());
  Shape shape;
  for (size_t i = 0; i < value.size(); ++i) {
    auto dim = as_count(value[i], std::numeric_limits<int64_t>::max());
    DS_CHECK(dim.has_value(), ValueError,
             "safetensors: tensor {} shape[{}] is {}; dims must be non-negative 64-bit integers",
             detail::printable(name), i, detail::printable(value[i].dump()));
    shape.push_back(static_cast<int64_t>(*dim));
  }
  return shape;
}

// itemsize x shape in bytes. Empty dims count as 1 for the overflow check, so that stride
// arithmetic on the tensor (which skips zeros the same way) cannot overflow either.
uint64_t byte_size(const std::string& name, DType dtype, const Shape& shape) {
  int64_t bound = static_cast<int64_t>(itemsize(dtype));
  bool empty = false;
  for (int64_t d : shape) {
    empty = empty || d == 0;
    DS_CHECK(!__builtin_mul_overflow(bound, std::max<int64_t>(d, 1), &bound), ValueError,
             "safetensors: tensor {} byte size overflows 64-bit arithmetic (dtype {}, shape {})",
             detail::printable(name), dtype_code(dtype), shape_str(shape));
  }
  return empty ? 0 : static_cast<uint64_t>(bound);
}

detail::TensorEntry parse_entry(const std::string& name, const json& value) {
  DS_CHECK(value.is_object(), ValueError, "safetensors: tensor {} must be an object, not {}",
           detail::printable(name), value.type_name());
  for (const auto& [field, _] : value.items()) {
    DS_CHECK(field == "dtype" || field == "shape" || field == "data_offsets", ValueError,
             "safetensors: tensor {} has unknown field {} (allowed: dtype, shape, data_offsets)",
             detail::printable(name), detail::printable(field));
  }
  for (const char* field : {"dtype", "shape", "data_offsets"}) {
    DS_CHECK(value.contains(field), ValueError, "safetensors: tensor {} is missing field '{}'",
             detail::printable(name), field);
  }
  detail::TensorEntry e;
  e.name = name;
  e.dtype = dtype_from_code(name, value.at("dtype"));
  e.shape = parse_shape(name, value.at("shape"));
  const json& offsets = value.at("data_offsets");
  std::optional<uint64_t> begin, end;
  if (offsets.is_array() && offsets.size() == 2) {
    begin = as_count(offsets[0], std::numeric_limits<uint64_t>::max());
    end = as_count(offsets[1], std::numeric_limits<uint64_t>::max());
  }
  DS_CHECK(begin && end, ValueError,
           "safetensors: tensor {} data_offsets must be [begin, end] with non-negative 64-bit "
           "integers, not {}",
           detail::printable(name), detail::printable(offsets.dump()));
  DS_CHECK(*begin <= *end, ValueError,
           "safetensors: tensor {} data_offsets [{}, {}] end before they begin",
           detail::printable(name), *begin, *end);
  e.begin = *begin;
  e.end = *end;
  uint64_t expected = byte_size(name, e.dtype, e.shape);
  DS_CHECK(e.end - e.begin == expected, ValueError,
           "safetensors: tensor {} data_offsets [{}, {}] hold {} bytes, but dtype {} and shape {} "
           "need {}",
           detail::printable(name), e.begin, e.end, e.end - e.begin, dtype_code(e.dtype),
           shape_str(e.shape), expected);
  return e;
}

Metadata parse_metadata(const json& value) {
  DS_CHECK(value.is_object(), ValueError,
           "safetensors: __metadata__ must be an object of strings, not {}", value.type_name());
  Metadata metadata;
  for (const auto& [key, v] : value.items()) {
    DS_CHECK(v.is_string(), ValueError,
             "safetensors: __metadata__ value {} is {}; __metadata__ values must be strings",
             detail::printable(key), v.type_name());
    metadata.emplace(key, v.get<std::string>());
  }
  return metadata;
}

// Sorted by offset, the tensors must tile [0, data_bytes) exactly.
void check_tiling(const std::vector<detail::TensorEntry>& sorted, uint64_t data_bytes) {
  uint64_t pos = 0;
  const detail::TensorEntry* prev = nullptr;
  for (const auto& e : sorted) {
    DS_CHECK(e.begin >= pos, ValueError,
             "safetensors: tensor {} data_offsets [{}, {}] overlap tensor {} [{}, {}]",
             detail::printable(e.name), e.begin, e.end, detail::printable(prev->name), prev->begin,
             prev->end);
    DS_CHECK(e.begin == pos, ValueError,
             "safetensors: tensor {} data_offsets [{}, {}] leave a hole: the data before them "
             "ends at byte {}",
             detail::printable(e.name), e.begin, e.end, pos);
    DS_CHECK(e.end <= data_bytes, ValueError,
             "safetensors: tensor {} data_offsets [{}, {}] extend beyond the data section, "
             "which has {} bytes (the file is truncated or the offsets are wrong)",
             detail::printable(e.name), e.begin, e.end, data_bytes);
    pos = e.end;
    prev = &e;
  }
  DS_CHECK(pos == data_bytes, ValueError,
           "safetensors: the data section has {} trailing bytes after the last tensor (it has {} "
           "bytes, the tensors use {})",
           data_bytes - pos, data_bytes, pos);
}

// A torch.save file (a zip archive, or a bare pickle) is the likeliest wrong input: when its
// first bytes fail as a length field, the message says what the file is.
std::string foreign_format_hint(const unsigned char* field) {
  bool zip = field[0] == 'P' && field[1] == 'K' && field[2] == 3 && field[3] == 4;
  bool pickle = field[0] == 0x80 && field[1] >= 2 && field[1] <= 5;
  if (!zip && !pickle) return "";
  return fmt::format(
      "; the file is a {} (a torch.save checkpoint?), not safetensors: deepseek loads only "
      "safetensors files, which cannot run code when loaded",
      zip ? "zip archive" : "Python pickle");
}

}  // namespace

const char* dtype_code(DType dtype) {
  for (const auto& c : kDTypeCodes) {
    if (c.dtype == dtype) return c.code;
  }
  DS_THROW(ValueError, "safetensors: no dtype code for {}", dtype_name(dtype));
}

namespace detail {

std::string printable(std::string_view text) {
  constexpr size_t kMaxShown = 200;
  std::string out = "'";
  for (size_t i = 0; i < text.size() && i < kMaxShown; ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c >= 0x7f || c == '\\') {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  out += text.size() > kMaxShown ? "'..." : "'";
  return out;
}

uint64_t header_length(const unsigned char field[kLengthFieldBytes], uint64_t file_bytes) {
  DS_CHECK(file_bytes >= kLengthFieldBytes, ValueError,
           "safetensors: the file is {} bytes, shorter than the 8-byte header length field",
           file_bytes);
  uint64_t n = 0;
  for (int i = kLengthFieldBytes - 1; i >= 0; --i) n = (n << 8) | field[i];  // little-endian
  DS_CHECK(n <= kMaxHeaderBytes, ValueError,
           "safetensors: header length {} exceeds the 100 MB limit ({} bytes){}", n,
           kMaxHeaderBytes, foreign_format_hint(field));
  DS_CHECK(n <= file_bytes - kLengthFieldBytes, ValueError,
           "safetensors: header length {} exceeds the {} bytes that follow the length field{}", n,
           file_bytes - kLengthFieldBytes, foreign_format_hint(field));
  return n;
}

Header parse_header(std::string_view text, uint64_t data_bytes) {
  json root = parse_json(text);
  Header header;
  for (const auto& [key, value] : root.items()) {
    if (key == kMetadataKey) {
      header.metadata = parse_metadata(value);
    } else {
      header.tensors.push_back(parse_entry(key, value));
    }
  }
  std::sort(header.tensors.begin(), header.tensors.end(),
            [](const TensorEntry& a, const TensorEntry& b) {
              return std::tie(a.begin, a.end, a.name) < std::tie(b.begin, b.end, b.name);
            });
  check_tiling(header.tensors, data_bytes);
  return header;
}

std::string format_header(const std::vector<TensorEntry>& entries, const Metadata& metadata) {
  using ordered = nlohmann::ordered_json;
  // dump() throws on invalid UTF-8; checking each string first lets the error name it.
  auto check_utf8 = [](const std::string& s, const char* what) {
    try {
      (void)json(s).dump();
    } catch (const json::exception&) {
      DS_THROW(ValueError, "save: {} {} is not valid UTF-8", what, printable(s));
    }
  };
  ordered root = ordered::object();
  if (!metadata.empty()) {
    ordered meta = ordered::object();
    for (const auto& [k, v] : metadata) {
      check_utf8(k, "metadata key");
      check_utf8(v, "metadata value");
      meta[k] = v;
    }
    root[kMetadataKey] = std::move(meta);
  }
  for (const auto& e : entries) {
    check_utf8(e.name, "tensor name");
    root[e.name] = ordered{
        {"dtype", dtype_code(e.dtype)}, {"shape", e.shape}, {"data_offsets", {e.begin, e.end}}};
  }
  std::string text = root.dump();
  text.append((kLengthFieldBytes - text.size() % kLengthFieldBytes) % kLengthFieldBytes, ' ');
  DS_CHECK(text.size() <= kMaxHeaderBytes, ValueError,
           "save: the safetensors header would be {} bytes, over the 100 MB limit readers accept "
           "({} tensors)",
           text.size(), entries.size());
  return text;
}

}  // namespace detail
}  // namespace deepseek::safetensors
