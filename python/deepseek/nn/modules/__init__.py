"""The nn.Module classes (one family per file)."""
from deepseek.nn.modules.module import Module  # noqa: F401
from deepseek.nn.modules.container import (  # noqa: F401
    Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict,
)
from deepseek.nn.modules.linear import Identity, Linear  # noqa: F401
from deepseek.nn.modules.flatten import Flatten, Unflatten  # noqa: F401
from deepseek.nn.modules.activation import (  # noqa: F401
    ReLU, GELU, SiLU, Tanh, Sigmoid, Softmax, LogSoftmax,
)
from deepseek.nn.modules.loss import L1Loss, MSELoss  # noqa: F401
