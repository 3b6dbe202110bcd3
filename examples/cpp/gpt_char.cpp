// A small character-level GPT trained with the C++ API on any text file (default: the GPL-3
// text that every Debian machine has). It shows the pieces of a real language-model run:
//   - token + position embeddings, pre-norm transformer blocks whose causal self-attention
//     runs on scaled_dot_product_attention(is_causal=true), an output head tied to the token
//     embedding;
//   - AdamW with two parameter groups (weight decay on matrices only), a warmup + cosine
//     learning-rate schedule written into param_groups()[i]["lr"], gradient-norm clipping;
//   - a checkpoint every --save-every steps (model, optimizer, step and random state in one
//     safetensors file) and --resume from it, continuing the very same run;
//   - sampling with a temperature at the end.
// It prints the text's unigram entropy (what a model that ignores context achieves) and the
// final train/val losses, which a full run must bring well below it (else it exits 1).
//
//   build/examples/cpp/gpt_char [--data PATH] [--steps N] [--resume] [--help]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <numbers>
#include <string>
#include <string_view>
#include <vector>

#include "deepseek/deepseek.h"
#include "progress.h"

namespace ds = deepseek;
namespace nn = deepseek::nn;
using ds::Tensor;

namespace {

// ---------------------------------------------------------------- settings and flags
struct Settings {
  std::string data = "/usr/share/common-licenses/GPL-3";
  std::string checkpoint = "gpt_char.safetensors";
  bool resume = false;
  int64_t steps = 1000;     // length of the schedule (the whole run)
  int64_t max_steps = 0;    // > 0: stop (as if interrupted) after this step
  int64_t batch_size = 32;  // sequences per step
  int64_t block_size = 64;  // context length
  int64_t embed = 96, heads = 4, layers = 3;
  double dropout = 0.2;
  double lr = 3e-3, min_lr = 3e-4, weight_decay = 0.1, clip = 1.0;
  int64_t warmup = 100;
  int64_t eval_every = 200, eval_batches = 20, save_every = 200;
  int64_t sample_chars = 300;
  double temperature = 0.8;
  uint64_t seed = 0;
};

[[noreturn]] void usage(const char* program, int status) {
  const Settings d;
  std::fprintf(status == 0 ? stdout : stderr,
               "Trains a small character-level GPT on a text file.\n\n"
               "usage: %s [options]\n"
               "  --data PATH         text to learn (default %s)\n"
               "  --steps N           training steps of the schedule (default %lld)\n"
               "  --max-steps N       stop after step N, leaving a checkpoint to --resume\n"
               "  --checkpoint PATH   where checkpoints go (default %s)\n"
               "  --resume            continue the run saved in --checkpoint\n"
               "  --save-every N      checkpoint period in steps (default %lld)\n"
               "  --batch-size N --block-size N --embed N --heads N --layers N --dropout X\n"
               "  --lr X --min-lr X --warmup N --weight-decay X --clip X\n"
               "  --eval-every N --eval-batches N --sample-chars N --temperature X --seed N\n",
               program, d.data.c_str(), static_cast<long long>(d.steps), d.checkpoint.c_str(),
               static_cast<long long>(d.save_every));
  std::exit(status);
}

Settings parse_flags(int argc, char** argv) {
  Settings s;
  const std::map<std::string_view, int64_t*> ints = {
      {"--steps", &s.steps},           {"--max-steps", &s.max_steps},
      {"--batch-size", &s.batch_size}, {"--block-size", &s.block_size},
      {"--embed", &s.embed},           {"--heads", &s.heads},
      {"--layers", &s.layers},         {"--warmup", &s.warmup},
      {"--eval-every", &s.eval_every}, {"--eval-batches", &s.eval_batches},
      {"--save-every", &s.save_every}, {"--sample-chars", &s.sample_chars}};
  const std::map<std::string_view, double*> reals = {{"--dropout", &s.dropout},
                                                     {"--lr", &s.lr},
                                                     {"--min-lr", &s.min_lr},
                                                     {"--clip", &s.clip},
                                                     {"--weight-decay", &s.weight_decay},
                                                     {"--temperature", &s.temperature}};
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") usage(argv[0], 0);
    if (arg == "--resume") {
      s.resume = true;
      continue;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "%s: unknown argument or missing value: %s\n", argv[0], argv[i]);
      usage(argv[0], 2);
    }
    const std::string value = argv[++i];
    try {
      if (auto it = ints.find(arg); it != ints.end()) {
        *it->second = std::stoll(value);
      } else if (auto rit = reals.find(arg); rit != reals.end()) {
        *rit->second = std::stod(value);
      } else if (arg == "--data") {
        s.data = value;
      } else if (arg == "--checkpoint") {
        s.checkpoint = value;
      } else if (arg == "--seed") {
        s.seed = std::stoull(value);
      } else {
        std::fprintf(stderr, "%s: unknown argument '%s'\n", argv[0], argv[i - 1]);
        usage(argv[0], 2);
      }
    } catch (const std::logic_error&) {
      std::fprintf(stderr, "%s: bad value '%s' for %s\n", argv[0], value.c_str(), argv[i - 1]);
      usage(argv[0], 2);
    }
  }
  const bool positive = s.steps > 0 && s.batch_size > 0 && s.block_size > 0 && s.embed > 0 &&
                        s.heads > 0 && s.layers > 0 && s.eval_every > 0 && s.save_every > 0 &&
                        s.eval_batches > 0 && s.lr > 0 && s.temperature > 0;
  if (!positive || s.embed % s.heads != 0 || s.max_steps < 0 || s.sample_chars < 0) {
    std::fprintf(stderr,
                 "%s: sizes, steps and rates must be positive, --embed a multiple of "
                 "--heads\n",
                 argv[0]);
    usage(argv[0], 2);
  }
  return s;
}

// ---------------------------------------------------------------- the text
struct Corpus {
  std::string vocab;  // the distinct bytes of the text, sorted; token i is vocab[i]
  Tensor train, val;  // token ids, int64: the first 90% of the text and the rest

  Tensor encode(std::string_view text) const {
    std::vector<int64_t> ids;
    for (char c : text) ids.push_back(static_cast<int64_t>(vocab.find(c)));
    return ds::tensor_from(ids);
  }
};

Corpus read_corpus(const std::string& path, int64_t block_size) {
  std::ifstream in(path, std::ios::binary);
  DS_CHECK(in.good(), RuntimeError, "gpt_char: cannot read '{}'", path);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Corpus corpus;
  corpus.vocab = text;
  std::sort(corpus.vocab.begin(), corpus.vocab.end());
  corpus.vocab.erase(std::unique(corpus.vocab.begin(), corpus.vocab.end()), corpus.vocab.end());
  const int64_t n = static_cast<int64_t>(text.size()), n_train = n * 9 / 10;
  DS_CHECK(n - n_train > block_size + 1, ValueError,
           "gpt_char: '{}' has {} bytes; a {}-char context needs at least {}", path, n, block_size,
           10 * (block_size + 2));
  const Tensor ids = corpus.encode(text);
  corpus.train = ids.narrow(0, 0, n_train);
  corpus.val = ids.narrow(0, n_train, n - n_train);
  return corpus;
}

// Entropy of the text's character frequencies, in nats per character: the loss of the best
// model that ignores context.
double unigram_entropy(const Tensor& ids, int64_t vocab_size) {
  const Tensor counts = ds::one_hot(ids, vocab_size).sum({0}).to(ds::DType::Float64);
  const Tensor p = counts / static_cast<double>(ids.numel());
  return -(p * (p + 1e-300).log()).sum().item<double>();
}

// `batch` random windows of the token stream: inputs [batch, block] and the next tokens.
std::pair<Tensor, Tensor> random_batch(const Tensor& ids, int64_t batch, int64_t block,
                                       ds::Generator* gen = nullptr) {
  const Tensor starts = ds::randint(0, ids.numel() - block - 1, {batch, 1}, ds::DType::Int64, gen);
  const Tensor positions = starts + ds::arange(block).unsqueeze(0);  // [batch, block]
  const Tensor x = ids.index_select(0, positions.flatten()).view({batch, block});
  const Tensor y = ids.index_select(0, (positions + 1).flatten()).view({batch, block});
  return {x, y};
}

// ---------------------------------------------------------------- the model
// Multi-head causal self-attention: one projection to q, k, v, the fused attention op, an
// output projection.
class CausalSelfAttention : public nn::UnaryModule {
 public:
  CausalSelfAttention(int64_t embed, int64_t heads, double dropout) : heads_(heads) {
    qkv = register_module("qkv", nn::Linear(embed, 3 * embed));
    proj = register_module("proj", nn::Linear(embed, embed));
    resid_dropout = register_module("resid_dropout", nn::Dropout(dropout));
  }

  Tensor forward(const Tensor& x) override {  // x [B, T, C]
    const int64_t B = x.size(0), T = x.size(1), C = x.size(2), D = C / heads_;
    const ds::TensorList qkv_parts = qkv->forward(x).split(C, -1);
    auto heads = [&](const Tensor& t) { return t.view({B, T, heads_, D}).transpose(1, 2); };
    const Tensor y = ds::scaled_dot_product_attention(heads(qkv_parts[0]), heads(qkv_parts[1]),
                                                      heads(qkv_parts[2]), {}, 0.0,
                                                      /*is_causal=*/true);
    return resid_dropout->forward(proj->forward(y.transpose(1, 2).reshape({B, T, C})));
  }

  std::shared_ptr<nn::Linear> qkv, proj;
  std::shared_ptr<nn::Dropout> resid_dropout;

 private:
  int64_t heads_;
};

// A pre-norm transformer block: x + attention(ln(x)), then x + mlp(ln(x)).
class Block : public nn::UnaryModule {
 public:
  Block(int64_t embed, int64_t heads, double dropout) {
    ln1 = register_module("ln1", nn::LayerNorm(embed));
    attn = register_module("attn", CausalSelfAttention(embed, heads, dropout));
    ln2 = register_module("ln2", nn::LayerNorm(embed));
    mlp =
        register_module("mlp", nn::Sequential(nn::Linear(embed, 4 * embed), nn::GELU(),
                                              nn::Linear(4 * embed, embed), nn::Dropout(dropout)));
  }

  Tensor forward(const Tensor& x) override {
    const Tensor h = x + attn->forward(ln1->forward(x));
    return h + mlp->forward(ln2->forward(h));
  }

  std::shared_ptr<nn::LayerNorm> ln1, ln2;
  std::shared_ptr<CausalSelfAttention> attn;
  std::shared_ptr<nn::Sequential> mlp;
};

class CharGpt : public nn::UnaryModule {
 public:
  CharGpt(int64_t vocab, int64_t block, int64_t embed, int64_t heads, int64_t layers,
          double dropout) {
    token_embedding = register_module("token_embedding", nn::Embedding(vocab, embed));
    position_embedding = register_module("position_embedding", nn::Embedding(block, embed));
    embedding_dropout = register_module("embedding_dropout", nn::Dropout(dropout));
    blocks = register_module("blocks", std::make_shared<nn::Sequential>());
    for (int64_t i = 0; i < layers; ++i) blocks->push_back(Block(embed, heads, dropout));
    ln_f = register_module("ln_f", nn::LayerNorm(embed));
    // GPT-2's initialisation: small normal weights, zero biases (LayerNorm keeps its ones).
    for (const auto& [name, p] : named_parameters()) {
      if (p.dim() >= 2) {
        nn::init::normal_(p, 0.0, 0.02);
      } else if (name.ends_with("bias")) {
        nn::init::zeros_(p);
      }
    }
  }

  // idx [B, T] token ids -> logits [B, T, vocab].
  Tensor forward(const Tensor& idx) override {
    const Tensor positions = ds::arange(idx.size(1));
    Tensor x = token_embedding->forward(idx) + position_embedding->forward(positions);
    x = ln_f->forward(blocks->forward(embedding_dropout->forward(x)));
    // The output head is the token embedding itself (weight tying): no separate matrix.
    return ds::linear(x, token_embedding->weight);
  }

  std::shared_ptr<nn::Embedding> token_embedding, position_embedding;
  std::shared_ptr<nn::Dropout> embedding_dropout;
  std::shared_ptr<nn::Sequential> blocks;
  std::shared_ptr<nn::LayerNorm> ln_f;
};

// ---------------------------------------------------------------- training helpers
// Warmup from ~0 to `lr` over `warmup` steps, then a cosine from `lr` down to `min_lr` at
// the last step. `step` counts from 0.
double learning_rate(const Settings& s, int64_t step) {
  const int64_t warmup = std::min(s.warmup, s.steps / 10);
  if (step < warmup) return s.lr * static_cast<double>(step + 1) / static_cast<double>(warmup);
  const double progress = static_cast<double>(step - warmup) /
                          static_cast<double>(std::max<int64_t>(1, s.steps - warmup));
  return s.min_lr + 0.5 * (s.lr - s.min_lr) * (1 + std::cos(std::numbers::pi * progress));
}

// Mean loss over `batches` batches of `ids`, the same batches at every call (their own
// generator, so evaluating leaves the training run's random stream alone).
double estimate_loss(CharGpt& model, const Tensor& ids, const Settings& s) {
  model.eval();
  ds::autograd::NoGradGuard no_grad;
  ds::Generator batches(s.seed + 1000);
  double total = 0;
  for (int64_t i = 0; i < s.eval_batches; ++i) {
    auto [x, y] = random_batch(ids, s.batch_size, s.block_size, &batches);
    total += ds::cross_entropy(model.forward(x).flatten(0, 1), y.flatten()).item<double>();
  }
  model.train();
  return total / static_cast<double>(s.eval_batches);
}

// ---------------------------------------------------------------- checkpoints
// One safetensors file: the model's state dict, the optimizer's (tensors and metadata), the
// step reached and the global random state, so a resumed run draws the same batches and
// dropout masks as one that never stopped.
void save_checkpoint(const std::string& path, const CharGpt& model,
                     const ds::optim::Optimizer& optimizer, int64_t step, const Settings& s,
                     const Corpus& corpus) {
  using V = ds::io::Value;
  ds::save(V::dict({{"model", nn::to_value(model.state_dict())},
                    {"optimizer", ds::optim::to_value(optimizer.state_dict())},
                    {"step", step},
                    {"schedule_steps", s.steps},
                    {"rng_state", ds::get_rng_state()},
                    {"vocab", corpus.vocab}}),
           path);
}

// Restores what save_checkpoint wrote; returns the step to continue from.
int64_t load_checkpoint(const std::string& path, CharGpt& model, ds::optim::Optimizer& optimizer,
                        const Settings& s, const Corpus& corpus) {
  const ds::io::Value ckpt = ds::load(path);
  DS_CHECK(ckpt["vocab"].str() == corpus.vocab, ValueError,
           "gpt_char: '{}' was trained on a text with another alphabet", path);
  DS_CHECK(ckpt["schedule_steps"].to_int() == s.steps, ValueError,
           "gpt_char: '{}' comes from a run of --steps {}; resume it with the same --steps", path,
           ckpt["schedule_steps"].to_int());
  model.load_state_dict(nn::state_dict_from_value(ckpt["model"]));
  optimizer.load_state_dict(ds::optim::state_dict_from_value(ckpt["optimizer"]));
  ds::set_rng_state(ckpt["rng_state"].tensor());
  return ckpt["step"].to_int();
}

// ---------------------------------------------------------------- sampling
// Continues `prompt` by `count` characters, each drawn from softmax(logits / temperature).
std::string sample(CharGpt& model, const Corpus& corpus, const std::string& prompt, int64_t count,
                   double temperature, int64_t block_size) {
  model.eval();
  ds::autograd::NoGradGuard no_grad;
  std::vector<int64_t> ids;
  for (char c : prompt) ids.push_back(static_cast<int64_t>(corpus.vocab.find(c)));
  std::string out;
  for (int64_t i = 0; i < count; ++i) {
    const int64_t start = std::max<int64_t>(0, static_cast<int64_t>(ids.size()) - block_size);
    const Tensor context =
        ds::tensor_from(std::vector<int64_t>(ids.begin() + start, ids.end())).unsqueeze(0);
    const Tensor logits = model.forward(context).select(1, -1).squeeze(0);  // [vocab]
    const Tensor probs = (logits / temperature).softmax(0);
    const int64_t token = ds::multinomial(probs, 1).item<int64_t>();
    ids.push_back(token);
    out += corpus.vocab[token];
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) try {
  const Settings s = parse_flags(argc, argv);
  ds::manual_seed(s.seed);
  const Corpus corpus = read_corpus(s.data, s.block_size);
  const int64_t vocab = static_cast<int64_t>(corpus.vocab.size());
  const double entropy = unigram_entropy(corpus.train, vocab);
  std::printf("data: %s, %lld train + %lld val chars, vocabulary %lld\n", s.data.c_str(),
              static_cast<long long>(corpus.train.numel()),
              static_cast<long long>(corpus.val.numel()), static_cast<long long>(vocab));
  std::printf("unigram entropy of the text: %.4f nats/char (%.3f bits)\n", entropy,
              entropy / std::numbers::ln2);

  auto model =
      std::make_shared<CharGpt>(vocab, s.block_size, s.embed, s.heads, s.layers, s.dropout);
  // Weight decay on matrices (linear weights, embeddings); none on biases and LayerNorm.
  ds::TensorList decay, no_decay;
  for (const Tensor& p : model->parameters()) (p.dim() >= 2 ? decay : no_decay).push_back(p);
  ds::optim::AdamW optimizer(decay, {.lr = s.lr, .beta2 = 0.99, .weight_decay = s.weight_decay});
  optimizer.add_param_group({no_decay, {{"weight_decay", 0.0}}});
  int64_t parameter_count = 0;
  for (const Tensor& p : model->parameters()) parameter_count += p.numel();
  std::printf("model: %lld layers, %lld heads, embedding %lld, context %lld: %lld parameters\n",
              static_cast<long long>(s.layers), static_cast<long long>(s.heads),
              static_cast<long long>(s.embed), static_cast<long long>(s.block_size),
              static_cast<long long>(parameter_count));

  int64_t step = 0;  // steps done
  if (s.resume) {
    step = load_checkpoint(s.checkpoint, *model, optimizer, s, corpus);
    std::printf("resumed from %s at step %lld\n", s.checkpoint.c_str(),
                static_cast<long long>(step));
  }
  const int64_t stop = s.max_steps > 0 ? std::min(s.max_steps, s.steps) : s.steps;
  if (!s.checkpoint.empty()) {
    std::filesystem::path folder = std::filesystem::path(s.checkpoint).parent_path();
    if (!folder.empty()) std::filesystem::create_directories(folder);
  }

  const int64_t first_step = step;
  const auto start = std::chrono::steady_clock::now();
  model->train();
  examples::ProgressBar bar("train", stop - step, "tok");
  while (step < stop) {
    const double lr = learning_rate(s, step);
    for (auto& group : optimizer.param_groups()) group["lr"] = lr;

    auto [x, y] = random_batch(corpus.train, s.batch_size, s.block_size);
    const Tensor logits = model->forward(x);
    const Tensor loss = ds::cross_entropy(logits.flatten(0, 1), y.flatten());
    optimizer.zero_grad();
    loss.backward();
    const double grad_norm = nn::utils::clip_grad_norm_(model->parameters(), s.clip).item<double>();
    optimizer.step();
    ++step;

    const double value = loss.item<double>();
    bar.set_postfix({{"loss", value}, {"lr", lr}, {"grad_norm", grad_norm}});
    bar.step(x.numel());
    if (step % s.eval_every == 0 && step < s.steps) {
      std::printf("step %lld loss %.4f  lr %.2e  val loss %.4f\n", static_cast<long long>(step),
                  value, lr, estimate_loss(*model, corpus.val, s));
      std::fflush(stdout);
    } else if (step == first_step + 1 || step == stop) {
      std::printf("step %lld loss %.4f  lr %.2e\n", static_cast<long long>(step), value, lr);
      std::fflush(stdout);
    }
    if (step % s.save_every == 0 || step == stop) {
      save_checkpoint(s.checkpoint, *model, optimizer, step, s, corpus);
    }
  }
  bar.close();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (stop < s.steps) {
    std::printf("stopped at step %lld of %lld (%.1f s); continue with --resume from %s\n",
                static_cast<long long>(step), static_cast<long long>(s.steps), seconds,
                s.checkpoint.c_str());
    return 0;
  }

  const double train_loss = estimate_loss(*model, corpus.train, s);
  const double val_loss = estimate_loss(*model, corpus.val, s);
  std::printf(
      "final: train loss %.4f  val loss %.4f  (unigram entropy %.4f) nats/char, "
      "%.1f s\n",
      train_loss, val_loss, entropy, seconds);
  if (s.sample_chars > 0) {
    // Start at a line break, or at the first character of the alphabet if the text has none.
    const std::string prompt(1,
                             corpus.vocab.find('\n') != std::string::npos ? '\n' : corpus.vocab[0]);
    std::printf(
        "sample (temperature %.2f):\n----\n%s\n----\n", s.temperature,
        sample(*model, corpus, prompt, s.sample_chars, s.temperature, s.block_size).c_str());
  }
  // A full run must learn far more than character frequencies.
  const double bar_loss = 0.7 * entropy;
  if (s.steps >= Settings().steps && val_loss > bar_loss) {
    std::fprintf(stderr, "FAILED: val loss %.4f is not below %.4f (0.7 x unigram entropy)\n",
                 val_loss, bar_loss);
    return 1;
  }
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "error: %s\n", e.what());
  return 1;
}
