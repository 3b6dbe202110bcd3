"""The nn.Module classes (one family per file)."""
from deepseek.nn.modules.module import Module  # noqa: F401
from deepseek.nn.modules.container import (  # noqa: F401
    Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict,
)
from deepseek.nn.modules.linear import (  # noqa: F401
    Identity, Linear, NonDynamicallyQuantizableLinear, Bilinear,
)
from deepseek.nn.modules.flatten import Flatten, Unflatten  # noqa: F401
from deepseek.nn.modules.distance import CosineSimilarity, PairwiseDistance  # noqa: F401
from deepseek.nn.modules.padding import (  # noqa: F401
    ConstantPad1d, ConstantPad2d, ConstantPad3d, ZeroPad2d, ReflectionPad1d, ReflectionPad2d,
    ReplicationPad1d, ReplicationPad2d,
)
from deepseek.nn.modules.pixelshuffle import (  # noqa: F401
    PixelShuffle, PixelUnshuffle, ChannelShuffle,
)
from deepseek.nn.modules.fold import Fold, Unfold  # noqa: F401
from deepseek.nn.modules.instancenorm import InstanceNorm1d, InstanceNorm2d  # noqa: F401
from deepseek.nn.modules.upsampling import (  # noqa: F401
    Upsample, UpsamplingNearest2d, UpsamplingBilinear2d,
)
from deepseek.nn.modules.activation import (  # noqa: F401
    ReLU, GELU, SiLU, Tanh, Sigmoid, Softmax, LogSoftmax, MultiheadAttention,
    LeakyReLU, ELU, CELU, SELU, Hardtanh, ReLU6, Hardsigmoid, Hardswish, Mish, Threshold,
    Softplus, Softshrink, Hardshrink, LogSigmoid, Softsign, Tanhshrink, GLU, PReLU, Softmin,
    Softmax2d,
)
from deepseek.nn.modules.loss import (  # noqa: F401
    L1Loss, MSELoss, SmoothL1Loss, HuberLoss, KLDivLoss, NLLLoss, CrossEntropyLoss, BCELoss,
    BCEWithLogitsLoss,
    MarginRankingLoss, HingeEmbeddingLoss, SoftMarginLoss, MultiLabelSoftMarginLoss,
    CosineEmbeddingLoss, TripletMarginLoss, MultiMarginLoss, PoissonNLLLoss, GaussianNLLLoss,
)
from deepseek.nn.modules.conv import (  # noqa: F401
    Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d,
)
from deepseek.nn.modules.pooling import (  # noqa: F401
    MaxPool1d, MaxPool2d, AvgPool1d, AvgPool2d, AdaptiveAvgPool1d, AdaptiveAvgPool2d,
    AdaptiveMaxPool1d, AdaptiveMaxPool2d,
)
from deepseek.nn.modules.batchnorm import BatchNorm1d, BatchNorm2d, BatchNorm3d  # noqa: F401
from deepseek.nn.modules.normalization import (  # noqa: F401
    LayerNorm, RMSNorm, GroupNorm, LocalResponseNorm,
)
from deepseek.nn.modules.sparse import Embedding, EmbeddingBag  # noqa: F401
from deepseek.nn.modules.dropout import (  # noqa: F401
    Dropout, Dropout1d, Dropout2d, Dropout3d, AlphaDropout, FeatureAlphaDropout,
)
from deepseek.nn.modules.rnn import (  # noqa: F401
    RNNBase, RNN, LSTM, GRU, RNNCellBase, RNNCell, LSTMCell, GRUCell,
)
from deepseek.nn.modules.transformer import (  # noqa: F401
    Transformer, TransformerEncoder, TransformerDecoder, TransformerEncoderLayer,
    TransformerDecoderLayer,
)
