"""nn.utils: gradient clipping, parameter/vector conversion and packed sequences (rnn)."""
from deepseek.nn.utils.clip_grad import clip_grad_norm_, clip_grad_value_  # noqa: F401
from deepseek.nn.utils.convert_parameters import (  # noqa: F401
    parameters_to_vector, vector_to_parameters,
)
from deepseek.nn.utils import rnn  # noqa: F401
