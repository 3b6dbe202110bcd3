// C++ data utilities: the IDX reader (raw and gzip'd files written here byte by byte, every
// malformed case a clear error), the MNIST dataset class (and the real Fashion-MNIST files
// when Debian's package is installed), and DataLoader batching and seeded shuffling.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "deepseek/data/data_loader.h"
#include "deepseek/data/idx.h"
#include "deepseek/data/mnist.h"
#include "deepseek/deepseek.h"

using namespace deepseek;
namespace fs = std::filesystem;

namespace {

using Bytes = std::vector<uint8_t>;

void put_be32(Bytes& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(v >> shift));
}

void put_le32(Bytes& out, uint32_t v) {
  for (int shift = 0; shift < 32; shift += 8) out.push_back(static_cast<uint8_t>(v >> shift));
}

// An IDX file of unsigned bytes with the given sizes and data.
Bytes idx_bytes(const std::vector<uint32_t>& sizes, const Bytes& data) {
  Bytes out{0, 0, 0x08, static_cast<uint8_t>(sizes.size())};
  for (uint32_t s : sizes) put_be32(out, s);
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

uint32_t crc32(const Bytes& data) {
  uint32_t crc = 0xFFFFFFFFu;
  for (uint8_t byte : data) {
    crc ^= byte;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

// A valid gzip member holding `data` in stored (uncompressed) deflate blocks (RFC 1951/1952),
// so the test needs no compressor of its own.
Bytes gzip_stored(const Bytes& data) {
  Bytes out{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff};
  size_t pos = 0;
  do {
    size_t n = std::min<size_t>(data.size() - pos, 65535);
    bool last = pos + n == data.size();
    out.push_back(last ? 1 : 0);
    out.push_back(static_cast<uint8_t>(n & 0xff));
    out.push_back(static_cast<uint8_t>(n >> 8));
    out.push_back(static_cast<uint8_t>(~n & 0xff));
    out.push_back(static_cast<uint8_t>((~n >> 8) & 0xff));
    out.insert(out.end(), data.begin() + static_cast<std::ptrdiff_t>(pos),
               data.begin() + static_cast<std::ptrdiff_t>(pos + n));
    pos += n;
  } while (pos < data.size());
  put_le32(out, crc32(data));
  put_le32(out, static_cast<uint32_t>(data.size()));
  return out;
}

class DataFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() /
        ("deepseek_data_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const Bytes& bytes) {
    fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
    return path.string();
  }

  // Three 2x3 images with pixel value 10 * image + position, labels 7, 0, 9.
  void write_split(const std::string& split, bool gz) {
    Bytes pixels;
    for (int i = 0; i < 3; ++i) {
      for (int p = 0; p < 6; ++p) pixels.push_back(static_cast<uint8_t>(10 * i + p));
    }
    Bytes images = idx_bytes({3, 2, 3}, pixels), labels = idx_bytes({3}, {7, 0, 9});
    std::string suffix = gz ? ".gz" : "";
    write(split + "-images-idx3-ubyte" + suffix, gz ? gzip_stored(images) : images);
    write(split + "-labels-idx1-ubyte" + suffix, gz ? gzip_stored(labels) : labels);
  }

  template <typename Error>
  void expect_error(const std::string& path, const std::string& phrase) {
    try {
      data::read_idx(path);
      ADD_FAILURE() << "expected an error for " << path;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(phrase), std::string::npos) << e.what();
    }
  }

  fs::path dir_;
};

}  // namespace

TEST_F(DataFiles, ReadsRawAndGzipIdxFilesAlike) {
  Bytes data;
  for (int i = 0; i < 70000; ++i) data.push_back(static_cast<uint8_t>(i * 7));
  Bytes file = idx_bytes({70, 1000}, data);  // gzip data spans two stored blocks
  Tensor raw = data::read_idx(write("a.idx", file));
  Tensor gz = data::read_idx(write("a.idx.gz", gzip_stored(file)));
  EXPECT_EQ(raw.dtype(), DType::UInt8);
  EXPECT_EQ(raw.sizes(), (Shape{70, 1000}));
  EXPECT_EQ(gz.sizes(), raw.sizes());
  EXPECT_TRUE(raw.eq(gz).all().item<bool>());
  EXPECT_EQ(raw.select(0, 1).select(0, 2).item<int64_t>(), (1002 * 7) % 256);
}

TEST_F(DataFiles, MalformedFilesGiveClearErrors) {
  Bytes good = idx_bytes({2, 3}, {1, 2, 3, 4, 5, 6});
  expect_error<RuntimeError>((dir_ / "absent").string(), "cannot open");
  expect_error<ValueError>(write("empty", {}), "too short");
  expect_error<ValueError>(write("magic", {0x1f, 0x00, 0x08, 0x01, 0, 0, 0, 1, 5}), "bad magic");
  expect_error<ValueError>(write("type", {0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0}),
                           "element type 0x0d");
  Bytes short_header(good.begin(), good.begin() + 9);
  expect_error<ValueError>(write("header", short_header), "truncated inside its header");
  Bytes short_data(good.begin(), good.end() - 2);
  expect_error<ValueError>(write("short", short_data), "is truncated");
  Bytes long_data = good;
  long_data.push_back(0);
  expect_error<ValueError>(write("long", long_data), "bytes after");
  // A header that declares far more data than the file has is a truncation, not a huge
  // allocation.
  expect_error<ValueError>(write("huge", idx_bytes({0xFFFFu, 0xFFFFu}, {1, 2})), "is truncated");
  expect_error<ValueError>(write("overflow", idx_bytes({0xFFFFFFFFu, 0xFFFFFFFFu}, {1})),
                           "overflows");
  EXPECT_THROW(data::read_idx(write("dims", good), 3), ValueError);

  Bytes gz = gzip_stored(good);
  Bytes bad_crc = gz;
  bad_crc[bad_crc.size() - 6] ^= 0xFF;
  expect_error<ValueError>(write("crc.gz", bad_crc), "corrupt or truncated gzip");
  Bytes cut(gz.begin(), gz.end() - 12);
  expect_error<ValueError>(write("cut.gz", cut), "gzip");
}

TEST_F(DataFiles, MnistLoadsImagesInUnitRangeAndInt64Labels) {
  for (bool gz : {false, true}) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    write_split("train", gz);
    data::MNIST train(dir_.string(), true);
    EXPECT_EQ(train.size(), 3);
    EXPECT_EQ(train.images.sizes(), (Shape{3, 1, 2, 3}));
    EXPECT_EQ(train.images.dtype(), DType::Float32);
    EXPECT_EQ(train.labels.dtype(), DType::Int64);
    EXPECT_NEAR(train.images.select(0, 2).select(0, 0).select(0, 1).select(0, 2).item<double>(),
                25.0 / 255.0, 1e-7);
    EXPECT_EQ(train.labels.select(0, 2).item<int64_t>(), 9);
    // The test split is not there: the error names both file names tried.
    try {
      data::MNIST test(dir_.string(), false);
      ADD_FAILURE() << "expected RuntimeError";
    } catch (const RuntimeError& e) {
      EXPECT_NE(std::string(e.what()).find("t10k-images-idx3-ubyte.gz"), std::string::npos);
    }
  }
  write("t10k-images-idx3-ubyte", idx_bytes({2, 1, 1}, {0, 255}));
  write("t10k-labels-idx1-ubyte", idx_bytes({3}, {1, 2, 3}));
  EXPECT_THROW(data::MNIST(dir_.string(), false), ValueError);  // 2 images, 3 labels
  write("t10k-labels-idx1-ubyte", idx_bytes({2, 1}, {1, 2}));
  EXPECT_THROW(data::MNIST(dir_.string(), false), ValueError);  // labels must be 1-D
}

TEST(FashionMnist, RealFilesWhenInstalled) {
  const fs::path root = data::kFashionMnistRoot;
  if (!fs::exists(root / "t10k-images-idx3-ubyte.gz")) {
    GTEST_SKIP() << "Fashion-MNIST is not installed at " << root
                 << " (Debian package dataset-fashion-mnist)";
  }
  data::FashionMNIST test(root.string(), false);
  EXPECT_EQ(test.images.sizes(), (Shape{10000, 1, 28, 28}));
  EXPECT_GE(test.images.min().item<double>(), 0.0);
  EXPECT_LE(test.images.max().item<double>(), 1.0);
  // The test split has 1000 images of each of the 10 classes.
  Tensor counts =
      zeros({10}, DType::Int64).scatter_add(0, test.labels, ones({10000}, DType::Int64));
  EXPECT_TRUE(counts.eq(full({10}, 1000)).all().item<bool>());
  Tensor train_labels = data::read_idx((root / "train-labels-idx1-ubyte.gz").string(), 1);
  EXPECT_EQ(train_labels.size(0), 60000);
}

// ---------------------------------------------------------------- DataLoader

TEST(DataLoader, BatchesInOrderWithAndWithoutDropLast) {
  Tensor x = arange(10).to(DType::Float32).unsqueeze(1), y = arange(10) * 10;
  data::DataLoader loader(x, y, {.batch_size = 4});
  EXPECT_EQ(loader.size(), 3);
  std::vector<int64_t> sizes, firsts;
  for (auto [inputs, targets] : loader) {
    sizes.push_back(inputs.size(0));
    firsts.push_back(targets.select(0, 0).item<int64_t>());
    EXPECT_TRUE((inputs.squeeze(1).to(DType::Int64) * 10).eq(targets).all().item<bool>());
  }
  EXPECT_EQ(sizes, (std::vector<int64_t>{4, 4, 2}));
  EXPECT_EQ(firsts, (std::vector<int64_t>{0, 40, 80}));
  data::DataLoader dropping(x, y, {.batch_size = 4, .drop_last = true});
  EXPECT_EQ(dropping.size(), 2);
  int64_t seen = 0;
  for (auto batch : dropping) seen += batch.inputs.size(0);
  EXPECT_EQ(seen, 8);
  EXPECT_THROW(data::DataLoader(x, arange(9), {}), ValueError);
  EXPECT_THROW(data::DataLoader(x, y, {.batch_size = 0}), ValueError);
}

TEST(DataLoader, ShuffleIsASeededPermutationPerEpoch) {
  Tensor x = arange(25) * 3, y = arange(25);
  auto epoch = [](data::DataLoader& loader) {
    std::vector<int64_t> order;
    for (auto [inputs, targets] : loader) {
      EXPECT_TRUE(inputs.eq(targets * 3).all().item<bool>());  // pairs stay together
      for (int64_t i = 0; i < targets.size(0); ++i) {
        order.push_back(targets.select(0, i).item<int64_t>());
      }
    }
    return order;
  };
  data::DataLoader a(x, y, {.batch_size = 4, .shuffle = true, .seed = 42});
  data::DataLoader b(x, y, {.batch_size = 4, .shuffle = true, .seed = 42});
  data::DataLoader c(x, y, {.batch_size = 4, .shuffle = true, .seed = 7});
  std::vector<int64_t> a1 = epoch(a), a2 = epoch(a), b1 = epoch(b), b2 = epoch(b), c1 = epoch(c);
  EXPECT_EQ(a1, b1);  // same seed, same epochs
  EXPECT_EQ(a2, b2);
  EXPECT_NE(a1, a2);  // a new permutation each epoch
  EXPECT_NE(a1, c1);
  std::vector<int64_t> in_order(25);
  for (int64_t i = 0; i < 25; ++i) in_order[static_cast<size_t>(i)] = i;
  EXPECT_NE(a1, in_order);
  for (auto* order : {&a1, &a2, &c1}) {
    EXPECT_EQ(std::set<int64_t>(order->begin(), order->end()).size(), 25u);  // each sample once
  }
}
