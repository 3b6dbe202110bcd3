// C++ nn modules: Module mechanics (registration, traversal, state_dict, strict loading,
// modes, to()), PyTorch-identical reprs and state_dict keys (taken from torch 1.13), each
// layer against a reference formula in basic tensor ops (float64), default initialisation,
// and a small MLP trained end to end.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "deepseek/deepseek.h"
#include "deepseek/nn/nn.h"
#include "deepseek/optim/adam.h"
#include "deepseek/optim/sgd.h"

using namespace deepseek;

namespace {

const TensorOptions kF64(DType::Float64);

double max_abs_diff(const Tensor& a, const Tensor& b) {
  EXPECT_EQ(a.sizes(), b.sizes());
  return (a.to(DType::Float64) - b.to(DType::Float64)).abs().max().item<double>();
}

Tensor randn64(const Shape& shape) { return randn(shape, kF64); }

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

// ---------------------------------------------------------------- layers vs formulas (float64)

TEST(NNLayers, LinearIsXWTransposePlusBias) {
  nn::Linear fc(5, 3);
  fc.to(DType::Float64);
  Tensor x = randn64({2, 7, 5});
  EXPECT_LT(max_abs_diff(fc.forward(x), matmul(x, fc.weight.t()) + fc.bias), 1e-12);
  nn::Linear no_bias(5, 3, false);
  no_bias.to(DType::Float64);
  EXPECT_LT(max_abs_diff(no_bias.forward(x), matmul(x, no_bias.weight.t())), 1e-12);
}

namespace {
// Direct 2-D convolution from strided slices: out = sum over kernel taps of
// x_padded[.., tap::stride] contracted with weight[:, :, tap] (groups handled per group).
Tensor reference_conv2d(const Tensor& x, const Tensor& w, const Tensor& b, int64_t stride,
                        int64_t pad_amount, int64_t dilation, int64_t groups) {
  Tensor xp = pad(x, {pad_amount, pad_amount, pad_amount, pad_amount});
  int64_t kh = w.size(2), kw = w.size(3);
  int64_t ho = (xp.size(2) - dilation * (kh - 1) - 1) / stride + 1;
  int64_t wo = (xp.size(3) - dilation * (kw - 1) - 1) / stride + 1;
  int64_t cin = w.size(1), cout = w.size(0) / groups;
  TensorList outs;
  for (int64_t g = 0; g < groups; ++g) {
    Tensor xg = xp.narrow(1, g * cin, cin), wg = w.narrow(0, g * cout, cout);
    Tensor acc;
    for (int64_t i = 0; i < kh; ++i) {
      for (int64_t j = 0; j < kw; ++j) {
        Tensor patch = xg.slice(2, i * dilation, i * dilation + stride * (ho - 1) + 1, stride)
                           .slice(3, j * dilation, j * dilation + stride * (wo - 1) + 1, stride);
        Tensor term = matmul(patch.permute({0, 2, 3, 1}), wg.select(3, j).select(2, i).t());
        acc = acc.defined() ? acc + term : term;
      }
    }
    outs.push_back(acc.permute({0, 3, 1, 2}));
  }
  Tensor out = cat(outs, 1);
  return b.defined() ? out + b.view({1, -1, 1, 1}) : out;
}
}  // namespace

TEST(NNLayers, Conv2dMatchesDirectConvolution) {
  Tensor x = randn64({2, 4, 9, 8});
  nn::Conv2d conv(4, 6, 3, {.stride = 2, .padding = 1});
  conv.to(DType::Float64);
  EXPECT_LT(max_abs_diff(conv.forward(x), reference_conv2d(x, conv.weight, conv.bias, 2, 1, 1, 1)),
            1e-10);
  nn::Conv2d grouped(4, 6, 3, {.padding = 2, .dilation = 2, .groups = 2, .bias = false});
  grouped.to(DType::Float64);
  EXPECT_LT(
      max_abs_diff(grouped.forward(x), reference_conv2d(x, grouped.weight, Tensor(), 1, 2, 2, 2)),
      1e-10);
  // A non-zero padding mode pads the input explicitly, then convolves without padding.
  nn::Conv2d reflect(4, 2, 3, {.padding = 1, .padding_mode = "reflect"});
  reflect.to(DType::Float64);
  EXPECT_LT(
      max_abs_diff(reflect.forward(x), reference_conv2d(pad(x, {1, 1, 1, 1}, "reflect"),
                                                        reflect.weight, reflect.bias, 1, 0, 1, 1)),
      1e-10);
  nn::Conv2d same(4, 2, {3, 5}, {.padding = "same"});
  EXPECT_EQ(same.forward(randn({1, 4, 7, 6})).sizes(), (Shape{1, 2, 7, 6}));
  EXPECT_THROW(nn::Conv2d(4, 2, 3, {.stride = 2, .padding = "same"}), ValueError);
  EXPECT_THROW(nn::Conv2d(3, 2, 3, {.groups = 2}), ValueError);
}

TEST(NNLayers, Conv1dMatchesDirectConvolution) {
  Tensor x = randn64({2, 3, 11});
  nn::Conv1d conv(3, 4, 3, {.stride = 2, .padding = 1});
  conv.to(DType::Float64);
  // A 1-D convolution is a 2-D one over a height-1 image.
  Tensor want =
      reference_conv2d(pad(x, {1, 1}).unsqueeze(2), conv.weight.unsqueeze(2), conv.bias, 2, 0, 1, 1)
          .squeeze(2);
  EXPECT_LT(max_abs_diff(conv.forward(x), want), 1e-10);
}

TEST(NNLayers, BatchNormTrainsOnBatchStatisticsAndEvaluatesOnRunningOnes) {
  nn::BatchNorm2d bn(3);
  bn.to(DType::Float64);
  nn::init::normal_(bn.weight);  // non-trivial affine
  nn::init::normal_(bn.bias);
  Tensor x = randn64({4, 3, 5, 5}) * 2.0 + 1.0;
  Tensor mean = x.mean({0, 2, 3}, true), var = x.var({0, 2, 3}, 0, true);
  Tensor w = bn.weight.view({1, 3, 1, 1}), b = bn.bias.view({1, 3, 1, 1});
  Tensor want = (x - mean) / (var + 1e-5).sqrt() * w + b;
  EXPECT_LT(max_abs_diff(bn.forward(x), want), 1e-10);
  EXPECT_LT(max_abs_diff(bn.running_mean, mean.flatten() * 0.1), 1e-12);
  Tensor unbiased = x.var({0, 2, 3}, 1);
  EXPECT_LT(max_abs_diff(bn.running_var, unbiased * 0.1 + 0.9), 1e-12);
  EXPECT_EQ(bn.num_batches_tracked.item<int64_t>(), 1);
  bn.eval();
  Tensor rm = bn.running_mean.view({1, 3, 1, 1}), rv = bn.running_var.view({1, 3, 1, 1});
  EXPECT_LT(max_abs_diff(bn.forward(x), (x - rm) / (rv + 1e-5).sqrt() * w + b), 1e-10);
  EXPECT_EQ(bn.num_batches_tracked.item<int64_t>(), 1);  // eval does not count batches
  EXPECT_THROW(bn.forward(randn64({2, 3, 4})), ValueError);

  // momentum=None: a cumulative average of the batch means.
  nn::BatchNorm1d avg(2, {.momentum = std::nullopt});
  avg.to(DType::Float64);
  Tensor a = randn64({6, 2}), c = randn64({6, 2});
  avg.forward(a);
  avg.forward(c);
  EXPECT_LT(max_abs_diff(avg.running_mean, (a.mean({0}) + c.mean({0})) / 2.0), 1e-12);
  // Without running statistics, eval mode still normalises with the batch's.
  nn::BatchNorm1d stateless(2, {.affine = false, .track_running_stats = false});
  stateless.eval();
  Tensor y = stateless.forward(randn({8, 2}));
  EXPECT_LT(y.mean({0}).abs().max().item<double>(), 1e-5);
}

TEST(NNLayers, LayerRmsAndGroupNormMatchFormulas) {
  Tensor x = randn64({2, 4, 6});
  nn::LayerNorm ln({4, 6});
  ln.to(DType::Float64);
  nn::init::normal_(ln.weight);
  nn::init::normal_(ln.bias);
  Tensor mean = x.mean({1, 2}, true), var = x.var({1, 2}, 0, true);
  EXPECT_LT(max_abs_diff(ln.forward(x), (x - mean) / (var + 1e-5).sqrt() * ln.weight + ln.bias),
            1e-10);

  nn::RMSNorm rms(6, {.eps = 1e-6});
  rms.to(DType::Float64);
  nn::init::normal_(rms.weight);
  Tensor want = x / (x.square().mean({-1}, true) + 1e-6).sqrt() * rms.weight;
  EXPECT_LT(max_abs_diff(rms.forward(x), want), 1e-10);

  nn::GroupNorm gn(2, 4);
  gn.to(DType::Float64);
  nn::init::normal_(gn.weight);
  nn::init::normal_(gn.bias);
  Tensor grouped = x.reshape({2, 2, 12});
  Tensor normed = ((grouped - grouped.mean({2}, true)) / (grouped.var({2}, 0, true) + 1e-5).sqrt())
                      .reshape({2, 4, 6});
  EXPECT_LT(
      max_abs_diff(gn.forward(x), normed * gn.weight.view({1, 4, 1}) + gn.bias.view({1, 4, 1})),
      1e-10);
  EXPECT_THROW(nn::GroupNorm(3, 4), ValueError);
}

TEST(NNLayers, EmbeddingLooksUpRowsAndKeepsPaddingRowOutOfTraining) {
  nn::Embedding emb(10, 4, {.padding_idx = -1});
  EXPECT_EQ(*emb.options.padding_idx, 9);
  EXPECT_EQ(emb.weight.select(0, 9).abs().sum().item<double>(), 0.0);
  Tensor idx = tensor_from<int64_t>({1, 9, 3, 1}, {2, 2});
  Tensor y = emb.forward(idx);
  EXPECT_EQ(y.sizes(), (Shape{2, 2, 4}));
  EXPECT_EQ(max_abs_diff(y.reshape({4, 4}), emb.weight.index_select(0, idx.flatten())), 0.0);
  y.sum().backward();
  EXPECT_EQ(emb.weight.grad().select(0, 9).abs().sum().item<double>(), 0.0);
  EXPECT_EQ(emb.weight.grad().select(0, 1).sum().item<double>(), 8.0);  // row 1 used twice

  nn::Embedding frozen = nn::Embedding::from_pretrained(randn64({3, 2}));
  EXPECT_FALSE(frozen.weight.requires_grad());
  EXPECT_EQ(frozen.weight.dtype(), DType::Float64);
  EXPECT_EQ(frozen.parameters().size(), 1u);
}

TEST(NNLayers, ActivationsMatchFormulas) {
  Tensor x = randn64({3, 5});
  EXPECT_LT(max_abs_diff(nn::ReLU().forward(x), maximum(x, zeros_like(x))), 1e-15);
  EXPECT_LT(max_abs_diff(nn::GELU().forward(x), x * 0.5 * (1.0 + erf(x / std::sqrt(2.0)))), 1e-12);
  Tensor inner = (x + x.pow(3) * 0.044715) * std::sqrt(2.0 / M_PI);
  EXPECT_LT(max_abs_diff(nn::GELU("tanh").forward(x), x * 0.5 * (1.0 + tanh(inner))), 1e-12);
  Tensor sig = 1.0 / (1.0 + exp(-x));
  EXPECT_LT(max_abs_diff(nn::Sigmoid().forward(x), sig), 1e-12);
  EXPECT_LT(max_abs_diff(nn::SiLU().forward(x), x * sig), 1e-12);
  EXPECT_LT(max_abs_diff(nn::Tanh().forward(x), (exp(x * 2.0) - 1.0) / (exp(x * 2.0) + 1.0)),
            1e-12);
  Tensor e = exp(x);
  EXPECT_LT(max_abs_diff(nn::Softmax(1).forward(x), e / e.sum({1}, true)), 1e-12);
  EXPECT_LT(max_abs_diff(nn::Softmax().forward(x), e / e.sum({1}, true)), 1e-12);  // 2-D: dim 1
  EXPECT_LT(max_abs_diff(nn::LogSoftmax(0).forward(x), log(e / e.sum({0}, true))), 1e-12);
  EXPECT_THROW(nn::GELU("fast"), ValueError);
}

TEST(NNLayers, PoolingAndFlattenMatchFormulas) {
  Tensor x = randn64({2, 3, 6, 8});
  auto tap = [&](int64_t i, int64_t j) { return x.slice(2, i, 6, 2).slice(3, j, 8, 2); };
  Tensor max_want = maximum(maximum(tap(0, 0), tap(0, 1)), maximum(tap(1, 0), tap(1, 1)));
  EXPECT_EQ(max_abs_diff(nn::MaxPool2d(2).forward(x), max_want), 0.0);
  Tensor avg_want = (tap(0, 0) + tap(0, 1) + tap(1, 0) + tap(1, 1)) / 4.0;
  EXPECT_LT(max_abs_diff(nn::AvgPool2d(2).forward(x), avg_want), 1e-14);
  EXPECT_LT(max_abs_diff(nn::AdaptiveAvgPool2d(1).forward(x), x.mean({2, 3}, true)), 1e-14);
  EXPECT_LT(max_abs_diff(nn::AdaptiveAvgPool2d({3, 4}).forward(x), avg_want), 1e-14);
  EXPECT_EQ(nn::MaxPool2d(3, {.stride = 2, .padding = 1}).forward(x).sizes(), (Shape{2, 3, 3, 4}));
  EXPECT_EQ(nn::Flatten().forward(x).sizes(), (Shape{2, 144}));
  EXPECT_EQ(nn::Flatten(0, 1).forward(x).sizes(), (Shape{6, 6, 8}));
  EXPECT_TRUE(nn::Identity().forward(x).is_same(x));
}

namespace {
// softmax(Q K^T / sqrt(d) + mask) V per head, written out; masks as PyTorch's bool (true =
// blocked). Inputs [L, N, E]; returns output [L, N, E] and head-averaged weights [N, L, S].
std::pair<Tensor, Tensor> reference_mha(const nn::MultiheadAttention& m, const Tensor& q_in,
                                        const Tensor& k_in, const Tensor& v_in,
                                        const Tensor& blocked /* [N, 1 or H, L, S] bool */) {
  int64_t L = q_in.size(0), N = q_in.size(1), S = k_in.size(0), H = m.num_heads, d = m.head_dim;
  TensorList w = m.in_proj_weight.chunk(3), b = m.in_proj_bias.chunk(3);
  auto heads = [&](const Tensor& t, int64_t len) {
    return t.reshape({len, N, H, d}).permute({1, 2, 0, 3});
  };
  Tensor q = heads(matmul(q_in, w[0].t()) + b[0], L);
  Tensor k = heads(matmul(k_in, w[1].t()) + b[1], S);
  Tensor v = heads(matmul(v_in, w[2].t()) + b[2], S);
  Tensor scores = matmul(q, k.transpose(-2, -1)) / std::sqrt(static_cast<double>(d));
  if (blocked.defined()) scores = scores.masked_fill(blocked, -1e300);
  Tensor e = exp(scores - scores.amax({-1}, true));
  Tensor weights = e / e.sum({-1}, true);
  Tensor out = matmul(weights, v).permute({2, 0, 1, 3}).reshape({L, N, H * d});
  return {matmul(out, m.out_proj->weight.t()) + m.out_proj->bias, weights.mean({1})};
}
}  // namespace

TEST(NNLayers, MultiheadAttentionMatchesExplicitSoftmaxAttention) {
  nn::MultiheadAttention mha(8, 2);
  mha.to(DType::Float64);
  nn::init::normal_(mha.in_proj_bias);  // zero by default; make the test see them
  nn::init::normal_(mha.out_proj->bias);
  Tensor q = randn64({4, 3, 8}), kv = randn64({5, 3, 8});
  auto [want, want_w] = reference_mha(mha, q, kv, kv, Tensor());
  auto [out, weights] = mha.forward(q, kv, kv);
  EXPECT_LT(max_abs_diff(out, want), 1e-10);
  EXPECT_LT(max_abs_diff(weights, want_w), 1e-12);
  auto fused = mha.forward(q, kv, kv, {.need_weights = false});
  EXPECT_FALSE(fused.weights.defined());
  EXPECT_LT(max_abs_diff(fused.output, want), 1e-10);

  // key_padding_mask [N, S] and a causal-style attn_mask [L, S], both true = blocked.
  Tensor padding = zeros({3, 5}, DType::Bool);
  padding.select(0, 1).narrow(0, 3, 2).fill_(true);
  Tensor attn = ones({4, 5}, DType::Bool).triu(2);
  Tensor blocked = logical_or(padding.view({3, 1, 1, 5}), attn.view({1, 1, 4, 5}));
  auto [masked_want, masked_w] = reference_mha(mha, q, kv, kv, blocked);
  for (bool need_weights : {true, false}) {
    auto r = mha.forward(
        q, kv, kv, {.key_padding_mask = padding, .need_weights = need_weights, .attn_mask = attn});
    EXPECT_LT(max_abs_diff(r.output, masked_want), 1e-10) << need_weights;
  }
  // A float mask is added to the scores: -inf blocks like true.
  Tensor additive = zeros({4, 5}, kF64).masked_fill(attn, -std::numeric_limits<double>::infinity());
  auto with_float = mha.forward(q, kv, kv, {.key_padding_mask = padding, .attn_mask = additive});
  EXPECT_LT(max_abs_diff(with_float.output, masked_want), 1e-10);
  EXPECT_LT(max_abs_diff(with_float.weights, masked_w), 1e-12);

  // batch_first and unbatched inputs are the same computation rearranged.
  nn::MultiheadAttention bf(8, 2, {.batch_first = true});
  bf.to(DType::Float64);
  bf.load_state_dict(mha.state_dict());
  EXPECT_LT(max_abs_diff(bf.forward(q.transpose(0, 1), kv.transpose(0, 1), kv.transpose(0, 1))
                             .output.transpose(0, 1),
                         want),
            1e-10);
  Tensor q0 = q.select(1, 0), kv0 = kv.select(1, 0);
  auto single = mha.forward(q0, kv0, kv0);
  EXPECT_LT(max_abs_diff(single.output, want.select(1, 0)), 1e-10);
  EXPECT_EQ(single.weights.sizes(), (Shape{4, 5}));
  EXPECT_THROW(mha.forward(randn64({4, 3, 6}), kv, kv), RuntimeError);
  EXPECT_THROW(mha.forward(q, kv, kv, {.attn_mask = zeros({4, 4}, DType::Bool)}), RuntimeError);
  EXPECT_THROW(nn::MultiheadAttention(8, 3), ValueError);
}

TEST(NNLayers, MultiheadAttentionWithSeparateKeyValueDims) {
  nn::MultiheadAttention mha(8, 2, {.kdim = 4, .vdim = 6});
  mha.to(DType::Float64);
  Tensor q = randn64({3, 2, 8}), k = randn64({5, 2, 4}), v = randn64({5, 2, 6});
  auto [out, w] = mha.forward(q, k, v);
  EXPECT_EQ(out.sizes(), (Shape{3, 2, 8}));
  // Same as packed attention whose key/value inputs were pre-projected to embed_dim.
  nn::MultiheadAttention packed(8, 2);
  packed.to(DType::Float64);
  {
    autograd::NoGradGuard no_grad;
    packed.in_proj_weight.copy_(
        cat({mha.q_proj_weight, eye(8, std::nullopt, kF64), eye(8, std::nullopt, kF64)}));
    packed.in_proj_bias.copy_(mha.in_proj_bias);
    packed.out_proj->weight.copy_(mha.out_proj->weight);
    packed.out_proj->bias.copy_(mha.out_proj->bias);
  }
  auto [want, want_w] =
      packed.forward(q, matmul(k, mha.k_proj_weight.t()), matmul(v, mha.v_proj_weight.t()));
  EXPECT_LT(max_abs_diff(out, want), 1e-10);
}

TEST(NNLayers, TransformerEncoderLayerComposesAttentionAndFeedForward) {
  Tensor x = randn64({5, 2, 8});
  for (bool norm_first : {false, true}) {
    for (const char* activation : {"relu", "gelu"}) {
      nn::TransformerEncoderLayer layer(
          8, 2, {.dim_feedforward = 16, .activation = activation, .norm_first = norm_first});
      layer.to(DType::Float64);
      layer.eval();  // dropout off
      auto sa = [&](const Tensor& t) { return layer.self_attn->forward(t, t, t).output; };
      auto ff = [&](const Tensor& t) {
        Tensor h = layer.linear1->forward(t);
        h = std::string(activation) == "gelu" ? gelu(h) : relu(h);
        return layer.linear2->forward(h);
      };
      Tensor want;
      if (norm_first) {
        Tensor h = x + sa(layer.norm1->forward(x));
        want = h + ff(layer.norm2->forward(h));
      } else {
        Tensor h = layer.norm1->forward(x + sa(x));
        want = layer.norm2->forward(h + ff(h));
      }
      EXPECT_LT(max_abs_diff(layer.forward(x), want), 1e-10) << norm_first << activation;
    }
  }
  EXPECT_THROW(nn::TransformerEncoderLayer(8, 2, {.activation = "tanh"}), RuntimeError);
}

TEST(NNLayers, TransformerEncoderStacksEqualCopiesAndAFinalNorm) {
  nn::TransformerEncoderLayer proto(8, 2, {.dim_feedforward = 16, .batch_first = true});
  proto.to(DType::Float64);
  auto norm = std::make_shared<nn::LayerNorm>(8);
  norm->to(DType::Float64);
  nn::TransformerEncoder encoder(proto, 3, norm);
  encoder.eval();
  for (int64_t i = 0; i < 3; ++i) {
    for (const auto& [key, value] : proto.state_dict()) {
      EXPECT_EQ(max_abs_diff(encoder.layer(i)->state_dict()[key], value), 0.0) << key;
    }
  }
  // Copies, not aliases: training one layer leaves the others alone.
  EXPECT_FALSE(encoder.layer(0)->linear1->weight.is_same(encoder.layer(1)->linear1->weight));
  Tensor x = randn64({2, 5, 8});
  Tensor padding = zeros({2, 5}, DType::Bool);
  padding.select(0, 0).select(0, 4).fill_(true);
  Tensor want = x;
  for (int64_t i = 0; i < 3; ++i) want = encoder.layer(i)->forward(want, Tensor(), padding);
  EXPECT_LT(max_abs_diff(encoder.forward(x, Tensor(), padding), norm->forward(want)), 1e-12);
  // Training mode: gradients reach every parameter (through the fused attention too).
  encoder.train();
  encoder.forward(x, Tensor(), padding).square().sum().backward();
  for (const auto& [name, p] : encoder.named_parameters()) {
    ASSERT_TRUE(p.grad().defined()) << name;
    EXPECT_GT(p.grad().abs().sum().item<double>(), 0.0) << name;
  }
}

TEST(NNLayers, LstmStepMatchesHandComputation) {
  nn::LSTM lstm(3, 4);
  lstm.to(DType::Float64);
  Tensor x = randn64({2, 5, 3}), h0 = randn64({1, 5, 4}), c0 = randn64({1, 5, 4});
  auto [out, h_n, c_n] = lstm.forward(x, h0, c0);
  Tensor w_ih = lstm.get_parameter("weight_ih_l0"), w_hh = lstm.get_parameter("weight_hh_l0");
  Tensor b = lstm.get_parameter("bias_ih_l0") + lstm.get_parameter("bias_hh_l0");
  Tensor h = h0.select(0, 0), c = c0.select(0, 0);
  for (int64_t t = 0; t < 2; ++t) {
    Tensor g = matmul(x.select(0, t), w_ih.t()) + matmul(h, w_hh.t()) + b;
    Tensor i = sigmoid(g.narrow(1, 0, 4)), f = sigmoid(g.narrow(1, 4, 4));
    Tensor gg = tanh(g.narrow(1, 8, 4)), o = sigmoid(g.narrow(1, 12, 4));
    c = f * c + i * gg;
    h = o * tanh(c);
    EXPECT_LT(max_abs_diff(out.select(0, t), h), 1e-12) << t;
  }
  EXPECT_LT(max_abs_diff(h_n.select(0, 0), h), 1e-12);
  EXPECT_LT(max_abs_diff(c_n.select(0, 0), c), 1e-12);
  EXPECT_THROW(lstm.forward(x, h0), RuntimeError);  // h0 without c0
  EXPECT_THROW(lstm.forward(x, randn64({2, 5, 4}), c0), RuntimeError);
  EXPECT_THROW(lstm.forward(randn64({2, 5, 6})), RuntimeError);
}

TEST(NNLayers, GruStepMatchesHandComputation) {
  nn::GRU gru(3, 4);
  gru.to(DType::Float64);
  Tensor x = randn64({1, 2, 3}), h0 = randn64({1, 2, 4});
  auto [out, h_n] = gru.forward(x, h0);
  Tensor gi = matmul(x.select(0, 0), gru.get_parameter("weight_ih_l0").t()) +
              gru.get_parameter("bias_ih_l0");
  Tensor gh = matmul(h0.select(0, 0), gru.get_parameter("weight_hh_l0").t()) +
              gru.get_parameter("bias_hh_l0");
  Tensor r = sigmoid(gi.narrow(1, 0, 4) + gh.narrow(1, 0, 4));
  Tensor z = sigmoid(gi.narrow(1, 4, 4) + gh.narrow(1, 4, 4));
  Tensor n = tanh(gi.narrow(1, 8, 4) + r * gh.narrow(1, 8, 4));
  Tensor want = (1.0 - z) * n + z * h0.select(0, 0);
  EXPECT_LT(max_abs_diff(out.select(0, 0), want), 1e-12);
  EXPECT_LT(max_abs_diff(h_n.select(0, 0), want), 1e-12);
}

TEST(NNLayers, RecurrentLayersStackBidirectionalAndBatchFirst) {
  nn::GRU gru(3, 4, {.num_layers = 2, .bidirectional = true});
  gru.to(DType::Float64);
  Tensor x = randn64({6, 2, 3});
  auto [out, h_n] = gru.forward(x);
  EXPECT_EQ(out.sizes(), (Shape{6, 2, 8}));
  EXPECT_EQ(h_n.sizes(), (Shape{4, 2, 4}));
  // The reverse direction of layer 0 is a forward GRU over the reversed sequence.
  nn::GRU reverse(3, 4);
  reverse.to(DType::Float64);
  reverse.load_state_dict({{"weight_ih_l0", gru.get_parameter("weight_ih_l0_reverse")},
                           {"weight_hh_l0", gru.get_parameter("weight_hh_l0_reverse")},
                           {"bias_ih_l0", gru.get_parameter("bias_ih_l0_reverse")},
                           {"bias_hh_l0", gru.get_parameter("bias_hh_l0_reverse")}});
  nn::GRU first(3, 4, {.bidirectional = true});
  first.to(DType::Float64);
  nn::StateDict layer0;
  for (const auto& [k, v] : gru.state_dict()) {
    if (k.find("_l0") != std::string::npos) layer0.insert(k, v);
  }
  first.load_state_dict(layer0);
  auto [first_out, first_h] = first.forward(x);
  auto [rev_out, rev_h] = reverse.forward(flip(x, {0}));
  EXPECT_LT(max_abs_diff(first_out.narrow(2, 4, 4), flip(rev_out, {0})), 1e-12);
  EXPECT_LT(max_abs_diff(h_n.select(0, 1), rev_h.select(0, 0)), 1e-12);

  nn::LSTM tm(3, 4, {.num_layers = 2});
  nn::LSTM bf(3, 4, {.num_layers = 2, .batch_first = true});
  tm.to(DType::Float64);
  bf.to(DType::Float64);
  bf.load_state_dict(tm.state_dict());
  auto a = tm.forward(x);
  auto b = bf.forward(x.transpose(0, 1));
  EXPECT_LT(max_abs_diff(b.output.transpose(0, 1), a.output), 1e-12);
  EXPECT_LT(max_abs_diff(b.h_n, a.h_n), 1e-12);
  auto unbatched = tm.forward(x.select(1, 0));
  EXPECT_LT(max_abs_diff(unbatched.output, a.output.select(1, 0)), 1e-12);
  EXPECT_EQ(unbatched.c_n.sizes(), (Shape{2, 4}));
  // Gradients reach every weight through the time loop.
  a.output.sum().backward();
  for (const auto& [name, p] : tm.named_parameters()) {
    EXPECT_TRUE(p.grad().defined()) << name;
  }
}

TEST(NNLayers, LossesMatchFormulas) {
  Tensor logits = randn64({6, 4});
  Tensor target = tensor_from<int64_t>({0, 3, 1, 2, 3, -100});
  Tensor logp = logits.log_softmax(1);
  Tensor picked = logp.gather(1, target.clamp(0, std::nullopt).unsqueeze(1)).squeeze(1);
  Tensor valid = target.ne(full({6}, -100)).to(DType::Float64);
  Tensor nll_want = -(picked * valid).sum() / valid.sum();
  EXPECT_LT(max_abs_diff(nn::CrossEntropyLoss()(logits, target), nll_want), 1e-12);
  EXPECT_LT(max_abs_diff(nn::NLLLoss()(logp, target), nll_want), 1e-12);
  // Label smoothing eps: (1 - eps) * nll + eps * mean over classes of -log p.
  double eps = 0.2;
  Tensor smooth = -(logp.mean({1}) * valid).sum() / valid.sum();
  EXPECT_LT(max_abs_diff(nn::CrossEntropyLoss({.label_smoothing = eps})(logits, target),
                         nll_want * (1 - eps) + smooth * eps),
            1e-12);
  Tensor per_sample = nn::CrossEntropyLoss({.reduction = "none"})(logits, target);
  EXPECT_LT(max_abs_diff(per_sample, -picked * valid), 1e-12);
  Tensor cw = tensor_from<double>({1.0, 2.0, 0.5, 3.0});
  Tensor w_t = cw.index_select(0, target.clamp(0, std::nullopt)) * valid;
  EXPECT_LT(max_abs_diff(nn::CrossEntropyLoss({.weight = cw})(logits, target),
                         -(picked * w_t).sum() / w_t.sum()),
            1e-12);

  Tensor a = randn64({3, 5}), b = randn64({3, 5});
  EXPECT_LT(max_abs_diff(nn::MSELoss()(a, b), (a - b).square().mean()), 1e-14);
  EXPECT_LT(max_abs_diff(nn::MSELoss("sum")(a, b), (a - b).square().sum()), 1e-12);
  EXPECT_LT(max_abs_diff(nn::L1Loss()(a, b), (a - b).abs().mean()), 1e-14);
  Tensor y = rand({3, 5}, kF64), pw = tensor_from<double>({1.0, 2.0, 3.0, 0.5, 1.5});
  Tensor s = sigmoid(a);
  Tensor bce = -(pw * y * log(s) + (1.0 - y) * log(1.0 - s));
  EXPECT_LT(max_abs_diff(nn::BCEWithLogitsLoss({.pos_weight = pw})(a, y), bce.mean()), 1e-12);
  EXPECT_THROW(nn::MSELoss("average"), ValueError);
}

// ---------------------------------------------------------------- default initialisation

TEST(NNInit, DefaultsFollowPyTorch) {
  manual_seed(0);
  auto within = [](const Tensor& t, double bound) { return t.abs().max().item<double>() <= bound; };
  auto spread = [](const Tensor& t, double bound) {
    return t.abs().max().item<double>() > 0.9 * bound;  // fills the range, not a corner
  };
  nn::Linear fc(100, 50);
  double k = 1.0 / std::sqrt(100.0);
  EXPECT_TRUE(within(fc.weight, k) && spread(fc.weight, k));
  EXPECT_TRUE(within(fc.bias, k) && spread(fc.bias, k));
  // U(-k, k) has variance k^2 / 3.
  EXPECT_NEAR(fc.weight.var().item<double>(), k * k / 3, 0.1 * k * k / 3);
  nn::Conv2d conv(4, 8, 3, {.groups = 2});
  double kc = 1.0 / std::sqrt(2.0 * 9.0);  // fan_in = in_channels / groups * kernel area
  EXPECT_TRUE(within(conv.weight, kc) && spread(conv.weight, kc));
  EXPECT_TRUE(within(conv.bias, kc));
  nn::Embedding emb(1000, 20);
  EXPECT_NEAR(emb.weight.mean().item<double>(), 0.0, 0.02);
  EXPECT_NEAR(emb.weight.std().item<double>(), 1.0, 0.02);
  nn::MultiheadAttention mha(16, 4);
  double xavier = std::sqrt(6.0 / (16 + 48));
  EXPECT_TRUE(within(mha.in_proj_weight, xavier) && spread(mha.in_proj_weight, xavier));
  EXPECT_EQ(mha.in_proj_bias.abs().sum().item<double>(), 0.0);
  EXPECT_EQ(mha.out_proj->bias.abs().sum().item<double>(), 0.0);
  EXPECT_TRUE(within(mha.out_proj->weight, 0.25));  // Linear's own init, 1 / sqrt(16)
  nn::LSTM lstm(10, 25);
  for (const Tensor& p : lstm.parameters()) EXPECT_TRUE(within(p, 0.2) && spread(p, 0.2));
  nn::BatchNorm2d bn(4);
  EXPECT_EQ(max_abs_diff(bn.weight, ones({4})), 0.0);
  EXPECT_EQ(max_abs_diff(bn.bias, zeros({4})), 0.0);
  EXPECT_EQ(max_abs_diff(bn.running_var, ones({4})), 0.0);
  nn::LayerNorm ln(6);
  EXPECT_EQ(max_abs_diff(ln.weight, ones({6})), 0.0);
  EXPECT_EQ(nn::init::calculate_gain("relu"), std::sqrt(2.0));
  EXPECT_THROW(nn::init::calculate_gain("swish"), ValueError);
  EXPECT_THROW(nn::init::kaiming_uniform_(zeros({3})), ValueError);
}

// ---------------------------------------------------------------- training end to end

TEST(NNTraining, MlpLearnsTwoMoonsLikeProblemWithAdam) {
  manual_seed(1);
  // Points in [-1, 1]^2 labelled by which side of a circle they fall on: not linearly
  // separable, easy for a small MLP.
  Tensor x = rand({256, 2}) * 2.0 - 1.0;
  Tensor y = x.square().sum({1}).lt(full({256}, 0.5)).to(DType::Int64);
  auto model = std::make_shared<nn::Sequential>(nn::Linear(2, 32), nn::Tanh(), nn::Linear(32, 32),
                                                nn::ReLU(), nn::Linear(32, 2));
  optim::Adam opt(model->parameters(), {.lr = 0.01});
  nn::CrossEntropyLoss criterion;
  double first = 0, last = 0;
  for (int step = 0; step < 300; ++step) {
    opt.zero_grad();
    Tensor loss = criterion(model->forward(x), y);
    loss.backward();
    opt.step();
    if (step == 0) first = loss.item<double>();
    last = loss.item<double>();
  }
  EXPECT_GT(first, 0.5);
  EXPECT_LT(last, 0.1);
  model->eval();
  Tensor accuracy = model->forward(x).argmax(1).eq(y).to(DType::Float64).mean();
  EXPECT_GT(accuracy.item<double>(), 0.97);
}
