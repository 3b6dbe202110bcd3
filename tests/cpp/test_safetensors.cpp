// safetensors files and checkpoints: round trips, the on-disk format, atomic writes, the
// malformed-file corpus (tests/data/safetensors_malformed), and deepseek::save / load.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "deepseek/deepseek.h"
#include "deepseek/io/atomic_file.h"
#include "deepseek/io/checkpoint.h"
#include "deepseek/io/safetensors.h"

using namespace deepseek;
namespace fs = std::filesystem;

namespace {

// A fresh folder per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() /
            fmt::format("deepseek_io_{}_{}_{}", ::getpid(), info->test_suite_name(), info->name());
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(path_)) names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }

 private:
  fs::path path_;
};

std::string file_contents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary).write(bytes.data(), bytes.size());
}

std::string raw_bytes(const Tensor& t) {
  Tensor c = t.detach().contiguous();
  return std::string(static_cast<const char*>(c.data_ptr()), c.nbytes());
}

void expect_same_tensor(const Tensor& a, const Tensor& b, const std::string& what) {
  ASSERT_TRUE(a.defined() && b.defined()) << what;
  EXPECT_EQ(a.dtype(), b.dtype()) << what;
  EXPECT_EQ(a.sizes(), b.sizes()) << what;
  EXPECT_EQ(raw_bytes(a), raw_bytes(b)) << what;
}

// One tensor of every dtype, with distinct values, plus the odd shapes.
safetensors::NamedTensors sample_tensors() {
  Tensor f = arange(0, 12, 1, DType::Float64).view({3, 4}) * 0.37 - 1.5;
  return {
      {"f64", f},
      {"f32", f.to(DType::Float32)},
      {"f16", f.to(DType::Float16)},
      {"bf16", f.to(DType::BFloat16)},
      {"i64", arange(-5, 7, 1, DType::Int64).view({2, 6})},
      {"i32", arange(-3, 3, 1, DType::Int32)},
      {"i16", arange(-300, 300, 100, DType::Int16)},
      {"i8", arange(-4, 4, 1, DType::Int8)},
      {"u8", arange(250, 256, 1, DType::UInt8)},
      {"bool", arange(0, 5, 1, DType::Int64).lt(full({5}, 2, DType::Int64))},
      {"scalar", scalar_tensor(3.5, DType::Float32)},
      {"empty", zeros({0, 3}, DType::Float32)},
      {"transposed", f.to(DType::Float32).t()},  // not contiguous: written in row-major order
  };
}

}  // namespace

// ---- the format ----

TEST(Safetensors, RoundTripsEveryDtypeInMemory) {
  auto tensors = sample_tensors();
  safetensors::Metadata metadata{{"format", "pt"}, {"note", "h\xc3\xa9llo"}};
  safetensors::Contents back = safetensors::parse(safetensors::serialize(tensors, metadata));
  EXPECT_EQ(back.metadata, metadata);
  ASSERT_EQ(back.tensors.size(), tensors.size());
  for (size_t i = 0; i < tensors.size(); ++i) {
    EXPECT_EQ(back.tensors[i].first, tensors[i].first);  // file order = write order
    expect_same_tensor(back.tensors[i].second, tensors[i].second, tensors[i].first);
    EXPECT_TRUE(back.tensors[i].second.is_contiguous());
  }
}

TEST(Safetensors, WritesTheStandardLayout) {
  Tensor a = tensor_from<float>({1, 2, 3, 4, 5, 6}, {2, 3});
  Tensor b = tensor_from<int64_t>({7, 8}, {2});
  std::string bytes = safetensors::serialize({{"a", a}, {"b", b}}, {{"k", "v"}});
  uint64_t n = 0;
  std::memcpy(&n, bytes.data(), 8);  // little-endian host, as the format
  EXPECT_EQ((8 + n) % 8, 0u) << "data should start 8-byte aligned";
  ASSERT_EQ(bytes.size(), 8 + n + 24 + 16);
  auto header = nlohmann::json::parse(bytes.substr(8, n));
  EXPECT_EQ(header["__metadata__"]["k"], "v");
  EXPECT_EQ(header["a"]["dtype"], "F32");
  EXPECT_EQ(header["a"]["shape"], nlohmann::json::array({2, 3}));
  EXPECT_EQ(header["a"]["data_offsets"], nlohmann::json::array({0, 24}));
  EXPECT_EQ(header["b"]["dtype"], "I64");
  EXPECT_EQ(header["b"]["data_offsets"], nlohmann::json::array({24, 40}));
  EXPECT_EQ(bytes.substr(8 + n, 24), raw_bytes(a));
  EXPECT_EQ(bytes.substr(8 + n + 24), raw_bytes(b));
}

TEST(Safetensors, ReadsAHandWrittenFile) {
  // Built byte by byte, as another tool would: unsorted keys, offsets not in key order,
  // no padding, no metadata.
  std::string header = R"({"z":{"dtype":"I16","shape":[2],"data_offsets":[0,4]},)"
                       R"("a":{"shape":[],"data_offsets":[4,12],"dtype":"F64"}})";
  std::string bytes(8, '\0');
  uint64_t n = header.size();
  std::memcpy(bytes.data(), &n, 8);
  bytes += header;
  int16_t z[2] = {-2, 300};
  double a = 2.25;
  bytes.append(reinterpret_cast<const char*>(z), 4);
  bytes.append(reinterpret_cast<const char*>(&a), 8);
  auto back = safetensors::parse(bytes);
  ASSERT_EQ(back.tensors.size(), 2u);
  EXPECT_EQ(back.tensors[0].first, "z");
  EXPECT_EQ(back.tensors[0].second.dtype(), DType::Int16);
  EXPECT_EQ(back.tensors[0].second.data_ptr<int16_t>()[1], 300);
  EXPECT_EQ(back.tensors[1].first, "a");
  EXPECT_EQ(back.tensors[1].second.dim(), 0);
  EXPECT_EQ(back.tensors[1].second.item<double>(), 2.25);
  EXPECT_TRUE(back.metadata.empty());
}

TEST(Safetensors, WriteRejectsBadNames) {
  Tensor t = zeros({2});
  EXPECT_THROW(safetensors::serialize({{"a", t}, {"a", t}}), ValueError);
  EXPECT_THROW(safetensors::serialize({{"__metadata__", t}}), ValueError);
  EXPECT_THROW(safetensors::serialize({{"a", Tensor()}}), ValueError);
  EXPECT_THROW(safetensors::serialize({{"bad\xff", t}}), ValueError);
  EXPECT_THROW(safetensors::serialize({}, {{"k", "bad\xfe"}}), ValueError);
}

// ---- files and atomic writes ----

TEST(Safetensors, FileRoundTripAndOverwrite) {
  TempDir dir;
  std::string path = dir.file("model.safetensors");
  safetensors::write(path, {{"w", ones({3})}});
  safetensors::write(path, sample_tensors());
  auto back = safetensors::read(path);
  auto tensors = sample_tensors();
  ASSERT_EQ(back.tensors.size(), tensors.size());
  for (size_t i = 0; i < tensors.size(); ++i) {
    expect_same_tensor(back.tensors[i].second, tensors[i].second, tensors[i].first);
  }
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"model.safetensors"}) << "no temp files left";
}

TEST(Safetensors, IoErrorsNameThePath) {
  TempDir dir;
  try {
    safetensors::read(dir.file("missing.safetensors"));
    FAIL() << "expected an error";
  } catch (const RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find("missing.safetensors"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("No such file"), std::string::npos) << e.what();
  }
  EXPECT_THROW(safetensors::write(dir.file("no/such/folder/x.safetensors"), {}), RuntimeError);
  EXPECT_THROW(safetensors::read(dir.file("")), RuntimeError);  // a folder
}

TEST(Safetensors, FailedWriteLeavesOldFileIntact) {
  TempDir dir;
  std::string path = dir.file("ckpt.safetensors");
  safetensors::write(path, {{"w", ones({4})}});
  std::string before = file_contents(path);
  io::inject_write_fault(io::WriteFault::kThrow, 20);  // inside the header
  EXPECT_THROW(safetensors::write(path, {{"w", zeros({1000})}}), RuntimeError);
  EXPECT_EQ(file_contents(path), before);
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"ckpt.safetensors"}) << "temp file removed";
  io::inject_write_fault(io::WriteFault::kThrow, 200);  // inside the data
  EXPECT_THROW(safetensors::write(path, {{"w", zeros({1000})}}), RuntimeError);
  EXPECT_EQ(file_contents(path), before);
  // Disarmed after firing: the next write goes through.
  safetensors::write(path, {{"w", zeros({1000})}});
  EXPECT_EQ(safetensors::read(path).tensors[0].second.numel(), 1000);
}

TEST(SafetensorsDeathTest, CrashMidWriteLeavesOldFileIntact) {
  // The default ("fast") style forks: the child writes into this test's folder. The tensor
  // is made here, so the child runs no parallel kernel after the fork.
  TempDir dir;
  std::string path = dir.file("ckpt.safetensors");
  safetensors::write(path, {{"w", ones({4})}});
  std::string before = file_contents(path);
  Tensor next = zeros({1000});
  EXPECT_EXIT(
      {
        io::inject_write_fault(io::WriteFault::kKill, 300);
        safetensors::write(path, {{"w", next}});
      },
      ::testing::KilledBySignal(SIGKILL), "");
  EXPECT_EQ(file_contents(path), before);
  expect_same_tensor(safetensors::read(path).tensors[0].second, ones({4}), "old tensor");
  // The dead process's partial temporary file is beside the target, which is untouched.
  auto entries = dir.entries();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].rfind(".ckpt.safetensors.", 0), 0u) << entries[0];
  EXPECT_EQ(fs::file_size(dir.file(entries[0])), 300u);
}

TEST(Safetensors, WritesThroughSymlinks) {
  TempDir dir;
  safetensors::write(dir.file("real.safetensors"), {{"w", ones({2})}});
  fs::create_symlink(dir.file("real.safetensors"), dir.file("link.safetensors"));
  safetensors::write(dir.file("link.safetensors"), {{"w", zeros({3})}});
  EXPECT_TRUE(fs::is_symlink(dir.file("link.safetensors")));
  EXPECT_EQ(safetensors::read(dir.file("real.safetensors")).tensors[0].second.numel(), 3);
}

// ---- the malformed corpus ----

TEST(Safetensors, EveryMalformedFileFailsNamingItsRule) {
  fs::path corpus =
      fs::path(__FILE__).parent_path().parent_path() / "data" / "safetensors_malformed";
  auto manifest = nlohmann::json::parse(file_contents((corpus / "expected_errors.json").string()));
  ASSERT_GE(manifest.size(), 30u);
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(corpus)) {
    if (e.path().extension() != ".safetensors") continue;
    ++files;
    EXPECT_TRUE(manifest.contains(e.path().filename().string()))
        << e.path() << " has no expected error in the manifest";
  }
  EXPECT_EQ(files, manifest.size());
  for (const auto& [name, phrase] : manifest.items()) {
    std::string path = (corpus / name).string();
    try {
      deepseek::load(path);
      ADD_FAILURE() << name << " loaded without error";
    } catch (const ValueError& e) {
      EXPECT_NE(std::string(e.what()).find(phrase.get<std::string>()), std::string::npos)
          << name << ": expected \"" << phrase.get<std::string>() << "\" in: " << e.what();
    }
    // The in-memory entry point applies the same rules.
    EXPECT_THROW(io::load_from_bytes(file_contents(path)), ValueError) << name;
  }
}

// ---- checkpoints of nested values ----

namespace {

void expect_same_value(const io::Value& a, const io::Value& b, const std::string& where) {
  ASSERT_EQ(a.kind(), b.kind()) << where;
  switch (a.kind()) {
    case io::Value::Kind::None:
      break;
    case io::Value::Kind::Bool:
      EXPECT_EQ(a.to_bool(), b.to_bool()) << where;
      break;
    case io::Value::Kind::Int:
      EXPECT_EQ(a.to_int(), b.to_int()) << where;
      break;
    case io::Value::Kind::Float: {
      double x = a.to_double(), y = b.to_double();
      EXPECT_TRUE((std::isnan(x) && std::isnan(y)) ||
                  (x == y && std::signbit(x) == std::signbit(y)))
          << where << ": " << x << " vs " << y;
      break;
    }
    case io::Value::Kind::String:
      EXPECT_EQ(a.str(), b.str()) << where;
      break;
    case io::Value::Kind::Tensor:
      expect_same_tensor(a.tensor(), b.tensor(), where);
      EXPECT_EQ(a.tensor().requires_grad(), b.tensor().requires_grad()) << where;
      break;
    case io::Value::Kind::List:
    case io::Value::Kind::Tuple:
      ASSERT_EQ(a.items().size(), b.items().size()) << where;
      for (size_t i = 0; i < a.items().size(); ++i) {
        expect_same_value(a.items()[i], b.items()[i], where + fmt::format("[{}]", i));
      }
      break;
    case io::Value::Kind::Dict:
      ASSERT_EQ(a.dict_items().size(), b.dict_items().size()) << where;
      for (size_t i = 0; i < a.dict_items().size(); ++i) {
        EXPECT_EQ(a.dict_items()[i].first, b.dict_items()[i].first) << where;
        expect_same_value(a.dict_items()[i].second, b.dict_items()[i].second,
                          where + io::key_str(a.dict_items()[i].first));
      }
      break;
  }
}

io::Value training_checkpoint() {
  using io::Value;
  Tensor w = randn({4, 3});
  w.requires_grad_(true);
  Value model = Value::dict({{"fc.weight", w}, {"fc.bias", zeros({4})}});
  Value state =
      Value::dict({{int64_t{0}, Value::dict({{"step", 12}, {"exp_avg", ones({4, 3})}})},
                   {int64_t{1}, Value::dict({{"step", 12}, {"exp_avg", full({4}, 0.5)}})}});
  Value group = Value::dict({{"lr", 1e-3},
                             {"betas", Value::tuple({0.9, 0.999})},
                             {"params", Value::list({0, 1})},
                             {"foreach", Value()},
                             {"amsgrad", false}});
  Value optim = Value::dict({{"state", state}, {"param_groups", Value::list({group})}});
  return Value::dict({{"model", model},
                      {"optim", optim},
                      {"epoch", 7},
                      {"best", std::numeric_limits<double>::infinity()},
                      {"nan", std::nan("")},
                      {"neg_zero", -0.0},
                      {"name", "run-\xe4\xb8\x80"},
                      {"masks", Value::list({arange(0, 4, 1, DType::Int64).lt(full({4}, 2))})}});
}

}  // namespace

TEST(Checkpoint, RoundTripsNestedValues) {
  TempDir dir;
  io::Value ckpt = training_checkpoint();
  deepseek::save(ckpt, dir.file("ckpt.safetensors"));
  expect_same_value(deepseek::load(dir.file("ckpt.safetensors")), ckpt, "file");
  expect_same_value(io::load_from_bytes(io::save_to_bytes(ckpt)), ckpt, "bytes");
}

TEST(Checkpoint, StoresTensorsUnderTheirPaths) {
  TempDir dir;
  deepseek::save(training_checkpoint(), dir.file("ckpt.safetensors"));
  auto contents = safetensors::read(dir.file("ckpt.safetensors"));
  std::vector<std::string> names;
  for (const auto& [name, t] : contents.tensors) names.push_back(name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"model.fc.weight", "model.fc.bias", "optim.state.0.exp_avg",
                                      "optim.state.1.exp_avg", "masks.0"}));
  EXPECT_EQ(contents.metadata.at("format"), "pt");
  EXPECT_TRUE(contents.metadata.count(io::kStructureKey));
}

TEST(Checkpoint, SharedTensorsAreStoredOnceAndStayShared) {
  Tensor w = randn({3});
  // Same tensor twice, and a key collision: "a.b" the dict key vs. "a" -> "b" the path.
  io::Value obj = io::Value::dict({{"tied", io::Value::list({w, w})},
                                   {"a.b", ones({1})},
                                   {"a", io::Value::dict({{"b", zeros({1})}})}});
  std::string bytes = io::save_to_bytes(obj);
  auto contents = safetensors::parse(bytes);
  ASSERT_EQ(contents.tensors.size(), 3u);
  EXPECT_EQ(contents.tensors[0].first, "tied.0");
  EXPECT_EQ(contents.tensors[2].first, "a.b#2");
  io::Value back = io::load_from_bytes(bytes);
  const auto& tied = back["tied"].items();
  EXPECT_TRUE(tied[0].tensor().is_same(tied[1].tensor()));
  expect_same_tensor(back["a"]["b"].tensor(), zeros({1}), "collision");
}

TEST(Checkpoint, PlainSafetensorsFileLoadsAsFlatDict) {
  TempDir dir;
  safetensors::write(dir.file("plain.safetensors"), {{"b", ones({2})}, {"a", zeros({1})}});
  io::Value back = deepseek::load(dir.file("plain.safetensors"));
  ASSERT_EQ(back.kind(), io::Value::Kind::Dict);
  ASSERT_EQ(back.dict_items().size(), 2u);
  EXPECT_EQ(std::get<std::string>(back.dict_items()[0].first), "b");
  expect_same_tensor(back["a"].tensor(), zeros({1}), "a");
}

TEST(Checkpoint, RelocateSeesEachStoredTensorOnce) {
  TempDir dir;
  Tensor w = ones({2});
  deepseek::save(io::Value::list({w, w, zeros({3})}), dir.file("c.safetensors"));
  std::vector<std::string> seen;
  io::Value back =
      deepseek::load(dir.file("c.safetensors"), [&](const Tensor& t, const std::string& device) {
        seen.push_back(device);
        return t.to(DType::Float64);
      });
  EXPECT_EQ(seen, (std::vector<std::string>{"cpu", "cpu"}));
  EXPECT_EQ(back.items()[2].tensor().dtype(), DType::Float64);
  EXPECT_EQ(deepseek::load(dir.file("c.safetensors"), Device("cpu")).items().size(), 3u);
}

TEST(Checkpoint, RejectsTooDeepNesting) {
  io::Value v = 1;
  for (int i = 0; i < io::kMaxNesting + 1; ++i) v = io::Value::list({v});
  EXPECT_THROW(io::save_to_bytes(v), ValueError);
  io::Value ok = 1;
  for (int i = 0; i < io::kMaxNesting; ++i) ok = io::Value::list({ok});
  expect_same_value(io::load_from_bytes(io::save_to_bytes(ok)), ok, "deepest allowed");
}

TEST(Checkpoint, ValueAccessorsCheckKinds) {
  io::Value d = io::Value::dict({{"a", 1}, {int64_t{2}, "x"}});
  EXPECT_EQ(d["a"].to_int(), 1);
  EXPECT_EQ(d.at(2).str(), "x");
  EXPECT_THROW(d["missing"], IndexError);
  EXPECT_THROW(d["a"].str(), TypeError);
  EXPECT_THROW(io::Value::dict({{"a", 1}, {"a", 2}}), ValueError);
}
