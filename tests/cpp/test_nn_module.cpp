// C++ nn::Module mechanics: registration, traversal, state_dict and strict loading,
// checkpoint files, modes, to(), Sequential, and PyTorch-identical reprs and state_dict keys
// (taken from torch 1.13). The layers' arithmetic is in test_nn_layers.cpp and
// test_nn_sequence_layers.cpp.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "deepseek/deepseek.h"
#include "tensor_testing.h"

using namespace deepseek;
using namespace tensor_testing;

namespace {

std::vector<std::string> keys_of(const nn::StateDict& dict) { return dict.keys(); }

// A user-defined module the way the header documents it.
struct Net : nn::UnaryModule {
  std::shared_ptr<nn::Linear> fc1 = register_module("fc1", nn::Linear(4, 8));
  std::shared_ptr<nn::Linear> fc2 = register_module("fc2", nn::Linear(8, 2));
  Tensor scale = register_buffer("scale", ones({2}));
  Tensor forward(const Tensor& x) override { return fc2->forward(relu(fc1->forward(x))) * scale; }
};

}  // namespace

// ---------------------------------------------------------------- Module mechanics

TEST(NNModule, RegistrationAndTraversalFollowPyTorchOrder) {
  auto net = std::make_shared<Net>();
  EXPECT_EQ(keys_of(net->named_parameters()),
            (std::vector<std::string>{"fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"}));
  EXPECT_EQ(net->parameters().size(), 4u);
  EXPECT_EQ(net->named_parameters(false).size(), 0u);
  EXPECT_EQ(keys_of(net->named_buffers()), (std::vector<std::string>{"scale"}));
  EXPECT_EQ(net->named_children().keys(), (std::vector<std::string>{"fc1", "fc2"}));
  EXPECT_EQ(net->named_modules().keys(), (std::vector<std::string>{"", "fc1", "fc2"}));
  EXPECT_EQ(net->named_modules()[""].get(), net.get());
  EXPECT_TRUE(net->get_parameter("fc2.bias").is_same(net->fc2->bias));
  EXPECT_EQ(net->get_submodule("fc1").get(), net->fc1.get());
  EXPECT_THROW(net->get_submodule("fc3"), IndexError);
  EXPECT_THROW(net->get_parameter("fc1.nothing"), IndexError);
  for (const Tensor& p : net->parameters()) EXPECT_TRUE(p.requires_grad() && p.is_leaf());
  EXPECT_EQ(net->name(), "Net");
  // A module not held by a shared_ptr still lists itself.
  nn::Linear plain(2, 2);
  EXPECT_EQ(plain.named_modules()[""].get(), &plain);
}

TEST(NNModule, SharedModulesAndTensorsAppearOnceInTraversalButEverywhereInStateDict) {
  auto shared = std::make_shared<nn::Linear>(2, 2);
  nn::Sequential seq(shared, nn::ReLU(), shared);
  EXPECT_EQ(seq.parameters().size(), 2u);
  EXPECT_EQ(seq.named_modules().keys(), (std::vector<std::string>{"", "0", "1"}));
  EXPECT_EQ(keys_of(seq.state_dict()),
            (std::vector<std::string>{"0.weight", "0.bias", "2.weight", "2.bias"}));
}

TEST(NNModule, BadNamesAndNonLeafParametersAreRejected) {
  nn::Linear m(2, 2);
  EXPECT_THROW(m.register_parameter("a.b", zeros({1})), ValueError);
  EXPECT_THROW(m.register_parameter("", zeros({1})), ValueError);
  EXPECT_THROW(m.register_buffer("weight", zeros({1})), ValueError);  // already a parameter
  EXPECT_THROW(m.register_module("bias", nn::ReLU()), ValueError);
  Tensor leaf = ones({2}).requires_grad_();
  try {
    m.register_parameter("derived", leaf * 2);
    FAIL() << "expected ValueError";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("Cannot assign non-leaf Tensor to parameter 'derived'"),
              std::string::npos);
  }
  // Re-registering a parameter replaces it.
  m.register_parameter("bias", zeros({2}));
  EXPECT_EQ(m.get_parameter("bias").sum().item<double>(), 0.0);
}

TEST(NNModule, ZeroGradAndApply) {
  auto net = std::make_shared<Net>();
  net->forward(randn({3, 4})).sum().backward();
  for (const Tensor& p : net->parameters()) ASSERT_TRUE(p.grad().defined());
  net->zero_grad(/*set_to_none=*/false);
  for (const Tensor& p : net->parameters()) {
    ASSERT_TRUE(p.grad().defined());
    EXPECT_EQ(p.grad().abs().sum().item<double>(), 0.0);
  }
  net->zero_grad();
  for (const Tensor& p : net->parameters()) EXPECT_FALSE(p.grad().defined());

  std::vector<std::string> visited;
  net->apply([&](nn::Module& m) { visited.push_back(m.name()); });
  EXPECT_EQ(visited, (std::vector<std::string>{"Linear", "Linear", "Net"}));
}

// ---------------------------------------------------------------- repr (torch 1.13 output)

TEST(NNModule, ReprMatchesPyTorch) {
  auto repr = [](const nn::Module& m) { return m.repr(); };
  EXPECT_EQ(repr(nn::Linear(3, 2, false)), "Linear(in_features=3, out_features=2, bias=False)");
  EXPECT_EQ(repr(nn::Conv1d(2, 4, 3, {.stride = 2, .padding = 1, .groups = 2})),
            "Conv1d(2, 4, kernel_size=(3,), stride=(2,), padding=(1,), groups=2)");
  EXPECT_EQ(repr(nn::Conv2d(2, 4, 3)), "Conv2d(2, 4, kernel_size=(3, 3), stride=(1, 1))");
  EXPECT_EQ(repr(nn::Conv2d(2, 4, {3, 2},
                            {.stride = {2, 1},
                             .padding = {1, 0},
                             .dilation = 2,
                             .groups = 2,
                             .bias = false,
                             .padding_mode = "reflect"})),
            "Conv2d(2, 4, kernel_size=(3, 2), stride=(2, 1), padding=(1, 0), dilation=(2, 2), "
            "groups=2, bias=False, padding_mode=reflect)");
  EXPECT_EQ(repr(nn::Conv2d(2, 4, 3, {.padding = "same"})),
            "Conv2d(2, 4, kernel_size=(3, 3), stride=(1, 1), padding=same)");
  EXPECT_EQ(repr(nn::BatchNorm1d(3)),
            "BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)");
  EXPECT_EQ(repr(nn::BatchNorm2d(
                3, {.momentum = std::nullopt, .affine = false, .track_running_stats = false})),
            "BatchNorm2d(3, eps=1e-05, momentum=None, affine=False, track_running_stats=False)");
  EXPECT_EQ(repr(nn::BatchNorm2d(3, {.eps = 1e-3, .momentum = 0.01})),
            "BatchNorm2d(3, eps=0.001, momentum=0.01, affine=True, track_running_stats=True)");
  EXPECT_EQ(repr(nn::LayerNorm(4)), "LayerNorm((4,), eps=1e-05, elementwise_affine=True)");
  EXPECT_EQ(repr(nn::LayerNorm({2, 4}, {.elementwise_affine = false})),
            "LayerNorm((2, 4), eps=1e-05, elementwise_affine=False)");
  EXPECT_EQ(repr(nn::RMSNorm(8)), "RMSNorm((8,), eps=None, elementwise_affine=True)");
  EXPECT_EQ(repr(nn::GroupNorm(2, 4)), "GroupNorm(2, 4, eps=1e-05, affine=True)");
  EXPECT_EQ(repr(nn::Embedding(10, 3, {.padding_idx = 0})), "Embedding(10, 3, padding_idx=0)");
  EXPECT_EQ(repr(nn::Dropout()), "Dropout(p=0.5, inplace=False)");
  EXPECT_EQ(repr(nn::Dropout(1e-7)), "Dropout(p=1e-07, inplace=False)");
  EXPECT_EQ(repr(nn::ReLU()), "ReLU()");
  EXPECT_EQ(repr(nn::GELU("tanh")), "GELU(approximate='tanh')");
  EXPECT_EQ(repr(nn::SiLU()), "SiLU()");
  EXPECT_EQ(repr(nn::Softmax()), "Softmax(dim=None)");
  EXPECT_EQ(repr(nn::LogSoftmax(-1)), "LogSoftmax(dim=-1)");
  EXPECT_EQ(repr(nn::MaxPool2d(2)),
            "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)");
  EXPECT_EQ(repr(nn::MaxPool2d({2, 3}, {.stride = 1, .padding = 1, .ceil_mode = true})),
            "MaxPool2d(kernel_size=(2, 3), stride=1, padding=1, dilation=1, ceil_mode=True)");
  EXPECT_EQ(repr(nn::AvgPool2d(3, {.stride = 2, .padding = 1})),
            "AvgPool2d(kernel_size=3, stride=2, padding=1)");
  EXPECT_EQ(repr(nn::AdaptiveAvgPool2d({2, 3})), "AdaptiveAvgPool2d(output_size=(2, 3))");
  EXPECT_EQ(repr(nn::Flatten()), "Flatten(start_dim=1, end_dim=-1)");
  EXPECT_EQ(repr(nn::Identity()), "Identity()");
  EXPECT_EQ(repr(nn::LSTM(3, 4, {.num_layers = 2})), "LSTM(3, 4, num_layers=2)");
  EXPECT_EQ(repr(nn::GRU(3, 4, {.num_layers = 2, .batch_first = true, .dropout = 0.5})),
            "GRU(3, 4, num_layers=2, batch_first=True, dropout=0.5)");
  EXPECT_EQ(repr(nn::CrossEntropyLoss()), "CrossEntropyLoss()");
  EXPECT_EQ(repr(nn::Sequential(nn::Linear(2, 3), nn::ReLU(),
                                nn::Sequential(nn::Linear(3, 1), nn::Tanh()))),
            "Sequential(\n"
            "  (0): Linear(in_features=2, out_features=3, bias=True)\n"
            "  (1): ReLU()\n"
            "  (2): Sequential(\n"
            "    (0): Linear(in_features=3, out_features=1, bias=True)\n"
            "    (1): Tanh()\n"
            "  )\n"
            ")");
  EXPECT_EQ(repr(nn::TransformerEncoderLayer(8, 2, {.dim_feedforward = 16})),
            "TransformerEncoderLayer(\n"
            "  (self_attn): MultiheadAttention(\n"
            "    (out_proj): NonDynamicallyQuantizableLinear(in_features=8, out_features=8, "
            "bias=True)\n"
            "  )\n"
            "  (linear1): Linear(in_features=8, out_features=16, bias=True)\n"
            "  (dropout): Dropout(p=0.1, inplace=False)\n"
            "  (linear2): Linear(in_features=16, out_features=8, bias=True)\n"
            "  (norm1): LayerNorm((8,), eps=1e-05, elementwise_affine=True)\n"
            "  (norm2): LayerNorm((8,), eps=1e-05, elementwise_affine=True)\n"
            "  (dropout1): Dropout(p=0.1, inplace=False)\n"
            "  (dropout2): Dropout(p=0.1, inplace=False)\n"
            ")");
  std::ostringstream os;
  os << nn::Identity();
  EXPECT_EQ(os.str(), "Identity()");
}

// ---------------------------------------------------------------- state_dict keys (torch 1.13)

TEST(NNModule, StateDictKeysAndShapesMatchPyTorch) {
  using Keys = std::vector<std::string>;
  auto shapes = [](const nn::Module& m) {
    std::vector<Shape> out;
    for (const auto& [k, v] : m.state_dict()) out.push_back(v.sizes());
    return out;
  };
  EXPECT_EQ(keys_of(nn::Linear(3, 2, false).state_dict()), Keys{"weight"});
  EXPECT_EQ(shapes(nn::Conv1d(2, 4, 3, {.groups = 2})), (std::vector<Shape>{{4, 1, 3}, {4}}));
  EXPECT_EQ(keys_of(nn::BatchNorm1d(3).state_dict()),
            (Keys{"weight", "bias", "running_mean", "running_var", "num_batches_tracked"}));
  EXPECT_EQ(shapes(nn::BatchNorm1d(3)), (std::vector<Shape>{{3}, {3}, {3}, {3}, {}}));
  EXPECT_TRUE(
      nn::BatchNorm2d(3, {.affine = false, .track_running_stats = false}).state_dict().empty());
  EXPECT_TRUE(nn::LayerNorm({2, 4}, {.elementwise_affine = false}).state_dict().empty());
  EXPECT_EQ(keys_of(nn::GroupNorm(2, 4).state_dict()), (Keys{"weight", "bias"}));
  EXPECT_EQ(keys_of(nn::RMSNorm(4).state_dict()), (Keys{"weight"}));
  EXPECT_EQ(keys_of(nn::Embedding(10, 3).state_dict()), (Keys{"weight"}));
  EXPECT_EQ(keys_of(nn::MultiheadAttention(8, 2).state_dict()),
            (Keys{"in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"}));
  EXPECT_EQ(shapes(nn::MultiheadAttention(8, 2)), (std::vector<Shape>{{24, 8}, {24}, {8, 8}, {8}}));
  EXPECT_EQ(keys_of(nn::MultiheadAttention(8, 2, {.bias = false}).state_dict()),
            (Keys{"in_proj_weight", "out_proj.weight"}));
  EXPECT_EQ(keys_of(nn::MultiheadAttention(8, 2, {.kdim = 4, .vdim = 6}).state_dict()),
            (Keys{"q_proj_weight", "k_proj_weight", "v_proj_weight", "in_proj_bias",
                  "out_proj.weight", "out_proj.bias"}));
  EXPECT_EQ(shapes(nn::MultiheadAttention(8, 2, {.kdim = 4, .vdim = 6})),
            (std::vector<Shape>{{8, 8}, {8, 4}, {8, 6}, {24}, {8, 8}, {8}}));
  Keys layer_keys{"self_attn.in_proj_weight",
                  "self_attn.in_proj_bias",
                  "self_attn.out_proj.weight",
                  "self_attn.out_proj.bias",
                  "linear1.weight",
                  "linear1.bias",
                  "linear2.weight",
                  "linear2.bias",
                  "norm1.weight",
                  "norm1.bias",
                  "norm2.weight",
                  "norm2.bias"};
  EXPECT_EQ(keys_of(nn::TransformerEncoderLayer(8, 2, {.dim_feedforward = 16}).state_dict()),
            layer_keys);
  nn::TransformerEncoder encoder(nn::TransformerEncoderLayer(8, 2, {.dim_feedforward = 16}), 2,
                                 std::make_shared<nn::LayerNorm>(8));
  Keys encoder_keys;
  for (const char* layer : {"layers.0.", "layers.1."}) {
    for (const std::string& k : layer_keys) encoder_keys.push_back(layer + k);
  }
  encoder_keys.insert(encoder_keys.end(), {"norm.weight", "norm.bias"});
  EXPECT_EQ(keys_of(encoder.state_dict()), encoder_keys);
  EXPECT_EQ(keys_of(nn::LSTM(3, 4, {.num_layers = 2}).state_dict()),
            (Keys{"weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_ih_l1",
                  "weight_hh_l1", "bias_ih_l1", "bias_hh_l1"}));
  EXPECT_EQ(shapes(nn::LSTM(3, 4, {.num_layers = 2})),
            (std::vector<Shape>{{16, 3}, {16, 4}, {16}, {16}, {16, 4}, {16, 4}, {16}, {16}}));
  EXPECT_EQ(
      keys_of(nn::LSTM(3, 4, {.bidirectional = true}).state_dict()),
      (Keys{"weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_ih_l0_reverse",
            "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse"}));
  EXPECT_EQ(keys_of(nn::LSTM(3, 4, {.bias = false}).state_dict()),
            (Keys{"weight_ih_l0", "weight_hh_l0"}));
  EXPECT_EQ(shapes(nn::GRU(3, 4, {.num_layers = 2, .batch_first = true})),
            (std::vector<Shape>{{12, 3}, {12, 4}, {12}, {12}, {12, 4}, {12, 4}, {12}, {12}}));
  EXPECT_TRUE(nn::CrossEntropyLoss().state_dict().empty());
  EXPECT_EQ(keys_of(nn::CrossEntropyLoss({.weight = ones({3})}).state_dict()), Keys{"weight"});
  EXPECT_EQ(keys_of(nn::BCEWithLogitsLoss({.pos_weight = ones({2})}).state_dict()),
            Keys{"pos_weight"});
  nn::ModuleDict dict;
  dict.insert("a", nn::Linear(2, 2));
  dict.insert("b", nn::ReLU());
  EXPECT_EQ(keys_of(dict.state_dict()), (Keys{"a.weight", "a.bias"}));
  nn::ModuleList list;
  list.push_back(nn::Linear(2, 2));
  list.push_back(nn::Linear(2, 2));
  EXPECT_EQ(keys_of(list.state_dict()), (Keys{"0.weight", "0.bias", "1.weight", "1.bias"}));
  EXPECT_EQ(list.at<nn::Linear>(-1)->out_features, 2);
  EXPECT_THROW(list.at<nn::ReLU>(0), TypeError);
  EXPECT_THROW(list[2], IndexError);
}

// ---------------------------------------------------------------- state_dict and loading

TEST(NNModule, StateDictRoundTripAndAliasing) {
  auto a = std::make_shared<Net>(), b = std::make_shared<Net>();
  Tensor x = randn({5, 4});
  ASSERT_GT(max_abs_diff(a->forward(x), b->forward(x)), 1e-4);
  nn::LoadStateDictResult result = b->load_state_dict(a->state_dict());
  EXPECT_TRUE(result.missing_keys.empty() && result.unexpected_keys.empty());
  EXPECT_EQ(max_abs_diff(a->forward(x), b->forward(x)), 0.0);
  // The dict aliases the module's memory, detached from autograd.
  nn::StateDict sd = a->state_dict();
  EXPECT_FALSE(sd["fc1.bias"].requires_grad());
  sd["fc1.bias"].fill_(7.0);
  EXPECT_EQ(a->fc1->bias.min().item<double>(), 7.0);
  // Loading keeps parameter identity (copies into the existing tensors).
  Tensor before = b->fc1->weight;
  b->load_state_dict(a->state_dict());
  EXPECT_TRUE(before.is_same(b->get_parameter("fc1.weight")));
}

TEST(NNModule, StrictLoadReportsMissingUnexpectedAndSizeMismatches) {
  nn::Linear m(2, 3);
  nn::StateDict bad{{"weight", zeros({3, 5})}, {"extra", zeros({1})}};
  try {
    m.load_state_dict(bad);
    FAIL() << "expected RuntimeError";
  } catch (const RuntimeError& e) {
    EXPECT_EQ(std::string(e.what()),
              "Error(s) in loading state_dict for Linear:\n"
              "\tMissing key(s) in state_dict: \"bias\". \n"
              "\tUnexpected key(s) in state_dict: \"extra\". \n"
              "\tsize mismatch for weight: copying a param with shape [3, 5] from checkpoint, the "
              "shape in current model is [3, 2].");
  }
  // Not strict: the key lists come back; shape mismatches still throw.
  nn::StateDict partial{{"bias", ones({3})}, {"other.weight", zeros({1})}};
  nn::LoadStateDictResult r = m.load_state_dict(partial, /*strict=*/false);
  EXPECT_EQ(r.missing_keys, std::vector<std::string>{"weight"});
  EXPECT_EQ(r.unexpected_keys, std::vector<std::string>{"other.weight"});
  EXPECT_EQ(m.bias.sum().item<double>(), 3.0);
  EXPECT_THROW(m.load_state_dict({{"bias", ones({4})}}, false), RuntimeError);
  // Keys below a child are checked by the child.
  nn::Sequential seq(nn::Linear(2, 2));
  nn::StateDict with_typo = seq.state_dict();
  with_typo.insert("0.wieght", zeros({2, 2}));
  try {
    seq.load_state_dict(with_typo);
    FAIL() << "expected RuntimeError";
  } catch (const RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find("Unexpected key(s) in state_dict: \"0.wieght\""),
              std::string::npos);
  }
}

TEST(NNModule, SaveAndLoadThroughACheckpointFile) {
  auto path = std::filesystem::temp_directory_path() / "deepseek_nn_module_test.safetensors";
  nn::Sequential a(nn::Linear(3, 4), nn::BatchNorm1d(4)), b(nn::Linear(3, 4), nn::BatchNorm1d(4));
  a.forward(randn({6, 3}));  // moves the running statistics away from their initial values
  nn::save(a, path.string());
  nn::load(b, path.string());
  for (const auto& [key, value] : a.state_dict()) {
    EXPECT_EQ(max_abs_diff(value, b.state_dict()[key]), 0.0) << key;
  }
  EXPECT_EQ(b.get_buffer("1.num_batches_tracked").item<int64_t>(), 1);
  nn::Linear wrong(3, 5);
  EXPECT_THROW(nn::load(wrong, path.string()), RuntimeError);
  std::filesystem::remove(path);
}

// ---------------------------------------------------------------- modes and conversion

TEST(NNModule, TrainAndEvalSwitchDropoutAndRecurse) {
  nn::Sequential seq(nn::Linear(4, 4), nn::Dropout(0.5));
  EXPECT_TRUE(seq.is_training() && seq[1]->is_training());
  Tensor x = ones({200, 4});
  auto dropout = seq.at<nn::Dropout>(1);
  Tensor y = dropout->forward(x);
  double zeros_frac = y.eq(zeros_like(y)).to(DType::Float64).mean().item<double>();
  EXPECT_GT(zeros_frac, 0.35);
  EXPECT_LT(zeros_frac, 0.65);
  EXPECT_EQ(y.max().item<double>(), 2.0);  // survivors scaled by 1 / (1 - p)
  seq.eval();
  EXPECT_FALSE(seq.is_training() || seq[0]->is_training() || seq[1]->is_training());
  EXPECT_EQ(max_abs_diff(dropout->forward(x), x), 0.0);
  seq.train();
  EXPECT_TRUE(dropout->is_training());
  EXPECT_THROW(nn::Dropout(1.5), ValueError);
}

TEST(NNModule, ToFloat64KeepsParameterIdentityForAnEarlierOptimizer) {
  auto net = std::make_shared<Net>();
  TensorList params = net->parameters();
  optim::SGD opt(params, {.lr = 0.1});
  net->forward(randn({2, 4})).sum().backward();  // gradients exist before the move
  net->to(DType::Float64);
  for (size_t i = 0; i < params.size(); ++i) {
    EXPECT_TRUE(params[i].is_same(net->parameters()[i]));
    EXPECT_EQ(params[i].dtype(), DType::Float64);
    EXPECT_EQ(params[i].grad().dtype(), DType::Float64);
    EXPECT_TRUE(params[i].requires_grad());
  }
  EXPECT_EQ(net->fc1->weight.dtype(), DType::Float64);  // the layer's own handle too
  EXPECT_EQ(net->scale.dtype(), DType::Float64);        // buffers convert as well
  Tensor w_before = net->fc1->weight.clone();
  opt.zero_grad();
  Tensor x = randn64({8, 4});
  net->forward(x).square().sum().backward();
  opt.step();
  EXPECT_GT(max_abs_diff(net->fc1->weight, w_before), 0.0);
  EXPECT_EQ(net->fc1->weight.dtype(), DType::Float64);

  nn::BatchNorm1d bn(3);
  bn.to(DType::Float64);
  EXPECT_EQ(bn.running_mean.dtype(), DType::Float64);
  EXPECT_EQ(bn.num_batches_tracked.dtype(), DType::Int64);  // only floating tensors change
  EXPECT_THROW(bn.to(DType::Int64), TypeError);
}

// ---------------------------------------------------------------- Sequential

TEST(NNModule, SequentialChainsAndRejectsNonUnaryModules) {
  auto model = std::make_shared<nn::Sequential>(nn::Linear(3, 5), nn::ReLU(), nn::Linear(5, 2));
  model->to(DType::Float64);
  Tensor x = randn64({4, 3});
  auto l0 = model->at<nn::Linear>(0), l2 = model->at<nn::Linear>(-1);
  Tensor want = linear(relu(linear(x, l0->weight, l0->bias)), l2->weight, l2->bias);
  EXPECT_LT(max_abs_diff(model->forward(x), want), 1e-12);
  EXPECT_EQ(model->size(), 3u);
  EXPECT_THROW(model->push_back(nn::LSTM(2, 2)), TypeError);
  EXPECT_THROW(model->at<nn::ReLU>(0), TypeError);
  nn::Sequential named(nn::OrderedDict<std::shared_ptr<nn::Module>>{
      {"fc", std::make_shared<nn::Linear>(2, 2)}, {"act", std::make_shared<nn::Tanh>()}});
  EXPECT_EQ(keys_of(named.state_dict()), (std::vector<std::string>{"fc.weight", "fc.bias"}));
}
