// Mutation fuzzing of the safetensors and checkpoint readers: valid files, mutated in
// thousands of deterministic ways, must each either load consistently or raise a
// deepseek::Error, never crash, hang or read out of bounds (run it under
// -fsanitize=address,undefined to check the last part).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "deepseek/deepseek.h"
#include "deepseek/io/checkpoint.h"
#include "deepseek/io/safetensors.h"

using namespace deepseek;

namespace {

// Values that sit on the edges the reader checks.
const char* const kInterestingNumbers[] = {"0",
                                           "1",
                                           "-1",
                                           "7",
                                           "8",
                                           "16",
                                           "255",
                                           "4294967296",
                                           "9223372036854775807",
                                           "9223372036854775808",
                                           "18446744073709551615",
                                           "18446744073709551616",
                                           "1.5",
                                           "1e999",
                                           "-0",
                                           "100000001"};
const char kJsonBytes[] = "{}[]\",:0123456789-.e \\tfnu\x00\xff";

class Mutator {
 public:
  explicit Mutator(uint64_t seed) : rng_(seed) {}

  std::string mutate(std::string s) {
    int rounds = 1 + static_cast<int>(below(3));
    for (int i = 0; i < rounds; ++i) mutate_once(s);
    return s;
  }

 private:
  uint64_t below(uint64_t n) { return n == 0 ? 0 : rng_() % n; }

  // Most of a file's structure is in its first bytes: aim half the edits there.
  size_t position(const std::string& s) {
    if (s.empty()) return 0;
    uint64_t header_end = s.size();
    if (s.size() >= 8) {
      uint64_t n = 0;
      std::memcpy(&n, s.data(), 8);
      header_end = std::min<uint64_t>(s.size(), 8 + std::min<uint64_t>(n, s.size()));
    }
    return below(2) ? below(header_end) : below(s.size());
  }

  void mutate_once(std::string& s) {
    switch (below(9)) {
      case 0:  // flip a bit
        if (!s.empty()) s[position(s)] ^= static_cast<char>(1u << below(8));
        break;
      case 1:  // overwrite a byte with a JSON-significant one
        if (!s.empty()) s[position(s)] = kJsonBytes[below(sizeof(kJsonBytes) - 1)];
        break;
      case 2:  // insert bytes
        s.insert(std::min(position(s), s.size()),
                 std::string(1 + below(4), kJsonBytes[below(sizeof(kJsonBytes) - 1)]));
        break;
      case 3:  // delete a range
        if (!s.empty()) {
          size_t at = position(s);
          s.erase(at, 1 + below(8));
        }
        break;
      case 4:  // truncate
        s.resize(below(s.size() + 1));
        break;
      case 5:  // append junk
        s.append(1 + below(16), static_cast<char>(below(256)));
        break;
      case 6:  // edit the header length field
        if (s.size() >= 8) {
          uint64_t n = 0;
          std::memcpy(&n, s.data(), 8);
          switch (below(4)) {
            case 0:
              n += below(17) - 8;
              break;
            case 1:
              n = rng_();
              break;
            case 2:
              n = s.size() - 8 + below(3);
              break;
            default:
              n = 100'000'000 + below(3) - 1;
              break;
          }
          std::memcpy(s.data(), &n, 8);
        }
        break;
      case 7:  // replace a number in the header with an interesting one
        replace_number(s);
        break;
      default:  // duplicate a stretch of the header (repeats keys and entries)
        if (s.size() > 8) {
          size_t at = 8 + below(s.size() - 8);
          size_t len = 1 + below(24);
          std::string piece = s.substr(at, len);
          s.insert(std::min(at + piece.size(), s.size()), piece);
        }
        break;
    }
  }

  void replace_number(std::string& s) {
    size_t start = position(s);
    while (start < s.size() && !std::isdigit(static_cast<unsigned char>(s[start]))) ++start;
    if (start >= s.size()) return;
    size_t end = start;
    while (end < s.size() && std::isdigit(static_cast<unsigned char>(s[end]))) ++end;
    const char* replacement =
        kInterestingNumbers[below(sizeof(kInterestingNumbers) / sizeof(kInterestingNumbers[0]))];
    s.replace(start, end - start, replacement);
  }

  std::mt19937_64 rng_;
};

// A parse that succeeded must describe a well-formed file: re-serializing it gives back
// the same tensors.
void check_consistent(const safetensors::Contents& c, const std::string& bytes) {
  uint64_t total = 0;
  for (const auto& [name, t] : c.tensors) {
    ASSERT_TRUE(t.is_contiguous());
    ASSERT_TRUE(t.device().is_cpu());
    ASSERT_EQ(t.nbytes(), static_cast<size_t>(t.numel()) * itemsize(t.dtype()));
    total += t.nbytes();
  }
  ASSERT_LE(total, bytes.size());
  auto again = safetensors::parse(safetensors::serialize(c.tensors, c.metadata));
  ASSERT_EQ(again.tensors.size(), c.tensors.size());
  ASSERT_EQ(again.metadata, c.metadata);
  for (size_t i = 0; i < c.tensors.size(); ++i) {
    const Tensor& a = c.tensors[i].second;
    const Tensor& b = again.tensors[i].second;
    ASSERT_EQ(again.tensors[i].first, c.tensors[i].first);
    ASSERT_EQ(a.dtype(), b.dtype());
    ASSERT_EQ(a.sizes(), b.sizes());
    if (a.nbytes() > 0) ASSERT_EQ(std::memcmp(a.data_ptr(), b.data_ptr(), a.nbytes()), 0);
  }
}

std::vector<std::string> seed_files() {
  Tensor f = arange(0, 6, 1, DType::Float32).view({2, 3});
  std::vector<std::string> seeds;
  seeds.push_back(safetensors::serialize({{"w", f}}));
  seeds.push_back(
      safetensors::serialize({{"a", f.to(DType::Float16)},
                              {"b", arange(0, 3, 1, DType::Int64)},
                              {"m", arange(0, 4, 1, DType::Int64).lt(full({4}, 2, DType::Int64))},
                              {"e", zeros({0, 2}, DType::BFloat16)},
                              {"s", scalar_tensor(2, DType::Int8)}},
                             {{"format", "pt"}, {"k", "v"}}));
  seeds.push_back(safetensors::serialize({}));
  io::Value ckpt = io::Value::dict(
      {{"model", io::Value::dict({{"w", f}, {"b", zeros({3})}})},
       {"optim", io::Value::dict({{int64_t{0}, io::Value::dict({{"step", 3}, {"m", f}})}})},
       {"sched", io::Value::tuple(
                     {1.5, std::numeric_limits<double>::infinity(), "cos", io::Value(), true})}});
  seeds.push_back(io::save_to_bytes(ckpt));
  return seeds;
}

}  // namespace

TEST(SafetensorsFuzz, MutatedFilesLoadOrRaiseDeepseekErrors) {
  constexpr int kMutationsPerSeed = 5000;
  int loaded = 0, rejected = 0;
  auto seeds = seed_files();
  for (size_t s = 0; s < seeds.size(); ++s) {
    Mutator mutator(0x5AFE7E45 + s);
    for (int i = 0; i < kMutationsPerSeed; ++i) {
      std::string bytes = mutator.mutate(seeds[s]);
      SCOPED_TRACE(::testing::Message() << "seed " << s << " mutation " << i);
      try {
        safetensors::Contents c = safetensors::parse(bytes);
        ASSERT_NO_FATAL_FAILURE(check_consistent(c, bytes));
        io::Value v = io::load_from_bytes(bytes);  // the structure layer on top
        (void)v;
        ++loaded;
      } catch (const Error&) {
        ++rejected;
      } catch (const std::exception& e) {
        FAIL() << "non-deepseek exception " << typeid(e).name() << ": " << e.what();
      }
    }
  }
  // Both outcomes must occur, or the mutations are not reaching the checks.
  EXPECT_GT(loaded, 100);
  EXPECT_GT(rejected, 1000);
}

// The same, aimed at the checkpoint structure: its JSON text is mutated inside an otherwise
// valid file, so every mutation reaches the structure decoder.
TEST(SafetensorsFuzz, MutatedStructuresLoadOrRaiseDeepseekErrors) {
  constexpr int kMutations = 5000;
  safetensors::Contents seed = safetensors::parse(seed_files().back());
  const std::string structure = seed.metadata.at(io::kStructureKey);
  Mutator mutator(0xC0FFEE);
  int loaded = 0, rejected = 0;
  for (int i = 0; i < kMutations; ++i) {
    SCOPED_TRACE(::testing::Message() << "mutation " << i);
    safetensors::Metadata metadata = seed.metadata;
    metadata[io::kStructureKey] = mutator.mutate(structure);
    std::string bytes;
    try {
      bytes = safetensors::serialize(seed.tensors, metadata);
    } catch (const ValueError&) {
      continue;  // the mutation made the text invalid UTF-8, which no file can hold
    }
    try {
      io::Value v = io::load_from_bytes(bytes);
      // What loaded must save and load back to the same thing.
      std::string resaved = io::save_to_bytes(v);
      ASSERT_EQ(io::save_to_bytes(io::load_from_bytes(resaved)), resaved);
      ++loaded;
    } catch (const Error&) {
      ++rejected;
    } catch (const std::exception& e) {
      FAIL() << "non-deepseek exception " << typeid(e).name() << ": " << e.what();
    }
  }
  EXPECT_GT(loaded, 10);
  EXPECT_GT(rejected, 1000);
}
