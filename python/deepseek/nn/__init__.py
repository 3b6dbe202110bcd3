"""deepseek.nn: modules, parameters, initialization and functional layers."""
from deepseek.nn.parameter import Parameter  # noqa: F401
from deepseek.nn.modules import (  # noqa: F401
    Module, Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict,
    Identity, Linear, Flatten, Unflatten,
    ReLU, GELU, SiLU, Tanh, Sigmoid, Softmax, LogSoftmax,
    L1Loss, MSELoss,
)
from deepseek.nn import functional, init, utils  # noqa: F401
