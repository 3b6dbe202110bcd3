"""deepseek.nn: modules, parameters, initialization and functional layers."""
from deepseek.nn.parameter import Parameter  # noqa: F401
from deepseek.nn.modules import (  # noqa: F401
    Module, Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict,
    Identity, Linear, Flatten, Unflatten,
    ReLU, GELU, SiLU, Tanh, Sigmoid, Softmax, LogSoftmax, MultiheadAttention,
    LeakyReLU, ELU, CELU, SELU, Hardtanh, ReLU6, Hardsigmoid, Hardswish, Mish, Threshold,
    Softplus, Softshrink, Hardshrink, LogSigmoid, Softsign, Tanhshrink, GLU, PReLU, Softmin,
    Upsample, UpsamplingNearest2d, UpsamplingBilinear2d, CosineSimilarity, PairwiseDistance,
    ConstantPad1d, ConstantPad2d, ConstantPad3d, ZeroPad2d, ReflectionPad1d, ReflectionPad2d,
    ReplicationPad1d, ReplicationPad2d, PixelShuffle, PixelUnshuffle, ChannelShuffle, Fold,
    Unfold, InstanceNorm1d, InstanceNorm2d, Bilinear, Softmax2d, AlphaDropout,
    FeatureAlphaDropout, LocalResponseNorm,
    L1Loss, MSELoss, SmoothL1Loss, HuberLoss, KLDivLoss, NLLLoss, CrossEntropyLoss, BCELoss,
    BCEWithLogitsLoss,
    MarginRankingLoss, HingeEmbeddingLoss, SoftMarginLoss, MultiLabelSoftMarginLoss,
    CosineEmbeddingLoss, TripletMarginLoss, MultiMarginLoss, PoissonNLLLoss, GaussianNLLLoss,
    Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d,
    MaxPool1d, MaxPool2d, AvgPool1d, AvgPool2d, AdaptiveAvgPool1d, AdaptiveAvgPool2d,
    AdaptiveMaxPool1d, AdaptiveMaxPool2d,
    BatchNorm1d, BatchNorm2d, BatchNorm3d, LayerNorm, RMSNorm, GroupNorm,
    Embedding, EmbeddingBag, Dropout, Dropout1d, Dropout2d, Dropout3d,
    RNNBase, RNN, LSTM, GRU, RNNCellBase, RNNCell, LSTMCell, GRUCell,
    Transformer, TransformerEncoder, TransformerDecoder, TransformerEncoderLayer,
    TransformerDecoderLayer,
)
from deepseek.nn import functional, init, utils  # noqa: F401
from deepseek.nn import parallel  # noqa: F401
from deepseek.nn.parallel import DataParallel  # noqa: F401
